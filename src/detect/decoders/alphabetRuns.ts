/**
 * Maximal runs of one alphabet's characters, found in one pass that skips ahead: a run of at
 * least `min` characters starting at p must hold a character of the alphabet at p + min - 1, so
 * when that one is not, `min` characters are passed over at the cost of one look (the base64
 * decoder in ../decoders.ts and the long-run decoders share this pass). No character is looked at more than twice: linear in the
 * range, whatever the input.
 */

/** A table of 65536 flags (one per UTF-16 unit) built from the characters of `alphabet`. */
export function alphabetTable(alphabet: string): Uint8Array {
  const table = new Uint8Array(65536);
  for (const c of alphabet) table[c.charCodeAt(0)] = 1;
  return table;
}

/**
 * Where the first `min` characters in a row of `table` in [from, to) start, or -1: the skipping
 * search. A position whose character at p + min - 1 is not in the alphabet is passed over with
 * the `min` before it; otherwise the characters back to the last one seen are looked at.
 */
function firstRun(text: string, from: number, to: number, table: Uint8Array, min: number): number {
  let p = from;
  let known = from; // [p, known) already seen to be in the alphabet
  while (p + min <= to) {
    const q = p + min - 1;
    if (table[text.charCodeAt(q)] !== 1) {
      p = q + 1;
      known = p;
      continue;
    }
    const stop = Math.max(p, known);
    let k = q - 1;
    while (k >= stop && table[text.charCodeAt(k)] === 1) k--;
    if (k < stop) return p;
    p = k + 1;
    known = q + 1;
  }
  return -1;
}

/**
 * Calls `each(start, end)` for every maximal run of `table` characters in [from, to) at least
 * `min` long, in order. `each` may return where the run it was given really ends (≥ `end`: the
 * base64 decoder takes `=` padding and what follows it into the run); the search goes on after that.
 */
export function alphabetRuns(
  text: string,
  from: number,
  to: number,
  table: Uint8Array,
  min: number,
  // biome-ignore lint/suspicious/noConfusingVoidType: callers that never move the end return nothing
  each: (start: number, end: number) => number | undefined | void,
): void {
  for (let p = firstRun(text, from, to, table, min); p !== -1; ) {
    let end = p + min;
    while (end < to && table[text.charCodeAt(end)] === 1) end++;
    p = firstRun(text, (each(p, end) ?? end) + 1, to, table, min);
  }
}

/**
 * Whether [from, to) holds a run of at least `min` characters of `table`: the search alone,
 * which answers as soon as `min` characters in a row are seen, not at the run's end (a bundle's
 * inline blob is one run of megabytes, and the detector asks this of it once per rule).
 */
export function hasRun(text: string, from: number, to: number, table: Uint8Array, min: number): boolean {
  return firstRun(text, from, to, table, min) !== -1;
}

/** Whether [lineStart, start) is only spaces and tabs: the run starts its line (after indentation). */
export function startsLine(text: string, start: number, floor = 0): number | undefined {
  let i = start;
  while (i > floor && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  return i === floor || text[i - 1] === '\n' ? i : undefined;
}

/** Offset of the next line's first character when only `\r` and spaces follow `end` on its line; else undefined. */
export function endsLine(text: string, end: number, ceiling = text.length): number | undefined {
  let i = end;
  while (i < ceiling && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i++;
  if (i >= ceiling) return ceiling;
  return text[i] === '\n' ? i + 1 : undefined;
}
