import { isAscii, isUtf8 } from 'node:buffer';
import { terminalInBytes } from '../detect/decoders.js';
import { STAND_IN } from '../detect/standIn.js';
import type { Fragment } from '../types.js';

/**
 * `ascii`: every character of `text` is below 0x80 (the detector skips searches for other
 * characters). `standIns`: `text` is a one-byte stand-in view of UTF-8 (../detect/standIn.ts),
 * which decodeBuffer makes only when asked (over the bytes it was given). `noTerminal`: whether
 * the bytes hold nothing the terminal decoder replaces, when decodeBuffer already searched them
 * (Fragment.noTerminal).
 */
export type Decoded =
  | { kind: 'text'; text: string; encoding?: string; ascii?: true; standIns?: true; noTerminal?: boolean; oneByte?: true }
  | { kind: 'binary' };

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

/** U+2028 and U+2029 in UTF-8: line terminators to a regex, which a stand-in view must not hide. */
const SEPARATORS = [Buffer.from([0xe2, 0x80, 0xa8]), Buffer.from([0xe2, 0x80, 0xa9])];

/** Bytes of a run looked at whole for non-ASCII (native, vectorised) before byte by byte. */
const VIEW_CHUNK = 2048;

/**
 * The one-byte stand-in view (../detect/standIn.ts) of valid UTF-8 `buf` from `from` (past a
 * BOM): the UTF-16 text with every unit above U+00FF as STAND_IN, and whether it has any (when
 * not, it is the text itself). Written over `buf` as it goes (a sequence of n bytes gives at
 * most n units, so the view never overtakes what is still to read): no second buffer as large
 * as the file. Runs of ASCII are moved whole; a run holding other bytes is walked sequence by
 * sequence (a sequence may end past the run).
 */
function standInView(buf: Buffer, from: number): { text: string; stood: boolean } {
  const out = buf;
  let o = 0;
  let i = from;
  let stood = false;
  while (i < buf.length) {
    const end = Math.min(buf.length, i + VIEW_CHUNK);
    if (isAscii(buf.subarray(i, end))) {
      if (o !== i) out.copyWithin(o, i, end);
      o += end - i;
      i = end;
      continue;
    }
    while (i < end) {
      const b = buf[i]!;
      if (b < 0x80) {
        out[o++] = b;
        i++;
      } else if (b < 0xe0) {
        // Two bytes: U+0080–U+07FF; up to U+00FF (lead C2 or C3) a one-byte character as it is.
        const cp = ((b & 0x1f) << 6) | (buf[i + 1]! & 0x3f);
        out[o++] = cp <= 0xff ? cp : STAND_IN;
        stood ||= cp > 0xff;
        i += 2;
      } else {
        // Three bytes: one UTF-16 unit; four: a surrogate pair, two units.
        out[o++] = STAND_IN;
        if (b >= 0xf0) out[o++] = STAND_IN;
        stood = true;
        i += b < 0xf0 ? 3 : 4;
      }
    }
  }
  return { text: out.toString('latin1', 0, o), stood };
}

/**
 * Turns file bytes into text to scan, or says the file is binary.
 * - Pure ASCII → text, flagged `ascii` (read as latin1: the same string, faster).
 * - UTF-8 (with or without BOM) → text; invalid UTF-8 (Latin-1 and friends) → decoded as
 *   Latin-1 so every byte is one character and columns stay right.
 * - With `standIns`, UTF-8 holding characters above U+00FF but no line separator and nothing the
 *   terminal decoder replaces → its one-byte stand-in view, flagged `standIns` (the detector
 *   turns to the exact text when it finds anything: see ../detect/standIn.ts). The view is
 *   written over `buf`: a caller that asks for one must not read the bytes afterwards.
 * - UTF-16 LE/BE with a BOM, or without one when the NUL pattern shows it → decoded text.
 * - A NUL byte in the first 8000 bytes otherwise → binary.
 */
export function decodeBuffer(buf: Buffer, standIns = false): Decoded {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return decodedText(decodeUtf16(buf, 'utf-16le', 2), 'utf-16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return decodedText(decodeUtf16(buf, 'utf-16be', 2), 'utf-16be');
  const head = buf.subarray(0, SNIFF);
  if (head.includes(0)) {
    const guess = utf16Guess(buf);
    if (guess) return decodedText(decodeUtf16(buf, guess, 0), guess);
    return { kind: 'binary' };
  }
  // Pure ASCII (most source files): a latin1 copy is the same string, made without UTF-8 decoding.
  if (isAscii(buf)) return decodedText(buf.toString('latin1'), undefined, true, undefined, undefined, true);
  const bom = hasBom(buf) ? 3 : 0;
  if (isUtf8(buf)) {
    if (!standIns) return decodedText(buf.toString('utf8', bom));
    // The bytes are searched for terminal characters once, here: textFields takes the verdict.
    const noTerminal = !terminalInBytes(buf, 'utf-8', bom);
    if (noTerminal && SEPARATORS.every((s) => buf.indexOf(s, bom) === -1)) {
      const { text, stood } = standInView(buf, bom);
      return decodedText(text, undefined, undefined, stood || undefined, noTerminal, true);
    }
    return decodedText(buf.toString('utf8', bom), undefined, undefined, undefined, noTerminal);
  }
  return decodedText(buf.toString('latin1'), 'latin1', undefined, undefined, undefined, true);
}

/**
 * A decoded text, every field present (undefined when not set): one shape of object whatever
 * the file, so the readers' optimized code is not compiled again for each new shape it meets.
 */
function decodedText(text: string, encoding?: string, ascii?: true, standIns?: true, noTerminal?: boolean, oneByte?: true): Extract<Decoded, { kind: 'text' }> {
  return { kind: 'text', text, encoding, ascii, standIns, noTerminal, oneByte };
}

/**
 * A fragment's text fields from what decodeBuffer made of `buf`: the text, its `encoding` when
 * it was decoded from another one, and the `noTerminal` and `oneByte` hints when known (the three
 * readers, tree, staged and history, build their fragments on these).
 */
export function textFields(buf: Buffer, decoded: Extract<Decoded, { kind: 'text' }>): Pick<Fragment, 'text' | 'encoding' | 'noTerminal' | 'oneByte'> {
  // Every field present, undefined when not set (one shape: see decodedText).
  return { text: decoded.text, encoding: decoded.encoding, noTerminal: noTerminal(buf, decoded) || undefined, oneByte: decoded.oneByte };
}

/**
 * Whether the text decodeBuffer made of `buf` is known to hold no character the terminal
 * decoder replaces (Fragment.noTerminal), from the bytes: UTF-16 text is not searched (false).
 */
function noTerminal(buf: Buffer, decoded: Extract<Decoded, { kind: 'text' }>): boolean {
  if (decoded.noTerminal !== undefined) return decoded.noTerminal; // known already (and a stand-in view was written over the bytes)
  if (decoded.encoding?.startsWith('utf-16')) return false;
  const encoding = decoded.ascii ? 'ascii' : decoded.encoding === 'latin1' ? 'latin1' : 'utf-8';
  return !terminalInBytes(buf, encoding, hasBom(buf) ? 3 : 0);
}
