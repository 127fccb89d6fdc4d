import { LayerBuilder, UNIT, type Layer, type Ranges } from '../decoders.js';
import { escapeSeed } from './escapeSeed.js';

/**
 * Named character references worth decoding: the ASCII punctuation HTML 5 names (`&sol;`,
 * `&equals;`, `&plus;` are what an escaper writes inside a secret; `&quot;`, `&colon;` between a
 * name and its value).
 */
const NAMED: Record<string, string> = {
  quot: '"',
  amp: '&',
  lt: '<',
  gt: '>',
  apos: "'",
  sol: '/',
  equals: '=',
  plus: '+',
  colon: ':',
  num: '#',
  lowbar: '_',
  period: '.',
  comma: ',',
  semi: ';',
  excl: '!',
  dollar: '$',
  percnt: '%',
  lpar: '(',
  rpar: ')',
  ast: '*',
  quest: '?',
  commat: '@',
  lsqb: '[',
  rsqb: ']',
  bsol: '\\',
  grave: '`',
  lcub: '{',
  rcub: '}',
  verbar: '|',
  tilde: '~',
  hyphen: '-',
  Tab: '\t',
  NewLine: '\n',
};
/**
 * A numeric reference, or a named one that can change what the detector finds (`&amp;`, `&lt;`,
 * `&gt;` alone, all of HTML, cannot): one native pass over a text tells whether to look further.
 */
const ANY_SEED = /&(?:#|quot;|apos;|sol;|equals;|plus;|colon;)/;
const ANY_SEED_AT = new RegExp(ANY_SEED.source, 'y');
const HASH = 0x23;
const SEMI = 0x3b;
const LONGEST_NAME = 8;

/** Whether ANY_SEED occurs: a walk over the `&`s (code is full of `&&`), each checked where it is. */
function hasSeed(text: string): boolean {
  for (let i = text.indexOf('&'); i !== -1 && i + 1 < text.length; i = text.indexOf('&', i + 1)) {
    const next = text.charCodeAt(i + 1);
    if (next === HASH) return true;
    // Only the seed names' first letters (q a s e p c) are worth a regex look.
    if (next === 0x71 || next === 0x61 || next === 0x73 || next === 0x65 || next === 0x70 || next === 0x63) {
      ANY_SEED_AT.lastIndex = i;
      if (ANY_SEED_AT.test(text)) return true;
    }
  }
  return false;
}

/** A printable ASCII code point (or tab, LF, CR) as a string, else undefined. */
function ascii(code: number): string | undefined {
  return (code >= 0x20 && code < 0x7f) || code === 9 || code === 10 || code === 13 ? String.fromCharCode(code) : undefined;
}

/**
 * HTML and XML character references: `&#65;`, `&#x41;` (printable ASCII only) and the named
 * references in NAMED, each with its `;`. Only where a numeric reference or a seed name
 * (ANY_SEED) occurs; then every reference in the ranges is decoded, so a name and its value
 * come out together, but the layer is only scanned around references that can hide part of a
 * credential (see ./escapeSeed.ts), and not built at all without one. One `indexOf('&')` walk,
 * each reference read by hand: linear.
 */
export function decodeHtmlRefs(text: string, ranges: Ranges = undefined): Layer | undefined {
  if (!hasSeed(text)) return undefined;
  const b = new LayerBuilder(text);
  let seeded = false;
  for (const [from, to] of ranges ?? [[0, text.length] as const]) {
    for (let i = text.indexOf('&', from); i !== -1 && i < to; i = text.indexOf('&', i + 1)) {
      let j = i + 1;
      let out: string | undefined;
      if (text.charCodeAt(j) === HASH) {
        j++;
        const hex = text[j] === 'x' || text[j] === 'X';
        if (hex) j++;
        const digitsStart = j;
        let code = 0;
        while (j < to && j - digitsStart < 7) {
          const c = text.charCodeAt(j);
          const d = c >= 48 && c <= 57 ? c - 48 : hex && c >= 97 && c <= 102 ? c - 87 : hex && c >= 65 && c <= 70 ? c - 55 : -1;
          if (d < 0) break;
          code = code * (hex ? 16 : 10) + d;
          j++;
        }
        if (j === digitsStart || text.charCodeAt(j) !== SEMI) continue;
        out = ascii(code);
      } else {
        while (j < to && j - i <= LONGEST_NAME && /[A-Za-z]/.test(text[j]!)) j++;
        if (text.charCodeAt(j) !== SEMI) continue;
        const name = text.slice(i + 1, j);
        out = NAMED[name];
      }
      if (out === undefined || j >= to) continue;
      const seed = escapeSeed(text, i, j + 1, out);
      seeded ||= seed;
      b.decoded(i, j + 1, out, UNIT, seed);
      i = j;
    }
  }
  return seeded ? b.finish('html') : undefined;
}
