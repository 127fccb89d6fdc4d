import { rarity } from './literalIndex.js';

/**
 * The tables of the WebAssembly pass's string search (wasm/pass.ts, Teddy's way): strings dealt
 * into 8 buckets by a fingerprint of four of their characters, and for each fingerprint
 * position, per low and per high half of a byte, the buckets that have it there.
 */

const BUCKETS = 8;
/** Characters of a string's fingerprint; a shorter string allows anything after its end. */
const FINGERPRINT = 4;
export const MAX_STRINGS = 256;
/** Room before a chunk in the module's memory for the end of the one before it. */
export const MAX_STRING = 256;

/** Where a table's parts are, from its address (wasm/pass.ts). */
export interface TableLayout {
  nibbles: number;
  spans: number;
  entries: number;
  bytes: number;
  capacity: number;
}

/** Strings laid out for the module. */
export interface Table {
  /** The strings by their index in the table. */
  strings: string[];
  /** The longest string's length: how far a chunk reaches back into the one before it. */
  longest: number;
  /** Writes the table at `at` in the module's memory. */
  write(bytes: Buffer, i32: Int32Array, at: number): void;
}

/** A string's fingerprint: the FINGERPRINT characters (or all of it) rarest in code on average. */
interface Print {
  string: string;
  at: number;
  /** For each fingerprint position, its character's low and high half-bytes as bit sets (all 16: any character). */
  halves: [number, number][];
}

function fingerprint(string: string, fold: boolean): Print {
  const width = Math.min(FINGERPRINT, string.length);
  let at = 0;
  let score = Number.POSITIVE_INFINITY;
  for (let i = 0; i + width <= string.length; i++) {
    let s = 0;
    for (let j = 0; j < width; j++) s += rarity(string.charCodeAt(i + j));
    if (s < score) [at, score] = [i, s];
  }
  const halves = Array.from({ length: FINGERPRINT }, (_, j): [number, number] => {
    if (j >= width) return [0xffff, 0xffff];
    const c = string.charCodeAt(at + j);
    // Folded: a letter's upper case too.
    const cases = fold && c >= 0x61 && c <= 0x7a ? [c, c - 0x20] : [c];
    return [cases.reduce((m, k) => m | (1 << (k & 15)), 0), cases.reduce((m, k) => m | (1 << (k >> 4)), 0)];
  });
  return { string, at, halves };
}

const bits = (x: number): number => {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
};

/**
 * Deals the fingerprints into BUCKETS buckets, each where it adds least to the candidates its
 * bucket lets through (estimated as the product, over positions, of the half-byte sets' sizes,
 * times the strings the bucket compares at each). Deterministic: the same strings, the same table.
 */
function deal(prints: Print[]): number[] {
  const sets = Array.from({ length: BUCKETS }, () => ({ halves: prints[0]!.halves.map((): [number, number] => [0, 0]), n: 0 }));
  const cost = (halves: [number, number][], n: number): number => (n === 0 ? 0 : n * halves.reduce((p, [lo, hi]) => p * bits(lo) * bits(hi), 1));
  const bucket: number[] = [];
  const order = prints.map((_, i) => i).sort((a, b) => prints[a]!.string.length - prints[b]!.string.length || (prints[a]!.string < prints[b]!.string ? -1 : 1));
  for (const i of order) {
    let best = 0;
    let bestHalves = sets[0]!.halves;
    let least = Number.POSITIVE_INFINITY;
    sets.forEach((set, b) => {
      const merged = set.halves.map(([lo, hi], j): [number, number] => [lo | prints[i]!.halves[j]![0], hi | prints[i]!.halves[j]![1]]);
      const added = cost(merged, set.n + 1) - cost(set.halves, set.n);
      if (added < least) [best, bestHalves, least] = [b, merged, added];
    });
    sets[best]!.halves = bestHalves;
    sets[best]!.n++;
    bucket[i] = best;
  }
  return bucket;
}

/**
 * A table of `strings` (one-byte characters; lower case when `fold`), or null when they do not
 * fit the module's (too many, too long, too many characters).
 */
export function teddyTable(strings: readonly string[], fold: boolean, layout: TableLayout): Table | null {
  const longest = Math.max(0, ...strings.map((s) => s.length));
  if (strings.length > MAX_STRINGS || longest > MAX_STRING || strings.reduce((n, s) => n + s.length, 0) > layout.capacity) return null;
  const prints = strings.map((s) => fingerprint(s, fold));
  const bucket = prints.length ? deal(prints) : [];
  // Entries by bucket, so each bucket's are one span.
  const order = prints.map((_, i) => i).sort((a, b) => bucket[a]! - bucket[b]! || a - b);
  return {
    strings: order.map((i) => prints[i]!.string),
    longest,
    write(bytes, i32, at) {
      bytes.fill(0, at, at + layout.bytes + layout.capacity + MAX_STRINGS / 8);
      i32[at >> 2] = order.length > 0 ? 1 : 0;
      const spans = (at + layout.spans) >> 2;
      let chars = at + layout.bytes;
      order.forEach((i, index) => {
        const { string, at: offset, halves } = prints[i]!;
        const b = bucket[i]!;
        halves.forEach(([lo, hi], j) => {
          for (let n = 0; n < 16; n++) {
            if (lo & (1 << n)) bytes[at + layout.nibbles + j * 32 + n]! |= 1 << b;
            if (hi & (1 << n)) bytes[at + layout.nibbles + j * 32 + 16 + n]! |= 1 << b;
          }
        });
        if (i32[spans + b * 2 + 1] === 0) i32[spans + b * 2] = index;
        i32[spans + b * 2 + 1]! += 1;
        i32.set([index, offset, string.length, chars], ((at + layout.entries) >> 2) + index * 4);
        bytes.write(string, chars, 'latin1');
        chars += string.length;
      });
    },
  };
}
