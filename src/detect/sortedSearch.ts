/**
 * Index of the last element of the ascending `sorted[0..last]` that is <= `x` (0 when none
 * is): the segment or line an offset falls in, given the segments' or lines' start offsets.
 */
export function lastAtOrBelow(sorted: readonly number[], x: number, last = sorted.length - 1): number {
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Index of the first element of the ascending `sorted` that is >= `x` (its length when none is). */
export function firstAtOrAbove(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
