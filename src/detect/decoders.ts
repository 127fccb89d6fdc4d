/**
 * Decoders: views of a text with its encoded parts decoded in place, so the detector can scan a
 * credential hidden in base64, percent-encoding or JSON string escapes, and still say where in the
 * file it sits. Each decoder is cheap when there is nothing to decode: the escape decoders start
 * with an `indexOf` and a seed test (only escapes that can hide a credential count), the base64
 * decoder with one skipping pass over the characters that rejects most runs on their first 24
 * characters; a decoder that finds nothing returns undefined without building anything, and a
 * layer keeps only the source near what it decoded.
 */

import { isAscii } from 'node:buffer';
import { alphabetTable } from './decoders/alphabetRuns.js';
import { base64Runs } from './decoders/base64Runs.js';
import { MORE_DECODERS } from './decoders/index.js';
import { lastAtOrBelow } from './sortedSearch.js';

/** Where a span of a layer's text comes from in the text the layer was decoded from. */
export interface SourceSpan {
  start: number;
  end: number;
  /** The decoders whose output the span touches, outermost first; empty when copied verbatim. */
  decodedFrom: string[];
}

/**
 * A text decoded from another (its source): every encoded run the decoder recognised is replaced
 * by its decoded form, with LAYER_CONTEXT characters of the source copied around it, so names and
 * neighbours stay next to values. Parts of the source far from anything decoded are left out:
 * blank lines stand between kept parts.
 */
export interface Layer {
  kind: string;
  text: string;
  /** Maps [start, end) of `text` to the smallest span of the source that encodes it. */
  toSource(start: number, end: number): SourceSpan;
  /** The [start, end) spans of `text` that hold decoded content, in order. */
  decodedRanges(): [number, number][];
  /**
   * The decoded spans that can change what the detector finds (a subset of decodedRanges): an
   * escaped quote the rules already read through (`\"`) is decoded but is not one of them.
   */
  seedRanges(): [number, number][];
}

const COPY = 0;
/** A decoded piece maps as a whole to its source piece (an escape: `%2F` → `/`). */
export const UNIT = 1;
/** Base64: decoded byte i comes from source characters 4⌊i/3⌋ … 4⌈(i+1)/3⌉ of the run. */
export const BASE64 = 2;
/** Hex: decoded byte i comes from source characters 2i and 2i + 1 of the run. */
export const HEX = 4;
/** Between two kept parts of the source: blank lines, mapping to the point where the next part starts. */
const GAP = 3;
const GAP_TEXT = '\n'.repeat(8);

/**
 * How much of the source around each decoded piece a layer keeps (the rest is left out, a layer
 * of a 5 MB bundle with one escape is a few KB): at least as far as the detector looks around
 * decoded content (see layerHits in ./detector.ts).
 */
