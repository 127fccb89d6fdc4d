import type { CompiledRule } from '../rules/compile.js';
import { primeEscapes } from './decoders.js';
import { primeValueRuns, type Run } from './decoders/base64Runs.js';
import { primeLongRuns } from './decoders/longRuns.js';
import { primeLiterals } from './literalIndex.js';
import { PASS_WASM } from './wasm.generated.js';
import { MAX_STRINGS, type Table, type TableLayout, teddyTable } from './wasmTables.js';

/**
 * The detector's passes over a whole text done in WebAssembly, 16 characters at a time
 * (wasm/pass.ts), for a text whose every UTF-16 unit is below 256 (Fragment.oneByte): its
 * characters are then its latin1 bytes, copied once into the module's memory, a chunk at a time.
 * - The run pass (./decoders/base64Runs.ts, ./decoders/longRuns.ts): every maximal run of 27 or
 *   more base64 characters and `%`, and of 56 or more base64, base64url and hex characters. The
 *   JavaScript pass looks at most characters of source code once or twice, each look a branch
 *   it cannot predict.
 * - The literal search (./literalIndex.ts): which of the rules' literals occur. The JavaScript
 *   search visits every occurrence of each literal's rarest character with `indexOf`, at ~20 ns
 *   a call.
 * - The escape searches (./decoders.ts): the backslashes the JSON decoder's seed test looks at,
 *   and whether a C escape occurs.
 * - The word search (./detector.ts): where the keywords, and the words the keyword rules'
 *   patterns start with, occur, ASCII case folded: V8's case-insensitive alternations look at
 *   every position.
 * The answers are the same (test/wasmPass.test.ts): the detector primes the JavaScript passes'
 * caches with them, and every other text (decoded layers, two-byte text, a rule set whose
 * strings do not fit a table, or a Node without WebAssembly SIMD) takes the JavaScript passes.
 */

interface Exports {
  memory: WebAssembly.Memory;
  CHUNK: WebAssembly.Global;
  IN: WebAssembly.Global;
  VOUT: WebAssembly.Global;
  LOUT: WebAssembly.Global;
  STATE: WebAssembly.Global;
  NIBBLES: WebAssembly.Global;
  SPANS: WebAssembly.Global;
  ENTRIES: WebAssembly.Global;
  BYTES: WebAssembly.Global;
  TABLE_BYTES: WebAssembly.Global;
  FOUND: WebAssembly.Global;
  LIT: WebAssembly.Global;
  ESCAPES: WebAssembly.Global;
  WORDS: WebAssembly.Global;
  OCCURRENCES: WebAssembly.Global;
  LITERALS_AT: WebAssembly.Global;
  init(): void;
  reset(): void;
  scan(len: number, base: number, last: number): void;
  literals(from: number, to: number, fresh: number, delta: number): void;
  escapes(from: number, to: number, start: number, delta: number): void;
  words(from: number, to: number, fresh: number, delta: number): void;
}

interface Kernel {
  exports: Exports;
  bytes: Buffer;
  i32: Int32Array;
  layout: TableLayout;
  /** Where the module's regions are: `i32` indexes, but `input` and `found`, which are byte addresses. */
  at: { chunk: number; input: number; state: number; value: number; long: number; escapes: number; occurrences: number; literals: number; found: number };
  /** The tables in memory now, if any. */
  literals: Table | undefined;
  words: Table | undefined;
}

/** The instance (one per thread: module state), null where WebAssembly or its SIMD is missing. */
let kernel: Kernel | null | undefined;

/**
 * Characters of one-byte text the JavaScript passes take on a thread before the module is
 * compiled: compiling it costs about 1 ms, what the JavaScript passes take for 1 MB, and a
 * commit hook's few kilobytes should not pay it.
 */
const START_AFTER = 1 << 20;
let seen = 0;
/**
 * Characters below which a text takes the JavaScript passes anyway: for a few lines (a history
 * scan's hunks), copying them and reading the answers back costs what the passes save.
 */
const SMALLEST = 4096;

