import type { Finding, ScanResult } from '../types.js';

/**
 * What is shown of a secret: its first 4 characters (the key type of an AWS key ID, 4 of a
 * secret key's 40) when it is 20 characters or longer, a fifth of a shorter one.
 */
export function redactSecret(secret: string): string {
  const keep = secret.length >= 20 ? 4 : Math.floor(secret.length / 5);
  return `${secret.slice(0, keep)}…(redacted)`;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The result with every secret replaced by its redaction, and every copy of any secret of the
 * result in any excerpt too: a line holding a key ID and its secret key shows neither, whichever
 * finding's excerpt it is.
 */
export function redactResult(result: ScanResult): ScanResult {
  const secrets = [...new Set([...result.findings, ...result.suppressed].map((f) => f.secret).filter((s) => s.length > 0))];
  secrets.sort((a, b) => b.length - a.length);
  const any = secrets.length ? new RegExp(secrets.map(escapeRe).join('|'), 'g') : undefined;
  const redactFinding = <T extends Finding>(f: T): T => ({
    ...f,
    secret: redactSecret(f.secret),
    lineText: any ? f.lineText.replace(any, (s) => redactSecret(s)) : f.lineText,
  });
  return { ...result, findings: result.findings.map(redactFinding), suppressed: result.suppressed.map(redactFinding) };
}