export const LAYER_CONTEXT = 8192;
/** How far the edge of a kept part moves inwards to land on a separator, not inside a word. */
const EDGE_SEARCH = 256;
const EDGE = /[\s"'`,;:()[\]{}<>|]/;

interface Piece {
  srcStart: number;
  srcEnd: number;
  text: string;
  how: typeof UNIT | typeof BASE64 | typeof HEX;
  seed: boolean;
}

/**
 * Builds a layer from a source text: decoded pieces come in source order without overlap; the
 * layer keeps them with LAYER_CONTEXT characters of source around each (cut at separators),
 * and blank lines (GAP_TEXT) between kept parts that are apart.
 */
export class LayerBuilder {
  private readonly pieces: Piece[] = [];

  constructor(private readonly source: string) {}

  /**
   * Replaces source [srcStart, srcEnd) by `text`. `seed`: the piece can change what the detector
   * finds (see Layer.seedRanges).
   */
  decoded(srcStart: number, srcEnd: number, text: string, how: typeof UNIT | typeof BASE64 | typeof HEX, seed = true): void {
    this.pieces.push({ srcStart, srcEnd, text, how, seed });
  }

  /** The parts of the source to keep: context around the pieces, merged, cut at separators. */
  private parts(): [number, number, number, number][] {
    const { source, pieces } = this;
    // [start, end, first piece, last piece + 1]
    const parts: [number, number, number, number][] = [];
    pieces.forEach((p, i) => {
      const start = Math.max(0, p.srcStart - LAYER_CONTEXT);
      const end = Math.min(source.length, p.srcEnd + LAYER_CONTEXT);
      const prev = parts.at(-1);
      if (prev && start <= prev[1]) {
        prev[1] = Math.max(prev[1], end);
        prev[3] = i + 1;
      } else parts.push([start, end, i, i + 1]);
    });
    for (const part of parts) {
      const firstStart = pieces[part[2]]!.srcStart;
      const lastEnd = pieces[part[3] - 1]!.srcEnd;
      for (let n = 0; n < EDGE_SEARCH && part[0] > 0 && part[0] < firstStart && !EDGE.test(source[part[0] - 1]!); n++) part[0]++;
      for (let n = 0; n < EDGE_SEARCH && part[1] < source.length && part[1] > lastEnd && !EDGE.test(source[part[1]]!); n++) part[1]--;
    }
    return parts;
  }

  finish(kind: string): Layer | undefined {
    if (this.pieces.length === 0) return undefined;
    const { source, pieces } = this;
    const texts: string[] = [];
    const dst: number[] = [];
    const src: number[] = [];
    const srcEnd: number[] = [];
    const how: number[] = [];
    const seed: boolean[] = [];
    let length = 0;
    const push = (from: number, to: number, text: string, h: number, s = false): void => {
      if (text.length === 0) return;
      texts.push(text);
      dst.push(length);
      src.push(from);
      srcEnd.push(to);
      how.push(h);
      seed.push(s);
      length += text.length;
    };
    for (const [start, end, first, last] of this.parts()) {
      if (start > 0 || length > 0) push(start, start, GAP_TEXT, GAP);
      let at = start;
      for (let i = first; i < last; i++) {
        const p = pieces[i]!;
        push(at, p.srcStart, source.slice(at, p.srcStart), COPY);
        push(p.srcStart, p.srcEnd, p.text, p.how, p.seed);
        at = p.srcEnd;
      }
      push(at, end, source.slice(at, end), COPY);
    }
    dst.push(length);
    const text = texts.join('');
    const segment = (offset: number): number => lastAtOrBelow(dst, offset, dst.length - 2);
    const startOf = (i: number, p: number): number => {
      const rel = p - dst[i]!;
      if (how[i] === COPY) return src[i]! + rel;
      if (how[i] === BASE64) return src[i]! + Math.floor(rel / 3) * 4;
      if (how[i] === HEX) return src[i]! + rel * 2;
      return src[i]!;
    };
    const endOf = (i: number, p: number): number => {
      const rel = p - dst[i]!;
      if (how[i] === COPY) return src[i]! + rel + 1;
      if (how[i] === BASE64) return Math.min(srcEnd[i]!, src[i]! + Math.ceil((rel + 1) / 3) * 4);
      if (how[i] === HEX) return Math.min(srcEnd[i]!, src[i]! + (rel + 1) * 2);
      return srcEnd[i]!;
    };
    // Spans of the segments that pass `keep`, touching ones joined (`\\` then `\/` decode to one "\/").
    const ranges = (keep: (i: number) => boolean): [number, number][] => {
      const out: [number, number][] = [];
      for (let i = 0; i < how.length; i++) {
        if (!keep(i)) continue;
        const prev = out.at(-1);
        if (prev && prev[1] === dst[i]) prev[1] = dst[i + 1]!;
        else out.push([dst[i]!, dst[i + 1]!]);
      }
      return out;
    };
    const decoded = (h: number | undefined) => h === UNIT || h === BASE64 || h === HEX;
    return {
      kind,
      text,
      toSource(start, end) {
        if (end <= start) {
          const at = startOf(segment(start), start);
          return { start: at, end: at, decodedFrom: [] };
        }
        const first = segment(start);
        const last = segment(end - 1);
        let touched = false;
        for (let i = first; i <= last && !touched; i++) touched = decoded(how[i]);
        return { start: startOf(first, start), end: endOf(last, end - 1), decodedFrom: touched ? [kind] : [] };
      },
      decodedRanges: () => ranges((i) => decoded(how[i])),
      seedRanges: () => ranges((i) => seed[i] === true),
    };
  }
}

/** The part of a text a decoder looks at: all of it, or only some ranges (decoded content). */
export type Ranges = readonly (readonly [number, number])[] | undefined;

/**
 * Calls `each(match, offset)` for every match of the global regex `re` inside the ranges (the
 * whole text when none), skipping ranges shorter than `min`. Each range is matched on its own
 * slice, so a search never runs past its range (no quadratic scans over many small ranges).
 */
function eachMatch(text: string, ranges: Ranges, re: RegExp, min: number, each: (m: RegExpExecArray, part: string, offset: number) => void): void {
  for (const [from, to] of ranges ?? [[0, text.length] as const]) {
    if (to - from < min) continue;
    const part = from === 0 && to === text.length ? text : text.slice(from, to);
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(part)) !== null) each(m, part, from);
  }
}

