import type { ScanResult } from '../types.js';
import { stsEndpoint } from './stsEndpoint.js';
import { optionsFromEnv, verifyFindings } from './verifyFindings.js';

/** Throws UsageError when the environment names an endpoint or region that is not one. */
export function checkVerifyEnvironment(env: NodeJS.ProcessEnv): void {
  stsEndpoint(env);
}

/**
 * `scan --verify` / `--only-verified` on a finished scan: verifies the reported findings'
 * AWS key pairs (never the suppressed ones; see verifyFindings), notes what was asked of whom
 * in the stats' notes, and with `onlyVerified` keeps only the findings whose pair STS accepted
 * (the others are counted in a note). Secrets are still in clear here and in the result.
 */
export async function verifyResult(result: ScanResult, env: NodeJS.ProcessEnv, onlyVerified: boolean): Promise<ScanResult> {
  const summary = await verifyFindings(result.findings, optionsFromEnv(env));
  const notes = [...(result.stats.notes ?? [])];
  const keys = summary.valid + summary.invalid + summary.error;
  notes.push(
    keys === 0
      ? '--verify: no AWS key ID with a paired secret key to verify'
      : `--verify: asked ${summary.endpoint} about ${keys} AWS key ID${keys === 1 ? '' : 's'} (${summary.pairs} key pair${summary.pairs === 1 ? '' : 's'} checked): ${summary.valid} valid, ${summary.invalid} invalid, ${summary.error} could not be verified`,
  );
  let findings = result.findings;
  if (onlyVerified) {
    findings = findings.filter((f) => f.verification?.status === 'valid');
    const hidden = result.findings.length - findings.length;
    if (hidden) notes.push(`--only-verified: ${hidden} finding${hidden === 1 ? '' : 's'} not verified valid not reported`);
  }
  return { ...result, findings, stats: { ...result.stats, notes } };
}