function load(): Kernel | null {
  try {
    const exports = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(PASS_WASM, 'base64'))).exports as unknown as Exports;
    exports.init();
    // The memory never grows (wasm/pass.ts works in a fixed 2.3 MB), so these views stay valid.
    const memory = exports.memory.buffer;
    const layout = {
      nibbles: exports.NIBBLES.value,
      spans: exports.SPANS.value,
      entries: exports.ENTRIES.value,
      bytes: exports.BYTES.value,
      capacity: exports.TABLE_BYTES.value,
    };
    const at = {
      chunk: exports.CHUNK.value,
      input: exports.IN.value,
      state: exports.STATE.value >> 2,
      value: exports.VOUT.value >> 2,
      long: exports.LOUT.value >> 2,
      escapes: exports.ESCAPES.value >> 2,
      occurrences: exports.OCCURRENCES.value >> 2,
      literals: exports.LITERALS_AT.value >> 2,
      found: exports.LIT.value + exports.FOUND.value,
    };
    return { exports, bytes: Buffer.from(memory), i32: new Int32Array(memory), layout, at, literals: undefined, words: undefined };
  } catch {
    return null;
  }
}

const literalTables = new WeakMap<readonly CompiledRule[], Table | null>();
const wordTables = new WeakMap<readonly string[], Table | null>();

/** The rules' literals that can occur in a one-byte text (one with a character above U+00FF cannot). */
function literalTable(rules: readonly CompiledRule[], layout: TableLayout): Table | null {
  let table = literalTables.get(rules);
  if (table === undefined) {
    const all = [...new Set(rules.flatMap((r) => r.literals))].filter((l) => !/[^\x00-\xff]/.test(l));
    literalTables.set(rules, (table = all.length ? teddyTable(all, false, layout) : null));
  }
  return table;
}

/** Lower-case ASCII words (see ./detector.ts, wordPlan), searched with ASCII case folded. */
function wordTable(words: readonly string[], layout: TableLayout): Table | null {
  let table = wordTables.get(words);
  if (table === undefined) wordTables.set(words, (table = words.length ? teddyTable(words, true, layout) : null));
  return table;
}

/** What oneBytePass finds in a text. */
export interface OneByte {
  value: Run[];
  /** Long runs, without their kinds. */
  long: { start: number; end: number }[];
  /** The rules' literals present; absent when they do not fit the module's table (or no rules were given). */
  literals?: Set<string>;
  /**
   * Where each literal present occurs, in ascending order; absent with `literals`, or when there
   * were too many to keep.
   */
  literalsAt?: Map<string, number[]>;
  /** Offsets of the backslashes followed by `u`, `/` or a backslash; absent when there were too many to keep. */
  jsonEscapes?: number[];
  /** Whether `\x` or `\u{` occurs. */
  cEscapes: boolean;
  /**
   * Where each of the words given occurs (ASCII case folded), in ascending order; absent when
   * there were too many to keep, or they do not fit the module's table.
   */
  words?: Map<string, number[]>;
}

/**
 * What the module finds in `text`, which must hold no UTF-16 unit above 255 (see OneByte), for
 * these rules' literals and these words; undefined when WebAssembly is unavailable.
 */