/**
 * Base64 runs shorter than this are left alone: 27 characters decode to 20 bytes, the shortest
 * AWS credential (a key ID). The longer the minimum, the further the run search skips at once.
 */
export const BASE64_MIN_RUN = 27;
/** Base64 runs longer than this (wasm, images, fonts, inline source maps of whole bundles) are not decoded. */
export const BASE64_MAX_RUN = 1 << 20;
/** Share of decoded bytes that must be printable ASCII (or tab, CR, LF) for a run to count as text. */
const PRINTABLE_SHARE = 0.9;
const EQ = 61;

function printableShare(bytes: Uint8Array): number {
  let ok = 0;
  for (const b of bytes) if ((b >= 0x20 && b < 0x7f) || b === 9 || b === 10 || b === 13) ok++;
  return bytes.length ? ok / bytes.length : 0;
}

/**
 * 1 for the base64 characters that can start a 4-character group encoding a printable ASCII
 * byte (0x20–0x7E: I–Z, a–f) or a tab, LF or CR (C, D): the first byte of each group is its
 * first character's 6 bits and the top 2 bits of the next.
 */
const TEXT_LEAD = new Uint8Array(128);
for (const c of 'CDIJKLMNOPQRSTUVWXYZabcdef') TEXT_LEAD[c.charCodeAt(0)] = 1;

/**
 * The cheapest rejection of a base64 run as text (camelCase identifiers, paths and hashes rarely
 * lead every group right): whether all but at most one of its first six groups start with a
 * TEXT_LEAD character. `-` and `_` answer as the `+` and `/` they stand for in base64url do.
 */
export function leadsText(text: string, start: number, end: number): boolean {
  let bad = 0;
  for (let i = start; i < start + 24 && i < end; i += 4) if (TEXT_LEAD[text.charCodeAt(i)] !== 1 && ++bad > 1) return false;
  return true;
}

/**
 * Decodes the base64 run `text[start, end)` (padding included) to text, one character per
 * byte (bytesText), or gives undefined when it is not text: too short or too long, an impossible length,
 * or less than PRINTABLE_SHARE of its bytes printable.
 */
export function base64Text(text: string, start = 0, end = text.length): string | undefined {
  while (end > start && text.charCodeAt(end - 1) === EQ) end--;
  const length = end - start;
  if (length < BASE64_MIN_RUN || length > BASE64_MAX_RUN || length % 4 === 1 || !leadsText(text, start, end)) return undefined;
  // Then the first 18 bytes, then all of it.
  if (printableShare(Buffer.from(text.slice(start, start + 24), 'base64')) < PRINTABLE_SHARE) return undefined;
  const bytes = Buffer.from(text.slice(start, end), 'base64');
  if (printableShare(bytes) < PRINTABLE_SHARE) return undefined;
  return bytesText(bytes);
}

