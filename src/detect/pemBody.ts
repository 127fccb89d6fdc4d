import { shannonEntropy } from './entropy.js';

/**
 * A PEM block (RFC 7468), as the private-key rule matches it, in a file or in a string with
 * `\n` escapes:
 *
 *   -----BEGIN RSA PRIVATE KEY-----
 *   Proc-Type: 4,ENCRYPTED            (optional RFC 1421 headers, "Name: value")
 *   DEK-Info: AES-128-CBC,0123ABCD
 *
 *   MIIEowIBAAKCAQEA…                 (base64 of the DER key, usually 64 per line)
 *   -----END RSA PRIVATE KEY-----
 */
const MARKER = /^-----BEGIN [A-Z ]*-----|-----END [A-Z ]*-----$/g;
/** A line break as the block may write it: real, or a JSON/JS string escape (`\n`, `\r\n`). */
const BREAK = /\r?\n|(?:\\r)?\\n/;
const HEADER = /^[A-Za-z-]+:/;

/** Fewer base64 characters than the shortest real key (an Ed25519 PKCS#8 key is 64). */
const MIN_BODY = 64;
/** Base64 of DER is close to random (about 5.5–6 bits per character); a typed filler is not. */
const MIN_ENTROPY = 4.5;

/**
 * Why the body of a matched PEM private key block is not a key, or null when it may be one:
 * after dropping the markers, header lines and line breaks, the body must be at least MIN_BODY
 * base64 characters (a truncated `MIIE` or a `your key here` is not) with the entropy of
 * encoded random data. Linear in the block's length.
 */
export function pemBodyProblem(block: string): string | null {
  const lines = block.replace(MARKER, '').split(BREAK);
  let body = '';
  for (const raw of lines) {
    if (HEADER.test(raw.trim())) continue;
    const line = raw.replace(/\\\//g, '/').replace(/\s+/g, '');
    if (line === '') continue;
    if (!/^[A-Za-z0-9+/]+=*$/.test(line)) return 'PEM body is not base64';
    body += line;
  }
  if (body.length < MIN_BODY) return 'PEM body too short to be a key (truncated or placeholder)';
  if (shannonEntropy(body) < MIN_ENTROPY) return 'PEM body is filler, not encoded key material';
  return null;
}
