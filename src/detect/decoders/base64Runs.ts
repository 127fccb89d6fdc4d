import type { Ranges } from '../decoders.js';
import { alphabetRuns, alphabetTable } from './alphabetRuns.js';

/**
 * One skipping pass (./alphabetRuns.ts) per text finds the runs of base64 characters and `%`
 * that two consumers need: the base64 decoder (the standard alphabet: these runs split at `%`)
 * and the detector's keyword windows (RuleSpec.window: base64 and percent escapes together).
 * `%` is rare in code, so splitting costs next to nothing and one pass serves both.
 */

/** Base64 and `%`: the characters of a keyword window's run (RuleSpec.window) too. */
export const VALUE = alphabetTable('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/%');
/** The shortest run collected: base64 of a key ID (BASE64_MIN_RUN in ../decoders.ts). */
export const SHORTEST = 27;
const PCT = 0x25;

export interface Run {
  start: number;
  end: number;
  /** End of the range the run lies in (how far a consumer may look past it). */
  limit: number;
}

/** `split` is set by base64Runs when first asked for (in the literal from the start: adding it later changes the object's shape). */
type Collected = { text: string; ranges: Ranges; runs: Run[]; split: Run[] | undefined };

let cache: Collected | undefined;
/** A text's runs found by the WebAssembly pass (../wasmPass.ts), kept apart from `cache`, which decoded layers take over. */
let primed: Collected | undefined;

/** Runs of the whole of `text`, found elsewhere: what valueRuns and base64Runs give for it (with no ranges) until another text is primed. */
export function primeValueRuns(text: string, runs: Run[]): void {
  primed = { text, ranges: undefined, runs, split: undefined };
}

function collect(text: string, ranges: Ranges): Collected {
  if (ranges === undefined && primed?.text === text) return primed;
  if (cache && cache.text === text && cache.ranges === ranges) return cache;
  const runs: Run[] = [];
  for (const [from, to] of ranges ?? [[0, text.length] as const]) {
    alphabetRuns(text, from, to, VALUE, SHORTEST, (start, end) => {
      runs.push({ start, end, limit: to });
    });
  }
  cache = { text, ranges, runs, split: undefined };
  return cache;
}

/**
 * The maximal runs of base64 characters and `%` at least `min` (≥ SHORTEST) long in the ranges
 * of `text` (all of it when none), in order. The last text's runs are kept: the detector and
 * the decoders ask for the same text in turn.
 */
export function valueRuns(text: string, ranges: Ranges, min: number): Run[] {
  if (min < SHORTEST) throw new RangeError(`runs shorter than ${SHORTEST} are not collected`);
  const { runs } = collect(text, ranges);
  return min === SHORTEST ? runs : runs.filter((r) => r.end - r.start >= min);
}

/** The maximal runs of standard base64 characters at least SHORTEST long: valueRuns split at `%`. */
export function base64Runs(text: string, ranges: Ranges): Run[] {
  const all = collect(text, ranges);
  all.split ??= splitAtPercent(text, all.runs);
  return all.split;
}

/**
 * `runs` split at `%`. Apart from base64Runs, whose cache it fills: the optimizing compiler
 * enters this loop in the middle on a large text (on-stack replacement), and code it made then
 * would bail out at every store after the loop that had not run yet.
 */
function splitAtPercent(text: string, runs: readonly Run[]): Run[] {
  const split: Run[] = [];
  // Each piece between two `%` goes through the same lines as a run without one: code optimized
  // before the first run holding a `%` would bail out on lines only such a run reaches.
  for (const run of runs) {
    const { end, limit } = run;
    for (let start = run.start; start < end; ) {
      let stop = start;
      while (stop < end && text.charCodeAt(stop) !== PCT) stop++;
      if (stop - start >= SHORTEST) split.push(start === run.start && stop === end ? run : { start, end: stop, limit });
      start = stop + 1;
    }
  }
  return split;
}