/** 1 for the characters of a base64 run (standard alphabet), by char code (any UTF-16 unit). */
const B64_TABLE = alphabetTable('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');

/**
 * Base64: every whole run of BASE64_MIN_RUN (27) to BASE64_MAX_RUN (1 MiB) base64 characters
 * (standard alphabet, optional `=` padding) whose bytes are at least 90% printable ASCII is
 * replaced by its decoded text (Kubernetes `Secret` data, a base64'd `.env` in CI config,
 * `data:…;base64,` URLs).
 * Runs come from one skipping pass over the character codes, shared with the detector's
 * keyword windows: no regex backtracks over identifiers.
 */
export function decodeBase64(text: string, ranges: Ranges = undefined): Layer | undefined {
  if (text.length < BASE64_MIN_RUN) return undefined;
  const b = new LayerBuilder(text);
  const isB64 = (i: number): boolean => B64_TABLE[text.charCodeAt(i)] === 1;
  // The runs come from a pass shared with the detector (./decoders/base64Runs.ts); each takes up
  // to two '=' of padding. A third, or more base64 after them, makes it no whole run: it is
  // passed over, with the runs that start inside what follows.
  let skipTo = -1;
  for (const { start, end: runEnd, limit: to } of base64Runs(text, ranges)) {
    if (start < skipTo) continue;
    let end = runEnd;
    while (end < to && end - runEnd < 2 && text.charCodeAt(end) === EQ) end++;
    const whole = end >= to || !(text.charCodeAt(end) === EQ || isB64(end));
    if (whole) {
      const decoded = base64Text(text, start, end);
      if (decoded !== undefined) b.decoded(start, end, decoded, BASE64);
    } else {
      while (end < to && (isB64(end) || text.charCodeAt(end) === EQ)) end++;
      skipTo = end;
    }
  }
  return b.finish('base64');
}

/**
 * The escapes that can hide a credential: `/`, `+` and `=` inside a secret or token, and the
 * `:` and `"` between a name and its value (`%22aws_secret_access_key%22%3A%22…`). Key IDs and
 * names never need escaping; a text without one of these is not decoded at all.
 */
const PCT_SEED = /%(?:2[2BbFf]|3[AaDd])/;
const PCT_SEED_AT = new RegExp(PCT_SEED.source, 'y');
const PCT = /%([2-7][0-9A-Fa-f])/g;

/**
 * Whether `text` holds a seed escape (PCT_SEED), found by visiting each `%` (memchr-fast and rare
 * in code) rather than with the regex, which scans the whole of any text holding a `%` and no
 * seed (`width: 100%`).
 */
function hasPercentSeed(text: string): boolean {
  for (let i = text.indexOf('%'); i !== -1; i = text.indexOf('%', i + 1)) {
    PCT_SEED_AT.lastIndex = i;
    if (PCT_SEED_AT.test(text)) return true;
  }
  return false;
}

/**
 * Percent-encoding, as in URLs and query strings: where a seed escape (PCT_SEED) occurs, every
 * `%XX` that encodes a printable ASCII character is decoded. `+` is left alone (it is a base64
 * character far more often than an encoded space in what we look for).
 */
export function decodePercent(text: string, ranges: Ranges = undefined): Layer | undefined {
  if (!hasPercentSeed(text)) return undefined;
  const b = new LayerBuilder(text);
  eachMatch(text, ranges, PCT, 3, (m, _part, offset) => {
    const code = parseInt(m[1]!, 16);
    if (code < 0x7f) b.decoded(offset + m.index, offset + m.index + 3, String.fromCharCode(code), UNIT, PCT_SEED.test(m[0]));
  });
  return b.finish('percent');
}

