/**
 * The checksum GitHub classic tokens and npm tokens carry (see /work/shared/token-formats.md):
 *
 *   <prefix> <30 random base62 chars> <6 chars: CRC32 of those 30 chars, in base62>
 *
 * The CRC32 (IEEE 802.3, the zlib one) covers the 30 random characters only, not the prefix; it
 * is written in base62 with the alphabet digits, upper case, lower case (`0-9A-Za-z`) and
 * left-padded with "0" to 6 characters.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

let table: Uint32Array | undefined;

/** CRC32 (reflected polynomial 0xEDB88320) of the char codes of `s` (ASCII input). */
export function crc32(s: string): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < s.length; i++) crc = table[(crc ^ s.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** `n` in base62 (`0-9A-Za-z`), left-padded with "0" to `width`. */
export function base62(n: number, width: number): string {
  let out = '';
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(width, '0');
}

/** The 6-character checksum of a token's 30 random characters. */
export function tokenChecksum(random30: string): string {
  return base62(crc32(random30), 6);
}

/**
 * True when the last 36 characters of `token` are 30 characters and their checksum: the prefix
 * (`ghp_`, `npm_`, …) is whatever comes before them.
 */
export function hasValidChecksum(token: string): boolean {
  if (token.length < 36) return false;
  const body = token.slice(-36);
  return tokenChecksum(body.slice(0, 30)) === body.slice(30);
}
