import type { CompiledRule } from '../rules/compile.js';
import { primeEscapes } from './decoders.js';
import { primeValueRuns, type Run } from './decoders/base64Runs.js';
import { primeLongRuns } from './decoders/longRuns.js';
import { primeLiterals, rarity } from './literalIndex.js';
import { PASS_WASM } from './wasm.generated.js';

/**
 * Two passes of the detector over a whole text done in WebAssembly, 16 characters at a time
 * (wasm/pass.ts), for a text whose every UTF-16 unit is below 256 (Fragment.oneByte): its
 * characters are then its latin1 bytes, copied once into the module's memory.
 * - The run pass (./decoders/base64Runs.ts, ./decoders/longRuns.ts): every maximal run of 27 or
 *   more base64 characters and `%`, and of 56 or more base64, base64url and hex characters. The
 *   JavaScript pass looks at most characters of source code once or twice, each look a branch
 *   it cannot predict.
 * - The literal search (./literalIndex.ts): which of the rules' literals occur. The JavaScript
 *   search visits every occurrence of each literal's rarest character with `indexOf`, at ~20 ns
 *   a call.
 * The answers are the same (test/wasmPass.test.ts): the detector primes the JavaScript passes'
 * caches with them, and every other text (decoded layers, two-byte text, a rule set whose
 * literals do not fit the table, or a Node without WebAssembly SIMD) takes the JavaScript passes.
 */

interface Exports {
  memory: WebAssembly.Memory;
  CHUNK: WebAssembly.Global;
  IN: WebAssembly.Global;
  VOUT: WebAssembly.Global;
  LOUT: WebAssembly.Global;
  STATE: WebAssembly.Global;
  LIT: WebAssembly.Global;
  SPANS: WebAssembly.Global;
  ENTRIES: WebAssembly.Global;
  BYTES: WebAssembly.Global;
  LIT_BYTES: WebAssembly.Global;
  FOUND: WebAssembly.Global;
  ESCAPES: WebAssembly.Global;
  init(): void;
  reset(): void;
  scan(len: number, base: number, last: number): void;
  literals(from: number, to: number): void;
  escapes(from: number, to: number, start: number, delta: number): void;
}

interface Kernel {
  exports: Exports;
  bytes: Buffer;
  i32: Int32Array;
  /** The literal table in memory now (LiteralTable.rules), if any. */
  table?: LiteralTable;
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

function load(): Kernel | null {
  try {
    const exports = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(PASS_WASM, 'base64'))).exports as unknown as Exports;
    exports.init();
    // The memory never grows (wasm/pass.ts works in a fixed 1.5 MB), so these views stay valid.
    const memory = exports.memory.buffer;
    return { exports, bytes: Buffer.from(memory), i32: new Int32Array(memory) };
  } catch {
    return null;
  }
}

/** A rule set's literals laid out for the module (see wasm/pass.ts), or null when they do not fit it. */
interface LiteralTable {
  rules: readonly CompiledRule[];
  /** The literals by their index in the table. */
  literals: string[];
  /** The longest literal's length: how far a chunk reaches back into the one before it. */
  longest: number;
  write(k: Kernel): void;
}

const BUCKETS = 8;
const MAX_LITERALS = 256;
/** Room before the chunk in the module's memory for the end of the one before it. */
const MAX_LITERAL = 256;
/** Characters of a literal's fingerprint (wasm/pass.ts); a shorter literal allows anything after its end. */
const FINGERPRINT = 4;

const tables = new WeakMap<readonly CompiledRule[], LiteralTable | null>();

/** A literal's fingerprint: the FINGERPRINT characters (or all of it) rarest in code on average. */
interface Print {
  literal: string;
  at: number;
  /** For each fingerprint position, its character's low and high half-byte as bit sets (all 16: any character). */
  halves: [number, number][];
}

