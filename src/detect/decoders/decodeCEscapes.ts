import { LayerBuilder, primedCEscapes, UNIT, type Layer, type Ranges } from '../decoders.js';
import { escapeSeed } from './escapeSeed.js';

const BACKSLASH = 0x5c;

function hexDigit(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
}

/**
 * Character escapes of C, Python, Go, Ruby, PHP (`\x41`: exactly two hex digits) and of
 * JavaScript, Rust and Swift (`\u{41}`: one to six), for printable ASCII. A backslash escaped
 * by another (`\\x41`) is not an escape. Only those two forms are decoded (JSON's `\u0041` and
 * `\/` are the JSON decoder's): a string written wholly in them, or a value with `\x2F` for
 * "/", comes out readable. The layer is only scanned around escapes that can hide part of a
 * credential (see ./escapeSeed.ts), and not built at all without one. One `indexOf('\\')` walk:
 * linear.
 */
export function decodeCEscapes(text: string, ranges: Ranges = undefined): Layer | undefined {
  const known = ranges === undefined ? primedCEscapes(text) : undefined;
  if (known === false || (known === undefined && text.indexOf('\\x') === -1 && text.indexOf('\\u{') === -1)) return undefined;
  const b = new LayerBuilder(text);
  let seeded = false;
  for (const [from, to] of ranges ?? [[0, text.length] as const]) {
    for (let i = text.indexOf('\\', from); i !== -1 && i + 1 < to; i = text.indexOf('\\', i + 1)) {
      const next = text[i + 1];
      if (text.charCodeAt(i + 1) === BACKSLASH) {
        i++; // an escaped backslash: the next one is literal
        continue;
      }
      let code = -1;
      let end = i;
      if (next === 'x' && i + 4 <= to) {
        const hi = hexDigit(text.charCodeAt(i + 2));
        const lo = hexDigit(text.charCodeAt(i + 3));
        if (hi >= 0 && lo >= 0) {
          code = hi * 16 + lo;
          end = i + 4;
        }
      } else if (next === 'u' && text[i + 2] === '{') {
        let j = i + 3;
        let v = 0;
        while (j < to && j - (i + 3) < 6 && hexDigit(text.charCodeAt(j)) >= 0) v = v * 16 + hexDigit(text.charCodeAt(j++));
        if (j > i + 3 && text[j] === '}' && j < to) {
          code = v;
          end = j + 1;
        }
      }
      if (code < 0 || !((code >= 0x20 && code < 0x7f) || code === 9 || code === 10 || code === 13)) continue;
      const ch = String.fromCharCode(code);
      const seed = escapeSeed(text, i, end, ch);
      seeded ||= seed;
      b.decoded(i, end, ch, UNIT, seed);
      i = end - 1;
    }
  }
  return seeded ? b.finish('escape') : undefined;
}
