import type { Finding, ScanResult } from '../types.js';

/**
 * What is shown of a secret: its first 4 characters (the key type of an AWS key ID, 4 of a
 * secret key's 40) when it is 20 characters or longer, a fifth of a shorter one.
 */
export function redactSecret(secret: string): string {
  const keep = secret.length >= 20 ? 4 : Math.floor(secret.length / 5);
  return `${secret.slice(0, keep)}…(redacted)`;
}

function redactFinding<T extends Finding>(f: T): T {
  const shown = redactSecret(f.secret);
  return { ...f, secret: shown, lineText: f.lineText.split(f.secret).join(shown) };
}

/** The result with every secret, and every copy of it in an excerpt, replaced by its redaction. */
export function redactResult(result: ScanResult): ScanResult {
  return { ...result, findings: result.findings.map(redactFinding), suppressed: result.suppressed.map(redactFinding) };
}
