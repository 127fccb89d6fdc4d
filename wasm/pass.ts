// AssemblyScript: the detector's passes over a whole one-byte text, 16 characters at a time
// with SIMD (src/detect/wasmPass.ts drives them): the run pass of src/detect/decoders/ (value
// runs and long runs), the string search (the rules' literals; the keywords and the words the
// keyword rules' patterns start with) and the escape search. Built by scripts/build-wasm.js
// into src/detect/wasm.generated.ts; test/wasmPass.test.ts checks that the two agree and that
// the answers equal the JavaScript passes' on any text.
//
// A text is scanned in chunks of at most CHUNK characters, copied to IN by the caller, with the
// end of the chunk before just below IN (so a string or an escape across the boundary is whole).
// The runs still open at the end of a chunk carry over to the next (STATE). Each chunk's
// finished runs are written to VOUT and LOUT as (start, end) pairs of offsets in the whole text,
// escapes to ESCAPES, word occurrences to OCCURRENCES and literal occurrences to LITERALS_AT,
// their counts to STATE; the caller reads them and sets the counts back to 0 before the next
// chunk. The memory is fixed: nothing here allocates.

/** Characters per chunk: a multiple of 16. */
export const CHUNK: i32 = 1 << 20;
/** Where the chunk's characters go (16 bytes past its end are read and ignored). */
export const IN: i32 = 1024;
/** Value runs: (start, end) i32 pairs; a chunk finishes at most CHUNK / 28 + 2. */
export const VOUT: i32 = IN + CHUNK + 64;
/** Long runs: (start, end) i32 pairs; a chunk finishes at most CHUNK / 57 + 2. */
export const LOUT: i32 = VOUT + (CHUNK / 28 + 4) * 8;
/** i32: open value run's length and start, open long run's length and start, value count, long count; then the escape search's (escapes), the word search's and the literal search's (teddy). */
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

/** Forgets any open run and what the escape and word searches found: call before a new text. */
export function reset(): void {
  for (let i = 0; i < 13; i++) store<i32>(STATE + (i << 2), 0);
}

@inline function within(v: v128, lo: v128, n: v128): v128 {
  return i8x16.lt_u(i8x16.sub(v, lo), n);
}

/** Writes the run [start, end) at `out`, the count of runs written there being at `count`. */
@inline function emit(start: i32, end: i32, out: i32, count: i32): void {
  const n = load<i32>(count);
  store<i32>(out + (n << 3), start);
  store<i32>(out + (n << 3) + 4, end);
  store<i32>(count, n + 1);
}

/**
 * One block of a run tracker: bit i of `mask` says whether character at + i is in the
 * alphabet. The open run (`run` characters from `start`) goes on through the block, or ends in
 * it (written out when `min` or more long) while the block's last characters open the next.
 * Gives the open run after the block, its length in the high half and its start in the low.
 */
@inline function track(mask: i32, run: i32, start: i32, at: i32, min: i32, out: i32, count: i32): i64 {
  if (mask == 0xffff) return (<i64>(run + 16) << 32) | <i64><u32>(run == 0 ? at : start);
  // The open run goes on for the low `lead` bits; the high `top` bits open the next one.
  const lead = <i32>ctz(~mask);
  if (run + lead >= min) emit(run > 0 ? start : at, at + lead, out, count);
  const top = <i32>clz(~(mask << 16));
  return (<i64>top << 32) | <i64><u32>(at + 16 - top);
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
    const v2 = track(value, vRun, vStart, at, VALUE_MIN, VOUT, STATE + 16);
    vRun = <i32>(v2 >> 32);
    vStart = <i32>v2;
    const l2 = track(long, lRun, lStart, at, LONG_MIN, LOUT, STATE + 20);
    lRun = <i32>(l2 >> 32);
    lStart = <i32>l2;
  }
  if (last) {
    if (vRun >= VALUE_MIN) emit(vStart, base + len, VOUT, STATE + 16);
    if (lRun >= LONG_MIN) emit(lStart, base + len, LOUT, STATE + 20);
    vRun = 0;
    lRun = 0;
  }
  store<i32>(STATE, vRun);
  store<i32>(STATE + 4, vStart);
  store<i32>(STATE + 8, lRun);
  store<i32>(STATE + 12, lStart);
}

// Literal search, Teddy's way: which strings of a table occur in a range of memory, each found
// by four of its characters (its fingerprint, where it is rarest; a shorter string allows
// anything after its end). The strings are dealt into 8 buckets; for each of the four positions
// a table gives, per low and per high half of a byte, the buckets that have it there; 16
// positions at once, the buckets every half-byte allows are candidates, and only those are
// compared whole. The caller writes a table once per rule set. Two tables: the rules' literals
// (case-sensitive; which occur), and the rules' keywords and the words their patterns start
// with (ASCII case folded; where each occurs).

