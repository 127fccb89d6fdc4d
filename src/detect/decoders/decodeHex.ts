import { BASE64_MAX_RUN, HEX as HEX_PIECE, LayerBuilder, type Layer, type Ranges } from '../decoders.js';
import { alphabetRuns, alphabetTable } from './alphabetRuns.js';
import { wrappedBlocks, type BlockLine } from './wrappedBlocks.js';

const HEX = alphabetTable('0123456789abcdefABCDEF');
const WORD = alphabetTable('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_');
/** 20 bytes, the shortest AWS credential (a key ID). Git SHA-1s are this long too: see looksLikeText. */
const MIN_RUN = 40;
/** Share of decoded bytes that must be printable ASCII (or tab, CR, LF). */
const PRINTABLE_SHARE = 0.9;
/** xxd -p writes 60 hex digits a line; other dumps are at least this wide. */
const MIN_WIDTH = 32;

function nibble(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c - 55;
}

/**
 * Whether hex digits [start, end) (even length) decode to text. Cheap first: a printable byte's
 * first digit is 2 to 7 (0 for tab, LF, CR), so a digest (git SHA, sha256) fails on its first
 * 8 bytes all but about once in 2,000; then every byte is counted.
 */
function looksLikeText(text: string, start: number, end: number): boolean {
  let bad = 0;
  for (let i = start; i < start + 16 && i < end; i += 2) {
    const hi = nibble(text.charCodeAt(i));
    if ((hi < 2 || hi > 7) && !(hi === 0 && [9, 10, 13].includes(nibble(text.charCodeAt(i + 1)))) && ++bad > 1) return false;
  }
  let ok = 0;
  for (let i = start; i < end; i += 2) {
    const byte = nibble(text.charCodeAt(i)) * 16 + nibble(text.charCodeAt(i + 1));
    if ((byte >= 0x20 && byte < 0x7f) || byte === 9 || byte === 10 || byte === 13) ok++;
  }
  return ok >= PRINTABLE_SHARE * ((end - start) / 2);
}

/** Decodes hex digits [start, end) as one piece (byte i maps to digits 2i, 2i + 1) reaching `until`. */
function pushBytes(b: LayerBuilder, text: string, start: number, end: number, until = end): void {
  b.decoded(start, until, Buffer.from(text.slice(start, end), 'hex').toString('latin1'), HEX_PIECE);
}

/**
 * Hex-encoded text (`xxd -p`, hex-encoded env files and configs): every whole run of an even
 * number (at least MIN_RUN) of hex digits whose bytes are text (see looksLikeText), and blocks
 * of such runs wrapped over lines (see ./wrappedBlocks.ts), decoded in place; git SHAs and hex
 * digests are not text and are left alone, cheaply. Linear: runs are found with one skipping
 * pass, each byte is looked at a bounded number of times.
 */
export function decodeHex(text: string, ranges: Ranges = undefined): Layer | undefined {
  const b = new LayerBuilder(text);
  for (const [from, to] of ranges ?? [[0, text.length] as const]) {
    // Blocks first (they span lines), then the single runs outside them, merged in source order.
    const blocks: BlockLine[][] = [];
    wrappedBlocks(text, from, to, HEX, MIN_WIDTH, '', (lines) => blocks.push(lines));
    let k = 0;
    let covered = from;
    const flushBlocksBefore = (pos: number): void => {
      while (k < blocks.length && blocks[k]![0]!.start < pos) {
        const lines = blocks[k++]!;
        covered = lines.at(-1)!.end;
        if (lines.some((l) => (l.end - l.start) % 2 !== 0)) continue;
        if (covered - lines[0]!.start > 2 * BASE64_MAX_RUN) continue; // a dump of megabytes is data
        if (!lines.every((l) => looksLikeText(text, l.start, l.end))) continue;
        lines.forEach((l, i) => pushBytes(b, text, l.start, l.end, i === lines.length - 1 ? l.end : lines[i + 1]!.start));
      }
    };
    alphabetRuns(text, from, to, HEX, MIN_RUN, (start, end) => {
      flushBlocksBefore(end);
      if (start < covered) return;
      const s = start;
      // "0x" before a run is a prefix, not part of a word.
      const prefixed = s >= from + 2 && text[s - 1] === 'x' && text[s - 2] === '0' && (s - 2 === from || WORD[text.charCodeAt(s - 3)] !== 1);
      if (!prefixed && s > from && WORD[text.charCodeAt(s - 1)] === 1) return;
      if (end < to && WORD[text.charCodeAt(end)] === 1) return;
      if ((end - s) % 2 !== 0 || end - s > 2 * BASE64_MAX_RUN) return;
      if (!looksLikeText(text, s, end)) return;
      pushBytes(b, text, s, end);
    });
    flushBlocksBefore(Infinity);
  }
  return b.finish('hex');
}
