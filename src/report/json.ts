import type { ScanResult } from '../types.js';
import { jsonChunks } from './jsonChunks.js';

/** The JSON report in pieces (one per finding); jsonReport joins them. */
export function* jsonReportChunks(result: ScanResult): Generator<string> {
  const { findings, suppressed, stats, shard } = result;
  yield* jsonChunks({ findings, suppressed, stats, ...(shard ? { shard } : {}) }, { findings, suppressed });
  yield '\n';
}

/**
 * `{"findings": [...], "suppressed": [...], "stats": {...}}`, pretty-printed, one trailing
 * newline; a shard's report (`scan --shard`) adds `"shard": {...}` (see ShardInfo).
 */
export function jsonReport(result: ScanResult): string {
  return [...jsonReportChunks(result)].join('');
}