/** A table (TABLE_SIZE bytes from its address). i32 at +0: 1 when it holds strings. */
export const TABLE_SIZE: i32 = 20864;
/** Eight 16-byte tables: low and high half-byte of fingerprint characters 0 to 3. */
export const NIBBLES: i32 = 64;
/** Per bucket: first entry and entry count (i32 pairs). */
export const SPANS: i32 = 256;
/** Entries, i32 quadruples: string index, fingerprint offset in the string, length, address of its characters. */
export const ENTRIES: i32 = SPANS + 64;
/** The strings' characters (lower case in a folded table), at most TABLE_BYTES. */
export const BYTES: i32 = ENTRIES + 256 * 16;
export const TABLE_BYTES: i32 = 16384;
/** One bit per string index: found (the literal table's answer). */
export const FOUND: i32 = BYTES + TABLE_BYTES;

/** The literal table. */
export const LIT: i32 = 1496576;
/** 16 bytes: a block's candidate buckets, lane by lane. */
const LANES: i32 = LIT + TABLE_SIZE + 64;

@inline function buckets(v: v128, lo: v128, hi: v128, low: v128): v128 {
  return v128.and(i8x16.swizzle(lo, v128.and(v, low)), i8x16.swizzle(hi, i8x16.shr_u(v, 4)));
}

/** A byte with ASCII upper case folded to lower case. */
@inline function folded(c: i32): i32 {
  return c - 0x41 < 26 && c >= 0x41 ? c | 0x20 : c;
}

/**
 * Finds the strings of the table at `table` that lie whole within memory [from, to), compared
 * case-sensitively, or with ASCII case folded when `fold`, and sets their FOUND bits. Appends a
 * (text offset, string index) pair at `out` for each occurrence that ends past `fresh` (one that
 * ends before was found in the chunk before), offsets being addresses + delta; the count is at
 * `count`, and `full` is set once `max` pairs are there (the rest are not kept).
 */
function teddy(table: i32, from: i32, to: i32, fold: bool, fresh: i32, delta: i32, out: i32, max: i32, count: i32, full: i32): void {
  if (load<i32>(table) == 0) return;
  const n = table + NIBBLES;
  const lo0 = v128.load(n);
  const hi0 = v128.load(n + 16);
  const lo1 = v128.load(n + 32);
  const hi1 = v128.load(n + 48);
  const lo2 = v128.load(n + 64);
  const hi2 = v128.load(n + 80);
  const lo3 = v128.load(n + 96);
  const hi3 = v128.load(n + 112);
  const low = i8x16.splat(0x0f);
  const zero = i8x16.splat(0);
  const found = table + FOUND;
  let kept = load<i32>(count);
  for (let pos = from; pos < to; pos += 16) {
    const m = v128.and(
      v128.and(buckets(v128.load(pos), lo0, hi0, low), buckets(v128.load(pos + 1), lo1, hi1, low)),
      v128.and(buckets(v128.load(pos + 2), lo2, hi2, low), buckets(v128.load(pos + 3), lo3, hi3, low)),
    );
    let mask = i8x16.bitmask(i8x16.ne(m, zero));
    if (mask == 0) continue;
    if (to - pos < 16) mask &= (1 << (to - pos)) - 1;
    v128.store(LANES, m);
    while (mask != 0) {
      const lane = <i32>ctz(mask);
      mask &= mask - 1;
      const p = pos + lane;
      let bits = <i32>load<u8>(LANES + lane);
      while (bits != 0) {
        const b = <i32>ctz(bits);
        bits &= bits - 1;
        const first = load<i32>(table + SPANS + (b << 3));
        const last = first + load<i32>(table + SPANS + (b << 3) + 4);
        for (let e = first; e < last; e++) {
          const entry = table + ENTRIES + (e << 4);
          const index = load<i32>(entry);
          const start = p - load<i32>(entry + 4);
          const len = load<i32>(entry + 8);
          if (start < from || start + len > to) continue;
          const chars = load<i32>(entry + 12);
          let k = 0;
          if (fold) while (k < len && folded(<i32>load<u8>(start + k)) == <i32>load<u8>(chars + k)) k++;
          else while (k < len && load<u8>(start + k) == load<u8>(chars + k)) k++;
          if (k < len) continue;
          store<u8>(found + (index >> 3), <i32>load<u8>(found + (index >> 3)) | (1 << (index & 7)));
          if (start + len > fresh) {
            if (kept == max) store<i32>(full, 1);
            else {
              store<i32>(out + (kept << 3), start + delta);
              store<i32>(out + (kept << 3) + 4, index);
              kept++;
            }
          }
        }
      }
    }
  }
  store<i32>(count, kept);
}