/**
 * What the WebAssembly pass (./wasmPass.ts) found of a text's escapes: the backslashes followed
 * by `u`, `/` or a backslash (absent when there were too many to keep), and whether `\x` or
 * `\u{` occurs. The decoders take them for the whole text instead of searching it.
 */
let primedEscapes: { text: string; json: number[] | undefined; cEscapes: boolean } | undefined;

export function primeEscapes(text: string, json: number[] | undefined, cEscapes: boolean): void {
  primedEscapes = { text, json, cEscapes };
}

/** Whether `text` (the whole of it) holds `\x` or `\u{`, when the WebAssembly pass says. */
export function primedCEscapes(text: string): boolean | undefined {
  return primedEscapes?.text === text ? primedEscapes.cEscapes : undefined;
}

const JSON_ESC = /\\(?:u00([2-7][0-9A-Fa-f])|(["\\/nrt]))/g;
const SIMPLE: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', r: '\r', t: '\t' };

/**
 * The escapes that can hide a credential from the rules, which already read through one level
 * of `\"` and accept `\n` before a value: `\/` inside a value (PHP's `json_encode` escapes
 * every slash), `\u00XX`, and an escaped backslash before a quote (`\\\"`: a string escaped
 * twice). Code is full of `"\n"`, `"\\d"` and `\"`: those alone are not worth a second look.
 */
const JSON_SEED = /\\u00[2-7][0-9A-Fa-f]|(?<=[A-Za-z0-9+/])\\\/|\\\/(?=[A-Za-z0-9+]|\\\/)|\\\\(?=\\?")/g;
const JSON_SEED_AT = new RegExp(JSON_SEED.source, 'y');
const U = 0x75;
const SLASH = 0x2f;
const BACKSLASH = 0x5c;
/** How far around a seed escape the other escapes are decoded too (its name, its neighbours). */
const JSON_SPAN = 8192;

/**
 * JSON (and JavaScript) string escapes: `\"`, `\\`, `\/`, `\n`, `\r`, `\t` and `\u00XX` for
 * printable ASCII, as in notebooks, serialized configs and PHP's `json_encode`. Only where a
 * seed escape (JSON_SEED) occurs: then every escape within JSON_SPAN characters of it is
 * decoded, so a value and its name come out together; a text without a seed gives undefined.
 */
export function decodeJsonEscapes(text: string, ranges: Ranges = undefined): Layer | undefined {
  // The backslashes worth a seed test, found by the WebAssembly pass (./wasmPass.ts), or here.
  const primed = ranges === undefined && primedEscapes?.text === text ? primedEscapes.json : undefined;
  if (!primed && text.indexOf('\\') === -1) return undefined;
  const spans: [number, number][] = [];
  const seed = (at: number, from: number, to: number): void => {
    JSON_SEED_AT.lastIndex = at;
    if (!JSON_SEED_AT.test(text)) return;
    let start = Math.max(from, at - JSON_SPAN);
    const end = Math.min(to, at + JSON_SPAN);
    while (start > from && start < at && text.charCodeAt(start - 1) === BACKSLASH) start++;
    const prev = spans.at(-1);
    if (prev && start <= prev[1]) prev[1] = Math.max(prev[1], end);
    else spans.push([start, end]);
  };
  if (primed) for (const at of primed) seed(at, 0, text.length);
  else
    for (const [from, to] of ranges ?? [[0, text.length] as const]) {
      if (to - from < 2) continue;
      // Seeds all start with a backslash: find those with indexOf, test each with the sticky regex.
      // Inside ranges, search a slice so no search runs past its range.
      const part = from === 0 && to === text.length ? text : text.slice(from, to);
      for (let i = part.indexOf('\\'); i !== -1 && i + 1 < part.length; i = part.indexOf('\\', i + 1)) {
        const next = part.charCodeAt(i + 1);
        if (next !== U && next !== SLASH && next !== BACKSLASH) continue; // cheap: most escapes are \n \" \t
        seed(from + i, from, to);
      }
    }
  if (spans.length === 0) return undefined;
  const b = new LayerBuilder(text);
  eachMatch(text, spans, JSON_ESC, 2, (m, _part, offset) => {
    let out: string | undefined;
    if (m[1] !== undefined) {
      const code = parseInt(m[1], 16);
      if (code < 0x7f) out = String.fromCharCode(code);
    } else out = SIMPLE[m[2]!];
    if (out === undefined) return;
    const at = offset + m.index;
    const end = at + m[0].length;
    JSON_SEED_AT.lastIndex = at;
    b.decoded(at, end, out, UNIT, JSON_SEED_AT.test(text));
  });
  return b.finish('json');
}

/**
 * Terminal decoration: ANSI escape sequences (CSI such as `ESC[32m`, OSC up to BEL or ST, and
 * two-character escapes) and Unicode spaces (no-break space, the U+2000 spaces, ideographic
 * space, zero-width space, BOM). Coloured logs and notebook output wrap keys in colour codes,
 * and a no-break space before `=` looks like a blank to a reader but not to a regex: each
 * run of them is replaced by one ASCII space, so rules see the separators a reader sees.
 */
// A run of them (up to 256: V8's backtrack stack is finite) becomes one space; the alternatives
// start with different characters, so the repeat cannot backtrack more than linearly.
const TERMINAL =
  /(?:\x1b(?:\[[0-?]{0,32}[ -/]{0,8}[@-~]|\][^\x07\x1b\n]{0,256}(?:\x07|\x1b\\)|[@-Z\\-_])|[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]){1,256}/g;
const TERMINAL_SEED = /[\x1b\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]/;

export function decodeTerminal(text: string, ranges: Ranges = undefined, noTerminal = false): Layer | undefined {
  // Every match holds a seed character and lies within a range: look for one only there (a
  // decoded layer's text is the whole file, its ranges what the outer decoding produced).
  if (noTerminal || !(ranges ? ranges.some(([a, b]) => TERMINAL_SEED.test(text.slice(a, b))) : TERMINAL_SEED.test(text))) return undefined;
  const b = new LayerBuilder(text);
  eachMatch(text, ranges, TERMINAL, 1, (m, _part, offset) => b.decoded(offset + m.index, offset + m.index + m[0].length, ' ', UNIT));
  return b.finish('terminal');
}

/**
 * Whether text decoded from `bytes` (as decodeBuffer does: ASCII, UTF-8 after `from`, or one
 * character per byte for latin1) can hold a character decodeTerminal replaces. Native byte
 * searches for ESC and the UTF-8 of each Unicode space: several times cheaper than the class
 * regex over the decoded text, which half of a source tree's bytes (any file with one non-ASCII
 * character is a two-byte string) would otherwise go through.
 */
export function terminalInBytes(bytes: Buffer, encoding: 'ascii' | 'utf-8' | 'latin1', from = 0): boolean {
  if (bytes.indexOf(0x1b, from) !== -1) return true;
  if (encoding === 'ascii') return false;
  if (encoding === 'latin1') return bytes.indexOf(0xa0, from) !== -1;
  for (const seq of UTF8_SPACES) if (bytes.indexOf(seq, from) !== -1) return true;
  // E2 80 also starts quotes and dashes: each is looked at.
  for (let i = bytes.indexOf(E2_80, from); i !== -1; i = bytes.indexOf(E2_80, i + 2)) if (spaceAfterE280(bytes[i + 2])) return true;
  return false;
}
/** U+00A0, U+1680, U+205F, U+3000 and U+FEFF in UTF-8. */
const UTF8_SPACES = [
  [0xc2, 0xa0],
  [0xe1, 0x9a, 0x80],
  [0xe2, 0x81, 0x9f],
  [0xe3, 0x80, 0x80],
  [0xef, 0xbb, 0xbf],
].map((b) => Buffer.from(b));
const E2_80 = Buffer.from([0xe2, 0x80]);
/** U+2000–U+200B and U+202F in UTF-8: E2 80, then this byte from 80 to 8B, or AF. */
const spaceAfterE280 = (third = 0): boolean => (third >= 0x80 && third <= 0x8b) || third === 0xaf;

/** How many bytes the UTF-8 of a Unicode space decodeTerminal replaces takes at `i` of `bytes` (0: none). */
function utf8SpaceAt(bytes: Uint8Array, i: number): number {
  for (const seq of UTF8_SPACES) if (seq.every((b, k) => bytes[i + k] === b)) return seq.length;
  return bytes[i] === 0xe2 && bytes[i + 1] === 0x80 && spaceAfterE280(bytes[i + 2]) ? 3 : 0;
}

/**
 * Decoded bytes as text, one character per byte (the base64, wrapped base64 and hex layers map
 * their spans back byte by byte), except that the UTF-8 of each Unicode space decodeTerminal
 * replaces is written as as many ASCII spaces: read as Latin-1, a no-break space (C2 A0) is `Â`
 * and a no-break space, and a letter between a name and its `=` would hide the pair.
 */
export function bytesText(bytes: Buffer): string {
  if (isAscii(bytes)) return bytes.toString('latin1');
  let spaced: Buffer | undefined;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! < 0xc2) continue; // the lowest lead byte of one
    const n = utf8SpaceAt(bytes, i);
    if (n === 0) continue;
    spaced ??= Buffer.from(bytes);
    spaced.fill(0x20, i, i + n);
    i += n - 1;
  }
  return (spaced ?? bytes).toString('latin1');
}

/** `noTerminal`: the text is known to hold no character decodeTerminal replaces (a hint; false is always safe). */
export type Decoder = (text: string, ranges?: Ranges, noTerminal?: boolean) => Layer | undefined;

/** The decoders, by the name a finding's `decodedFrom` shows. */
export const DECODERS: Record<string, Decoder> = {
  base64: decodeBase64,
  percent: decodePercent,
  json: decodeJsonEscapes,
  terminal: decodeTerminal,
  ...MORE_DECODERS,
};

/** How many decodings deep the detector looks (base64 inside base64, `\\\"` double escapes…). */
export const MAX_DECODE_DEPTH = 2;

/** A layer decoded from a layer: maps through both, reports both decoders. */
function stacked(outer: Layer, inner: Layer): Layer {
  return {
    kind: `${outer.kind}+${inner.kind}`,
    text: inner.text,
    toSource(start, end) {
      const mid = inner.toSource(start, end);
      const top = outer.toSource(mid.start, mid.end);
      return { start: top.start, end: top.end, decodedFrom: [...top.decodedFrom, ...mid.decodedFrom] };
    },
    decodedRanges: () => inner.decodedRanges(),
    seedRanges: () => inner.seedRanges(),
  };
}

/**
 * Every decoded view of `text`, up to MAX_DECODE_DEPTH decodings deep. A nested decoding only
 * looks inside the content its outer decoding produced, so the work stays proportional to what
 * was decoded. `noTerminal`: `text` is known to hold no character decodeTerminal replaces.
 */
export function decodedLayers(text: string, noTerminal = false): Layer[] {
  const out: Layer[] = [];
  const walk = (base: Layer | undefined, depth: number): void => {
    const source = base ? base.text : text;
    const ranges = base?.decodedRanges();
    for (const decoder of Object.values(DECODERS)) {
      const layer = decoder(source, ranges, base ? false : noTerminal);
      if (!layer) continue;
      const view = base ? stacked(base, layer) : layer;
      out.push(view);
      if (depth + 1 < MAX_DECODE_DEPTH) walk(view, depth + 1);
    }
  };
  walk(undefined, 0);
  return out;
}