function fingerprint(literal: string): Print {
  const width = Math.min(FINGERPRINT, literal.length);
  let at = 0;
  let score = Number.POSITIVE_INFINITY;
  for (let i = 0; i + width <= literal.length; i++) {
    let s = 0;
    for (let j = 0; j < width; j++) s += rarity(literal.charCodeAt(i + j));
    if (s < score) [at, score] = [i, s];
  }
  const halves = Array.from({ length: FINGERPRINT }, (_, j): [number, number] => {
    if (j >= width) return [0xffff, 0xffff];
    const c = literal.charCodeAt(at + j);
    return [1 << (c & 15), 1 << (c >> 4)];
  });
  return { literal, at, halves };
}

const bits = (x: number): number => {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
};

/**
 * Deals the fingerprints into BUCKETS buckets, each where it adds least to the candidates its
 * bucket lets through (estimated as the product, over positions, of the half-byte sets' sizes,
 * times the literals the bucket compares at each). Deterministic: the same rules, the same table.
 */
function deal(prints: Print[]): number[] {
  const sets = Array.from({ length: BUCKETS }, () => ({ halves: prints[0]!.halves.map((): [number, number] => [0, 0]), n: 0 }));
  const cost = (halves: [number, number][], n: number): number => (n === 0 ? 0 : n * halves.reduce((p, [lo, hi]) => p * bits(lo) * bits(hi), 1));
  const bucket: number[] = [];
  const order = prints
    .map((_, i) => i)
    .sort((a, b) => prints[a]!.literal.length - prints[b]!.literal.length || (prints[a]!.literal < prints[b]!.literal ? -1 : 1));
  for (const i of order) {
    let best = 0;
    let least = Number.POSITIVE_INFINITY;
    sets.forEach((set, b) => {
      const merged = set.halves.map(([lo, hi], j): [number, number] => [lo | prints[i]!.halves[j]![0], hi | prints[i]!.halves[j]![1]]);
      const added = cost(merged, set.n + 1) - cost(set.halves, set.n);
      if (added < least) [best, least] = [b, added];
    });
    const set = sets[best]!;
    set.halves = set.halves.map(([lo, hi], j) => [lo | prints[i]!.halves[j]![0], hi | prints[i]!.halves[j]![1]]);
    set.n++;
    bucket[i] = best;
  }
  return bucket;
}

function literalTable(rules: readonly CompiledRule[], e: Exports): LiteralTable | null {
  let table = tables.get(rules);
  if (table !== undefined) return table;
  // A literal with a character above U+00FF cannot occur in a one-byte text: it is left out.
  const all = [...new Set(rules.flatMap((r) => r.literals))].filter((l) => !/[^\x00-\xff]/.test(l));
  const longest = Math.max(0, ...all.map((l) => l.length));
  if (all.length > MAX_LITERALS || longest > MAX_LITERAL || all.reduce((n, l) => n + l.length, 0) > e.LIT_BYTES.value) table = null;
  else {
    const prints = all.map(fingerprint);
    const bucket = prints.length ? deal(prints) : [];
    // Entries by bucket, so each bucket's are one span.
    const order = prints.map((_, i) => i).sort((a, b) => bucket[a]! - bucket[b]! || a - b);
    table = {
      rules,
      literals: order.map((i) => prints[i]!.literal),
      longest,
      write({ bytes, i32, exports: x }) {
        const lit = x.LIT.value;
        const spans = x.SPANS.value >> 2;
        bytes.fill(0, lit, x.FOUND.value);
        i32[lit >> 2] = order.length > 0 ? 1 : 0;
        let chars = x.BYTES.value;
        order.forEach((i, index) => {
          const { literal, at, halves } = prints[i]!;
          const b = bucket[i]!;
          halves.forEach(([lo, hi], j) => {
            for (let n = 0; n < 16; n++) {
              if (lo & (1 << n)) bytes[lit + 64 + j * 32 + n]! |= 1 << b;
              if (hi & (1 << n)) bytes[lit + 64 + j * 32 + 16 + n]! |= 1 << b;
            }
          });
          if (i32[spans + b * 2 + 1] === 0) i32[spans + b * 2] = index;
          i32[spans + b * 2 + 1]! += 1;
          i32.set([index, at, literal.length, chars], (x.ENTRIES.value >> 2) + index * 4);
          bytes.write(literal, chars, 'latin1');
          chars += literal.length;
        });
      },
    };
  }
  tables.set(rules, table);
  return table;
}