/**
 * Sets the FOUND bit of every literal of the literal table that occurs whole within memory
 * [from, to), and appends its occurrences that end past `fresh` to LITERALS_AT (count at
 * STATE + 44; STATE + 48 set once LITERALS_AT_MAX is passed).
 */
export function literals(from: i32, to: i32, fresh: i32, delta: i32): void {
  teddy(LIT, from, to, false, fresh, delta, LITERALS_AT, LITERALS_AT_MAX, STATE + 44, STATE + 48);
}

// Escapes: for the JSON decoder, every backslash followed by `u`, `/` or another backslash (the
// ones its seed test looks at; src/detect/decoders.ts), and for the C escape decoder, whether
// `\x` or `\u{` occurs at all.

/** Their positions in the text (i32), at most ESCAPES_MAX a chunk. */
export const ESCAPES: i32 = 1517568;
export const ESCAPES_MAX: i32 = 65536;

/**
 * Looks at memory [from, to): appends to ESCAPES the text offset (address + delta) of every
 * backslash from `start` on whose next character is within the range and is `u`, `/` or a
 * backslash (count at STATE + 24; STATE + 28 set when ESCAPES_MAX is passed, and the rest are not
 * kept), and sets STATE + 32 when `\x` or `\u{` lies whole within the range.
 */
export function escapes(from: i32, to: i32, start: i32, delta: i32): void {
  const slash = i8x16.splat(0x5c);
  const u = i8x16.splat(0x75);
  let count = load<i32>(STATE + 24);
  let c = load<i32>(STATE + 32);
  for (let pos = from; pos < to; pos += 16) {
    const back = i8x16.eq(v128.load(pos), slash);
    if (!v128.any_true(back)) continue;
    const next = v128.load(pos + 1);
    const isU = i8x16.eq(next, u);
    let json = i8x16.bitmask(v128.and(back, v128.or(v128.or(isU, i8x16.eq(next, i8x16.splat(0x2f))), i8x16.eq(next, slash))));
    let x = i8x16.bitmask(v128.and(back, i8x16.eq(next, i8x16.splat(0x78))));
    let brace = i8x16.bitmask(v128.and(v128.and(back, isU), i8x16.eq(v128.load(pos + 2), i8x16.splat(0x7b))));
    // Only what lies whole within the range counts: a backslash's next character (and brace) too.
    const room = to - pos;
    if (room < 17) {
      json &= (1 << (room - 1)) - 1;
      x &= (1 << (room - 1)) - 1;
    }
    if (room < 18) brace &= room >= 2 ? (1 << (room - 2)) - 1 : 0;
    if ((x | brace) != 0) c = 1;
    if (pos + 16 <= start) json = 0;
    else if (pos < start) json &= ~((1 << (start - pos)) - 1);
    while (json != 0) {
      const p = pos + <i32>ctz(json);
      json &= json - 1;
      if (count == ESCAPES_MAX) {
        store<i32>(STATE + 28, 1);
        break;
      }
      store<i32>(ESCAPES + (count << 2), p + delta);
      count++;
    }
  }
  store<i32>(STATE + 24, count);
  store<i32>(STATE + 32, c);
}

// Words: where the rules' keywords, and the words their patterns start with, occur (ASCII case
// folded), for the keyword search and the patterns' runs (src/detect/detector.ts).

/** The word table. */
export const WORDS: i32 = ESCAPES + ESCAPES_MAX * 4;
/** Occurrences: (text offset, word index) i32 pairs, at most OCCURRENCES_MAX a chunk. */
export const OCCURRENCES: i32 = WORDS + TABLE_SIZE;
export const OCCURRENCES_MAX: i32 = 65536;

/**
 * Appends the occurrences of the word table's words within memory [from, to) that end past
 * `fresh` to OCCURRENCES (see teddy; count at STATE + 36, STATE + 40 set once OCCURRENCES_MAX is
 * passed).
 */
export function words(from: i32, to: i32, fresh: i32, delta: i32): void {
  teddy(WORDS, from, to, true, fresh, delta, OCCURRENCES, OCCURRENCES_MAX, STATE + 36, STATE + 40);
}

/**
 * Where the literals occur: (text offset, literal index) i32 pairs, at most LITERALS_AT_MAX a
 * chunk (the rules' literals are rare in code: 215 at most in a chunk of a 410 MB tree), for the
 * rules whose every match starts with one (src/detect/detector.ts).
 */
export const LITERALS_AT: i32 = OCCURRENCES + OCCURRENCES_MAX * 8;
export const LITERALS_AT_MAX: i32 = 4096;
