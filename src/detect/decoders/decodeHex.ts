import { BASE64_MAX_RUN, bytesText, HEX as HEX_PIECE, LayerBuilder, type Layer, type Ranges } from '../decoders.js';
import { alphabetTable } from './alphabetRuns.js';
import { longRuns, NOT_HEX, type LongRun } from './longRuns.js';
import { wrappedBlocks, type BlockLine } from './wrappedBlocks.js';

const HEX = alphabetTable('0123456789abcdefABCDEF');
const WORD = alphabetTable('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_');
/** Share of decoded bytes that must be printable ASCII (or tab, CR, LF). */
const PRINTABLE_SHARE = 0.9;

function allHex(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (HEX[text.charCodeAt(i)] !== 1) return false;
  return true;
}

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
  b.decoded(start, until, bytesText(Buffer.from(text.slice(start, end), 'hex')), HEX_PIECE);
}

/**
 * Hex-encoded text (`xxd -p`, hex-encoded env files and configs): every whole run of an even
 * number (at least LONG_RUN, see ./longRuns.ts) of hex digits whose bytes are text (see looksLikeText), and blocks
 * of such runs wrapped over lines (see ./wrappedBlocks.ts), decoded in place; git SHAs and hex
 * digests are not text and are left alone, cheaply. Linear: runs are found with one skipping
 * pass, each byte is looked at a bounded number of times.
 */
export function decodeHex(text: string, ranges: Ranges = undefined): Layer | undefined {
  // Hex runs, and runs that are "0x" then hex (the prefix is left out).
  const runs: LongRun[] = [];
  for (const r of longRuns(text, ranges)) {
    if ((r.kinds & NOT_HEX) === 0) runs.push(r);
    else if (text.startsWith('0x', r.start) && allHex(text, r.start + 2, r.end)) runs.push({ start: r.start + 2, end: r.end, kinds: 0 });
  }
  if (runs.length === 0) return undefined;
  const b = new LayerBuilder(text);
  // Blocks first (they span lines), then the single runs outside them, merged in source order.
  const blocks: BlockLine[][] = [];
  wrappedBlocks(text, runs, text.length, HEX, '', (lines) => blocks.push(lines));
  let k = 0;
  let covered = 0;
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
  for (const { start: s, end } of runs) {
    flushBlocksBefore(end);
    if (s < covered) continue;
    // "0x" before a run is a prefix, not part of a word.
    const prefixed = s >= 2 && text[s - 1] === 'x' && text[s - 2] === '0' && (s === 2 || WORD[text.charCodeAt(s - 3)] !== 1);
    if (!prefixed && s > 0 && WORD[text.charCodeAt(s - 1)] === 1) continue;
    if (end < text.length && WORD[text.charCodeAt(end)] === 1) continue;
    if ((end - s) % 2 !== 0 || end - s > 2 * BASE64_MAX_RUN) continue;
    if (!looksLikeText(text, s, end)) continue;
    pushBytes(b, text, s, end);
  }
  flushBlocksBefore(Infinity);
  return b.finish('hex');
}