/** What oneBytePass finds in a text. */
export interface OneByte {
  value: Run[];
  /** Long runs, without their kinds. */
  long: { start: number; end: number }[];
  /** The rules' literals present; absent when they do not fit the module's table (or no rules were given). */
  literals?: Set<string>;
  /** Offsets of the backslashes followed by `u`, `/` or a backslash; absent when there were too many to keep. */
  jsonEscapes?: number[];
  /** Whether `\x` or `\u{` occurs. */
  cEscapes: boolean;
}

/**
 * What the module finds in `text`, which must hold no UTF-16 unit above 255 (see OneByte);
 * undefined when WebAssembly is unavailable.
 */
export function oneBytePass(text: string, rules?: readonly CompiledRule[]): OneByte | undefined {
  kernel ??= load();
  if (!kernel) return undefined;
  const { bytes, i32, exports: x } = kernel;
  const table = rules && rules.some((r) => r.literals.length > 0) ? literalTable(rules, x) : null;
  if (table && kernel.table !== table) {
    table.write(kernel);
    kernel.table = table;
  }
  const [chunk, input, state, valueOut, longOut, escapesOut] = [
    x.CHUNK.value,
    x.IN.value,
    x.STATE.value >> 2,
    x.VOUT.value >> 2,
    x.LOUT.value >> 2,
    x.ESCAPES.value >> 2,
  ];
  if (table) bytes.fill(0, x.FOUND.value, x.FOUND.value + MAX_LITERALS / 8);
  const value: Run[] = [];
  const long: { start: number; end: number }[] = [];
  const jsonEscapes: number[] = [];
  x.reset();
  for (let base = 0; base < text.length; base += chunk) {
    const len = Math.min(chunk, text.length - base);
    // The end of the chunk before comes along, so a literal or an escape across the boundary is
    // whole here.
    const back = Math.min(base, Math.max(2, table ? table.longest - 1 : 0));
    bytes.write(back === 0 && len === text.length ? text : text.slice(base - back, base + len), input - back, 'latin1');
    x.scan(len, base, base + len === text.length ? 1 : 0);
    if (table) x.literals(input - back, input + len);
    // A backslash that ended the chunk before is looked at now that its next character is here.
    x.escapes(input - back, input + len, base > 0 ? input - 1 : input, base - input);
    for (let i = 0, o = valueOut; i < i32[state + 4]!; i++, o += 2) value.push({ start: i32[o]!, end: i32[o + 1]!, limit: text.length });
    for (let i = 0, o = longOut; i < i32[state + 5]!; i++, o += 2) long.push({ start: i32[o]!, end: i32[o + 1]! });
    for (let i = 0; i < i32[state + 6]!; i++) jsonEscapes.push(i32[escapesOut + i]!);
    i32[state + 4] = 0;
    i32[state + 5] = 0;
    i32[state + 6] = 0;
  }
  const found: OneByte = { value, long, cEscapes: i32[state + 8] === 1 };
  if (i32[state + 7] === 0) found.jsonEscapes = jsonEscapes;
  if (!table) return found;
  const literals = new Set<string>();
  table.literals.forEach((literal, index) => {
    if (bytes[x.FOUND.value + (index >> 3)]! & (1 << (index & 7))) literals.add(literal);
  });
  found.literals = literals;
  return found;
}

/**
 * Does oneBytePass over a one-byte text and hands its answers to the JavaScript passes, which
 * give them for `text` (the whole of it, and these rules) instead of working them out. Does
 * nothing before START_AFTER characters, or where WebAssembly is unavailable.
 */
export function primeOneByte(text: string, rules: readonly CompiledRule[]): void {
  if (kernel === undefined && (seen += text.length) < START_AFTER) return;
  const found = oneBytePass(text, rules);
  if (!found) return;
  primeValueRuns(text, found.value);
  primeLongRuns(text, found.long);
  if (found.literals) primeLiterals(text, rules, found.literals);
  primeEscapes(text, found.jsonEscapes, found.cEscapes);
}
