import type { ScanResult } from '../types.js';

/** `{"findings": [...], "suppressed": [...], "stats": {...}}`, pretty-printed, one trailing newline. */
export function jsonReport(result: ScanResult): string {
  return `${JSON.stringify({ findings: result.findings, suppressed: result.suppressed, stats: result.stats }, null, 2)}\n`;
}
