import { primeValueRuns, type Run } from './decoders/base64Runs.js';
import { primeLongRuns } from './decoders/longRuns.js';
import { RUNS_WASM } from './wasm.generated.js';

/**
 * The run pass (./decoders/base64Runs.ts and ./decoders/longRuns.ts: every maximal run of 27 or
 * more base64 characters and `%`, and of 56 or more base64, base64url and hex characters) done
 * in WebAssembly, 16 characters at a time (wasm/runs.ts), for a text whose every UTF-16 unit is
 * below 256 (Fragment.oneByte): its characters are then its latin1 bytes. The JavaScript pass
 * looks at most characters of source code once or twice, each look a branch it cannot predict;
 * this one classifies 16 at once. The runs are the same (test/wasmRuns.test.ts): the detector
 * primes the two passes' caches with them, and every other text (decoded layers, two-byte text,
 * or a Node without WebAssembly SIMD) takes the JavaScript pass.
 */

interface Kernel {
  bytes: Buffer;
  i32: Int32Array;
  chunk: number;
  input: number;
  valueOut: number;
  longOut: number;
  /** Index in `i32` of the state (see wasm/runs.ts): the counts are at +4 and +5. */
  state: number;
  reset(): void;
  scan(len: number, base: number, last: number): void;
}

interface Exports {
  memory: WebAssembly.Memory;
  CHUNK: WebAssembly.Global;
  IN: WebAssembly.Global;
  VOUT: WebAssembly.Global;
  LOUT: WebAssembly.Global;
  STATE: WebAssembly.Global;
  init(): void;
  reset(): void;
  scan(len: number, base: number, last: number): void;
}

/** The instance (one per thread: module state), null where WebAssembly or its SIMD is missing. */
let kernel: Kernel | null | undefined;

/**
 * Characters of one-byte text the JavaScript pass takes on a thread before the module is
 * compiled: compiling it costs about 1 ms, what the JavaScript pass takes for 1 MB, and a commit
 * hook's few kilobytes should not pay it.
 */
const START_AFTER = 1 << 20;
let seen = 0;

function load(): Kernel | null {
  try {
    const e = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(RUNS_WASM, 'base64'))).exports as unknown as Exports;
    e.init();
    // The memory never grows (wasm/runs.ts works in a fixed 1.5 MB), so these views stay valid.
    const memory = e.memory.buffer;
    return {
      bytes: Buffer.from(memory),
      i32: new Int32Array(memory),
      chunk: e.CHUNK.value,
      input: e.IN.value,
      valueOut: e.VOUT.value >> 2,
      longOut: e.LOUT.value >> 2,
      state: e.STATE.value >> 2,
      reset: e.reset,
      scan: e.scan,
    };
  } catch {
    return null;
  }
}

/**
 * The value runs and long runs (without their kinds) of `text`, which must hold no UTF-16 unit
 * above 255; undefined when WebAssembly is unavailable.
 */
export function oneByteRuns(text: string): { value: Run[]; long: { start: number; end: number }[] } | undefined {
  kernel ??= load();
  if (!kernel) return undefined;
  const { bytes, i32, chunk, input, valueOut, longOut, state } = kernel;
  const value: Run[] = [];
  const long: { start: number; end: number }[] = [];
  kernel.reset();
  for (let base = 0; base < text.length; base += chunk) {
    const len = Math.min(chunk, text.length - base);
    bytes.write(len === text.length ? text : text.slice(base, base + len), input, 'latin1');
    kernel.scan(len, base, base + len === text.length ? 1 : 0);
    for (let i = 0, o = valueOut; i < i32[state + 4]!; i++, o += 2) value.push({ start: i32[o]!, end: i32[o + 1]!, limit: text.length });
    for (let i = 0, o = longOut; i < i32[state + 5]!; i++, o += 2) long.push({ start: i32[o]!, end: i32[o + 1]! });
    i32[state + 4] = 0;
    i32[state + 5] = 0;
  }
  return { value, long };
}

/**
 * Finds the runs of a one-byte text with oneByteRuns and hands them to the run passes, which give
 * them for `text` (with no ranges) instead of looking for them. Does nothing before START_AFTER
 * characters, or where WebAssembly is unavailable: the passes look for them as before.
 */
export function primeRuns(text: string): void {
  if (kernel === undefined && (seen += text.length) < START_AFTER) return;
  const runs = oneByteRuns(text);
  if (!runs) return;
  primeValueRuns(text, runs.value);
  primeLongRuns(text, runs.long);
}
