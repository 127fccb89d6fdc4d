import type { Ranges } from '../decoders.js';
import { alphabetRuns, alphabetTable } from './alphabetRuns.js';

/** The union of the base64, base64url and hex alphabets. */
const UNION = alphabetTable('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_');

/**
 * Runs shorter than this are not looked at by the hex, wrapped base64 and base64url decoders:
 * 28 bytes of hex (`aws_access_key_id=` and a key ID is 38), the narrowest wrapping in use
 * (`xxd -p` 60, PEM 64, `base64` 76), 42 bytes of base64url. The longer, the further each look
 * skips.
 */
export const LONG_RUN = 56;

/** A run holds `-` or `_` (base64url only). */
export const URL_ONLY = 1;
/** A run holds `+` or `/` (standard base64 only). */
export const STD_ONLY = 2;
/** A run holds a character that is not a hex digit. */
export const NOT_HEX = 4;

const ALL = URL_ONLY | STD_ONLY | NOT_HEX;
/** What each character of UNION says of its run (0 for hex digits). */
const KIND = new Uint8Array(65536).fill(NOT_HEX);
for (const c of '0123456789abcdefABCDEF') KIND[c.charCodeAt(0)] = 0;
for (const c of '-_') KIND[c.charCodeAt(0)] = NOT_HEX | URL_ONLY;
for (const c of '+/') KIND[c.charCodeAt(0)] = NOT_HEX | STD_ONLY;

export interface LongRun {
  start: number;
  end: number;
  /** URL_ONLY | STD_ONLY | NOT_HEX. */
  kinds: number;
}

let cache: { text: string; ranges: Ranges; runs: LongRun[] } | undefined;
/** A text's runs found by the WebAssembly pass (../wasmPass.ts), kept apart from `cache`, which decoded layers take over. */
let primed: { text: string; runs: LongRun[] } | undefined;

function kindsOf(text: string, start: number, end: number): number {
  let kinds = 0;
  for (let i = start; i < end && kinds !== ALL; i++) kinds |= KIND[text.charCodeAt(i)]!;
  return kinds;
}

/** Long runs of the whole of `text`, found elsewhere: what longRuns gives for it (with no ranges) until another text is primed. */
export function primeLongRuns(text: string, runs: { start: number; end: number }[]): void {
  primed = { text, runs: runs.map(({ start, end }) => ({ start, end, kinds: kindsOf(text, start, end) })) };
}

/**
 * The maximal runs of LONG_RUN or more base64/base64url/hex characters in the ranges of `text`
 * (all of it when none), with what they hold. One skipping pass (./alphabetRuns.ts) serves the
 * three decoders that need such runs: the last answer is kept, and the detector asks for the
 * same text and ranges once per decoder.
 */
export function longRuns(text: string, ranges: Ranges): LongRun[] {
  if (text.length < LONG_RUN) return [];
  if (ranges === undefined && primed?.text === text) return primed.runs;
  if (cache && cache.text === text && cache.ranges === ranges) return cache.runs;
  const runs: LongRun[] = [];
  for (const [from, to] of ranges ?? [[0, text.length] as const]) {
    alphabetRuns(text, from, to, UNION, LONG_RUN, (start, end) => {
      runs.push({ start, end, kinds: kindsOf(text, start, end) });
    });
  }
  cache = { text, ranges, runs };
  return runs;
}
