import { tokenChecksum } from '../../detect/checksum.js';
import type { Generators } from './generator.js';
import { BASE62, BASE64, DIGITS, HEX, LOWER, UPPER, randomToken } from './random.js';

/** The length argument of an alphabet generator ({{BASE62:36}}). */
function length(kind: string, arg: string | undefined): number {
  const n = Number(arg);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`{{${kind}:N}} needs a length, got ${arg}`);
  return n;
}

/**
 * A GitHub classic or npm token: `prefix` + 30 random base62 characters + their CRC32 checksum
 * (see src/detect/checksum.ts). `valid` false makes the checksum wrong (a look-alike).
 */
export function fakeChecksumToken(prefix: string, valid = true): string {
  const random = randomToken(BASE62, 30);
  let sum = tokenChecksum(random);
  if (!valid) sum = sum.slice(0, 5) + (sum[5] === 'a' ? 'b' : 'a');
  return prefix + random + sum;
}

/** Base64 lines of at most 64 characters, as PEM writes them. */
function pemLines(b64: string): string {
  return b64.match(/.{1,64}/g)!.join('\n');
}

/**
 * A PEM private key block of `type` ("RSA", "EC", "OPENSSH", "ENCRYPTED", "" for PKCS#8) with
 * a random body: structure only, no key.
 */
export function fakePemKey(type = ''): string {
  const label = `${type ? `${type} ` : ''}PRIVATE KEY`;
  const body = (type === 'OPENSSH' ? 'b3BlbnNzaC1rZXktdjEAAAAA' : 'MIIEvQIBADANBgkqhkiG9w0B') + randomToken(BASE64, 420) + '==';
  return `-----BEGIN ${label}-----\n${pemLines(body)}\n-----END ${label}-----`;
}

/** Provider-neutral token kinds: random strings of an alphabet, checksummed tokens, PEM keys. */
export const tokenGenerators: Generators = {
  /** N random base62 characters (upper, lower and digits). */
  BASE62: (arg) => randomToken(BASE62, length('BASE62', arg)),
  /** N random lower-case hex digits. */
  HEX: (arg) => randomToken(HEX, length('HEX', arg)),
  /** N random characters of the base64 alphabet (no padding). */
  BASE64: (arg) => randomToken(BASE64, length('BASE64', arg)),
  /** N random characters of the base64url alphabet. */
  BASE64URL: (arg) => randomToken(BASE62 + '-_', length('BASE64URL', arg)),
  /** N random upper-case letters and digits. */
  UPPERNUM: (arg) => randomToken(UPPER + DIGITS, length('UPPERNUM', arg)),
  /** N random letters, both cases. */
  ALPHA: (arg) => randomToken(UPPER + LOWER, length('ALPHA', arg)),
  /** N random digits. */
  DIGITS: (arg) => randomToken(DIGITS, length('DIGITS', arg)),
  /** A checksummed token with prefix ARG (ghp_, npm_): valid CRC32. */
  CRC32TOKEN: (arg) => fakeChecksumToken(arg ?? ''),
  /** The same with a checksum that does not validate. */
  BADCRC32TOKEN: (arg) => fakeChecksumToken(arg ?? '', false),
  /** A PEM private key block; ARG is its type (RSA, EC, OPENSSH, …; none for PKCS#8). */
  PEM: (arg) => fakePemKey(arg),
};