export function oneBytePass(text: string, rules?: readonly CompiledRule[], words?: readonly string[]): OneByte | undefined {
  kernel ??= load();
  if (!kernel) return undefined;
  const { bytes, i32, exports: x, layout, at } = kernel;
  const lit = rules ? literalTable(rules, layout) : null;
  if (lit && kernel.literals !== lit) {
    lit.write(bytes, i32, x.LIT.value);
    kernel.literals = lit;
  }
  const wordsTable = words ? wordTable(words, layout) : null;
  if (wordsTable && kernel.words !== wordsTable) {
    wordsTable.write(bytes, i32, x.WORDS.value);
    kernel.words = wordsTable;
  }
  const { chunk, input, state, found } = at;
  if (lit) bytes.fill(0, found, found + MAX_STRINGS / 8);
  const value: Run[] = [];
  const long: { start: number; end: number }[] = [];
  const jsonEscapes: number[] = [];
  // (offset, index) pairs, flat: the loop below stays one shape of array whatever it finds.
  const wordPairs: number[] = [];
  const literalPairs: number[] = [];
  x.reset();
  for (let base = 0; base < text.length; base += chunk) {
    const len = Math.min(chunk, text.length - base);
    // The end of the chunk before comes along, so a literal, an escape or a word across the
    // boundary is whole here.
    const back = Math.min(base, Math.max(2, (lit?.longest ?? 0) - 1, (wordsTable?.longest ?? 0) - 1));
    bytes.write(text.slice(base - back, base + len), input - back, 'latin1');
    x.scan(len, base, base + len === text.length ? 1 : 0);
    // A string that ends in the chunk before was found there; a backslash that ended it is
    // looked at now that its next character is here. (Both sums run for every chunk: code
    // optimized on texts of one chunk has seen them.)
    const later = base > 0 ? 1 : 0;
    const fresh = input - 1 + later;
    if (lit) x.literals(input - back, input + len, fresh, base - input);
    x.escapes(input - back, input + len, input - later, base - input);
    if (wordsTable) x.words(input - back, input + len, fresh, base - input);
    for (let i = 0, o = at.value; i < i32[state + 4]!; i++, o += 2) value.push({ start: i32[o]!, end: i32[o + 1]!, limit: text.length });
    for (let i = 0, o = at.long; i < i32[state + 5]!; i++, o += 2) long.push({ start: i32[o]!, end: i32[o + 1]! });
    for (let i = 0; i < i32[state + 6]!; i++) jsonEscapes.push(i32[at.escapes + i]!);
    for (let i = 0, o = at.occurrences; i < i32[state + 9]!; i++, o += 2) wordPairs.push(i32[o]!, i32[o + 1]!);
    for (let i = 0, o = at.literals; i < i32[state + 11]!; i++, o += 2) literalPairs.push(i32[o]!, i32[o + 1]!);
    i32[state + 4] = 0;
    i32[state + 5] = 0;
    i32[state + 6] = 0;
    i32[state + 9] = 0;
    i32[state + 11] = 0;
  }
  const answer: OneByte = { value, long, cEscapes: i32[state + 8] === 1 };
  if (i32[state + 7] === 0) answer.jsonEscapes = jsonEscapes;
  if (lit) {
    const present = (index: number): boolean => (bytes[found + (index >> 3)]! & (1 << (index & 7))) !== 0;
    answer.literals = new Set(lit.strings.filter((_, index) => present(index)));
    if (i32[state + 12] === 0) answer.literalsAt = placesOf(literalPairs, lit.strings, present);
  }
  if (wordsTable && i32[state + 10] === 0) answer.words = placesOf(wordPairs, wordsTable.strings, () => true);
  return answer;
}

const ascending = (a: number, b: number): number => a - b;

/**
 * The offsets of each of `strings` that `keep` takes, ascending, from (offset, string index)
 * pairs: a string across a chunk boundary comes after those of the chunk before.
 */
function placesOf(pairs: readonly number[], strings: readonly string[], keep: (index: number) => boolean): Map<string, number[]> {
  const lists = strings.map((): number[] => []);
  for (let i = 0; i < pairs.length; i += 2) lists[pairs[i + 1]!]!.push(pairs[i]!);
  const places = new Map<string, number[]>();
  strings.forEach((string, index) => {
    if (keep(index)) places.set(string, lists[index]!.sort(ascending));
  });
  return places;
}

/**
 * Does oneBytePass over a one-byte text and hands its answers to the JavaScript passes, which
 * give them for `text` (the whole of it, and these rules) instead of working them out; gives
 * where the words and the literals occur, for the caller. Does nothing (and gives undefined)
 * before START_AFTER characters, for a text shorter than SMALLEST, or where WebAssembly is
 * unavailable; `words` is asked for only when the pass runs (working them out costs a commit
 * hook ~1 ms).
 */
export function primeOneByte(
  text: string,
  rules: readonly CompiledRule[],
  words: () => readonly string[] | undefined,
): Pick<OneByte, 'words' | 'literalsAt'> | undefined {
  if ((kernel === undefined && (seen += text.length) < START_AFTER) || text.length < SMALLEST) return undefined;
  const found = oneBytePass(text, rules, words());
  if (!found) return undefined;
  primeValueRuns(text, found.value);
  primeLongRuns(text, found.long);
  if (found.literals) primeLiterals(text, rules, found.literals);
  primeEscapes(text, found.jsonEscapes, found.cEscapes);
  return found;
}
