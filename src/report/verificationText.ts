import type { Verification } from '../types.js';

/**
 * A verification in a few words, as the text, JUnit and HTML reports show it:
 * "verified live: arn:aws:iam::123456789012:user/ci (account 123456789012)",
 * "verified not live (InvalidClientTokenId)", "could not verify: no answer within 5 s".
 */
export function verificationText(v: Verification): string {
  if (v.status === 'valid') return `verified live: ${v.arn ?? '?'}${v.account ? ` (account ${v.account})` : ''}`;
  if (v.status === 'invalid') return `verified not live${v.error ? ` (${v.error})` : ''}`;
  return `could not verify${v.error ? `: ${v.error}` : ''}`;
}
