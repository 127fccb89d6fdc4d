import type { ScanResult } from '../types.js';
import { jsonChunks } from './jsonChunks.js';

/** The JSON report in pieces (one per finding); jsonReport joins them. */
export function* jsonReportChunks(result: ScanResult): Generator<string> {
  const { findings, suppressed, stats } = result;
  yield* jsonChunks({ findings, suppressed, stats }, { findings, suppressed });
  yield '\n';
}

/** `{"findings": [...], "suppressed": [...], "stats": {...}}`, pretty-printed, one trailing newline. */
export function jsonReport(result: ScanResult): string {
  return [...jsonReportChunks(result)].join('');
}
