// AssemblyScript: the run pass of src/detect/decoders/ (value runs and long runs, see
// src/detect/wasmRuns.ts) over a one-byte text, 16 characters at a time. Built by
// scripts/build-wasm.js into src/detect/wasm.generated.ts; test/wasmRuns.test.ts checks that the
// two agree and that the results equal the JavaScript pass's on any text.
//
// A text is scanned in chunks of at most CHUNK characters, copied to IN by the caller; the runs
// still open at the end of a chunk carry over to the next (STATE). Each chunk's finished runs are
// written to VOUT and LOUT as (start, end) pairs of offsets in the whole text, and their counts to
// STATE; the caller reads them and sets the counts back to 0 before the next chunk.

/** Characters per chunk: a multiple of 16. */
export const CHUNK: i32 = 1 << 20;
/** Where the chunk's characters go (16 bytes past its end are read and ignored). */
export const IN: i32 = 1024;
/** Value runs: (start, end) i32 pairs; a chunk finishes at most CHUNK / 28 + 2. */
export const VOUT: i32 = IN + CHUNK + 64;
/** Long runs: (start, end) i32 pairs; a chunk finishes at most CHUNK / 57 + 2. */
export const LOUT: i32 = VOUT + (CHUNK / 28 + 4) * 8;
/** i32: open value run's length and start, open long run's length and start, value count, long count. */
export const STATE: i32 = 256;

/** Shortest value run (base64 and `%`): SHORTEST in src/detect/decoders/base64Runs.ts. */
const VALUE_MIN = 27;
/** Shortest long run (base64, base64url and hex): LONG_RUN in src/detect/decoders/longRuns.ts. */
const LONG_MIN = 56;

/** Splatted bytes at 16-byte slots from 0: loaded into locals once per call (see init). */
const K_0 = 0;
const K_A = 1;
const K_a = 2;
const K_10 = 3;
const K_26 = 4;
const K_PLUS = 5;
const K_SLASH = 6;
const K_PCT = 7;
const K_DASH = 8;
const K_UNDER = 9;

/** Writes the constants (kept in memory, where the optimizer cannot fold them back into the loop) and clears the state. */
export function init(): void {
  v128.store(K_0 << 4, i8x16.splat(0x30));
  v128.store(K_A << 4, i8x16.splat(0x41));
  v128.store(K_a << 4, i8x16.splat(0x61));
  v128.store(K_10 << 4, i8x16.splat(10));
  v128.store(K_26 << 4, i8x16.splat(26));
  v128.store(K_PLUS << 4, i8x16.splat(0x2b));
  v128.store(K_SLASH << 4, i8x16.splat(0x2f));
  v128.store(K_PCT << 4, i8x16.splat(0x25));
  v128.store(K_DASH << 4, i8x16.splat(0x2d));
  v128.store(K_UNDER << 4, i8x16.splat(0x5f));
  reset();
}

/** Forgets any open run: call before a new text. */
export function reset(): void {
  for (let i = 0; i < 6; i++) store<i32>(STATE + (i << 2), 0);
}

@inline function within(v: v128, lo: v128, n: v128): v128 {
  return i8x16.lt_u(i8x16.sub(v, lo), n);
}

/**
 * Scans IN[0, len) as the text's characters [base, base + len); `last`: the text ends there, so
 * runs still open are finished.
 */
export function scan(len: i32, base: i32, last: bool): void {
  const c0 = v128.load(K_0 << 4);
  const cA = v128.load(K_A << 4);
  const ca = v128.load(K_a << 4);
  const c10 = v128.load(K_10 << 4);
  const c26 = v128.load(K_26 << 4);
  const cPlus = v128.load(K_PLUS << 4);
  const cSlash = v128.load(K_SLASH << 4);
  const cPct = v128.load(K_PCT << 4);
  const cDash = v128.load(K_DASH << 4);
  const cUnder = v128.load(K_UNDER << 4);
  let vRun = load<i32>(STATE);
  let vStart = load<i32>(STATE + 4);
  let lRun = load<i32>(STATE + 8);
  let lStart = load<i32>(STATE + 12);
  let vCount = load<i32>(STATE + 16);
  let lCount = load<i32>(STATE + 20);
  for (let pos = 0; pos < len; pos += 16) {
    const v = v128.load(IN + pos);
    const base64 = v128.or(
      v128.or(v128.or(within(v, cA, c26), within(v, ca, c26)), within(v, c0, c10)),
      v128.or(i8x16.eq(v, cPlus), i8x16.eq(v, cSlash)),
    );
    // Bit i: character pos + i is in the alphabet (characters past len are not).
    let value = i8x16.bitmask(v128.or(base64, i8x16.eq(v, cPct)));
    let long = i8x16.bitmask(v128.or(base64, v128.or(i8x16.eq(v, cDash), i8x16.eq(v, cUnder))));
    if (len - pos < 16) {
      const keep = (1 << (len - pos)) - 1;
      value &= keep;
      long &= keep;
    }
    const at = base + pos;
    if (value == 0xffff) {
      if (vRun == 0) vStart = at;
      vRun += 16;
    } else {
      // The open run goes on for the low `lead` bits; the high `top` bits open the next one.
      const lead = <i32>ctz(~value);
      if (vRun + lead >= VALUE_MIN) {
        store<i32>(VOUT + (vCount << 3), vRun > 0 ? vStart : at);
        store<i32>(VOUT + (vCount << 3) + 4, at + lead);
        vCount++;
      }
      const top = <i32>clz(~(value << 16));
      vRun = top;
      vStart = at + 16 - top;
    }
    if (long == 0xffff) {
      if (lRun == 0) lStart = at;
      lRun += 16;
    } else {
      const lead = <i32>ctz(~long);
      if (lRun + lead >= LONG_MIN) {
        store<i32>(LOUT + (lCount << 3), lRun > 0 ? lStart : at);
        store<i32>(LOUT + (lCount << 3) + 4, at + lead);
        lCount++;
      }
      const top = <i32>clz(~(long << 16));
      lRun = top;
      lStart = at + 16 - top;
    }
  }
  if (last) {
    const end = base + len;
    if (vRun >= VALUE_MIN) {
      store<i32>(VOUT + (vCount << 3), vStart);
      store<i32>(VOUT + (vCount << 3) + 4, end);
      vCount++;
    }
    if (lRun >= LONG_MIN) {
      store<i32>(LOUT + (lCount << 3), lStart);
      store<i32>(LOUT + (lCount << 3) + 4, end);
      lCount++;
    }
    vRun = 0;
    lRun = 0;
  }
  store<i32>(STATE, vRun);
  store<i32>(STATE + 4, vStart);
  store<i32>(STATE + 8, lRun);
  store<i32>(STATE + 12, lStart);
  store<i32>(STATE + 16, vCount);
  store<i32>(STATE + 20, lCount);
}
