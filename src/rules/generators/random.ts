import { randomBytes } from 'node:crypto';

export const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const DIGITS = '0123456789';
export const BASE62 = DIGITS + UPPER + LOWER;
export const HEX = '0123456789abcdef';

/** `n` random characters of `alphabet`. */
export function pick(alphabet: string, n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

/** `n` random characters of `alphabet` with no run of 3 equal characters (no accidental placeholder). */
export function randomRun(alphabet: string, n: number): string {
  let out = '';
  while (out.length < n) {
    const ch = pick(alphabet, 1);
    if (out.length >= 2 && out.at(-1) === ch && out.at(-2) === ch) continue;
    out += ch;
  }
  return out;
}

/**
 * `n` random characters of `alphabet` that look random to every gate: no run of 3, no typed
 * sequence, and (for alphabets that have them) upper case, lower case and a digit.
 */
export function randomToken(alphabet: string, n: number): string {
  const classes = [UPPER, LOWER, DIGITS].filter((c) => [...c].some((ch) => alphabet.includes(ch)));
  for (;;) {
    const s = randomRun(alphabet, n);
    if (n >= 12 && !classes.every((c) => [...s].some((ch) => c.includes(ch)))) continue;
    if (/abcdefgh|12345678|example|dummy|xxxx/i.test(s)) continue;
    return s;
  }
}
