import { isAscii, isUtf8 } from 'node:buffer';
import { terminalInBytes } from '../detect/decoders.js';
import type { Fragment } from '../types.js';

/** `ascii`: every character of `text` is below 0x80 (the detector skips searches for other characters). */
export type Decoded = { kind: 'text'; text: string; encoding?: string; ascii?: true } | { kind: 'binary' };

/** How much of the start of a file is looked at to tell text from binary (as git does). */
export const SNIFF = 8000;

function utf16Guess(buf: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(buf.length, SNIFF) & ~1;
  if (n < 4) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (buf[i] === 0) evenZero++;
    if (buf[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  // ASCII-heavy UTF-16 text: one byte of nearly every pair is 0, the other almost never.
  if (oddZero > pairs * 0.7 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.7 && oddZero < pairs * 0.05) return 'utf-16be';
  return undefined;
}

function decodeUtf16(buf: Buffer, encoding: 'utf-16le' | 'utf-16be', skip: number): string {
  const body = buf.subarray(skip, skip + ((buf.length - skip) & ~1));
  if (encoding === 'utf-16le') return body.toString('utf16le');
  const swapped = Buffer.from(body);
  swapped.swap16();
  return swapped.toString('utf16le');
}

/**
 * Whether decodeBuffer calls a file binary, from its first SNIFF bytes (or all of it when
 * shorter), which is all it looks at to decide: a reader can skip the rest of a large binary.
 */
export function isBinaryHead(head: Buffer): boolean {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return false;
  return head.subarray(0, SNIFF).includes(0) && utf16Guess(head) === undefined;
}

/** Whether `buf` starts with the UTF-8 byte order mark (decodeBuffer leaves it out of the text). */
export function hasBom(buf: Buffer): boolean {
  return buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
}

/**
 * Turns file bytes into text to scan, or says the file is binary.
 * - Pure ASCII → text, flagged `ascii` (read as latin1: the same string, faster).
 * - UTF-8 (with or without BOM) → text; invalid UTF-8 (Latin-1 and friends) → decoded as
 *   Latin-1 so every byte is one character and columns stay right.
 * - UTF-16 LE/BE with a BOM, or without one when the NUL pattern shows it → decoded text.
 * - A NUL byte in the first 8000 bytes otherwise → binary.
 */
export function decodeBuffer(buf: Buffer): Decoded {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return { kind: 'text', text: decodeUtf16(buf, 'utf-16le', 2), encoding: 'utf-16le' };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return { kind: 'text', text: decodeUtf16(buf, 'utf-16be', 2), encoding: 'utf-16be' };
  const head = buf.subarray(0, SNIFF);
  if (head.includes(0)) {
    const guess = utf16Guess(buf);
    if (guess) return { kind: 'text', text: decodeUtf16(buf, guess, 0), encoding: guess };
    return { kind: 'binary' };
  }
  // Pure ASCII (most source files): a latin1 copy is the same string, made without UTF-8 decoding.
  if (isAscii(buf)) return { kind: 'text', text: buf.toString('latin1'), ascii: true };
  const bom = hasBom(buf) ? 3 : 0;
  if (isUtf8(buf)) return { kind: 'text', text: buf.toString('utf8', bom) };
  return { kind: 'text', text: buf.toString('latin1'), encoding: 'latin1' };
}

/**
 * A fragment's text fields from what decodeBuffer made of `buf`: the text, its `encoding` when
 * it was decoded from another one, and the `noTerminal` hint when the bytes show it (the three
 * readers, tree, staged and history, build their fragments on these).
 */
export function textFields(buf: Buffer, decoded: Extract<Decoded, { kind: 'text' }>): Pick<Fragment, 'text' | 'encoding' | 'noTerminal'> {
  const fields: Pick<Fragment, 'text' | 'encoding' | 'noTerminal'> = { text: decoded.text };
  if (decoded.encoding) fields.encoding = decoded.encoding;
  if (noTerminal(buf, decoded)) fields.noTerminal = true;
  return fields;
}

/**
 * Whether the text decodeBuffer made of `buf` is known to hold no character the terminal
 * decoder replaces (Fragment.noTerminal), from the bytes: UTF-16 text is not searched (false).
 */
function noTerminal(buf: Buffer, decoded: Extract<Decoded, { kind: 'text' }>): boolean {
  if (decoded.encoding?.startsWith('utf-16')) return false;
  const encoding = decoded.ascii ? 'ascii' : decoded.encoding === 'latin1' ? 'latin1' : 'utf-8';
  return !terminalInBytes(buf, encoding, hasBom(buf) ? 3 : 0);
}
