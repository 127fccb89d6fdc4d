import type { ScanResult } from '../types.js';

/**
 * `{"findings": [...], "suppressed": [...], "stats": {...}}`, pretty-printed, one trailing
 * newline; a shard's report (`scan --shard`) adds `"shard": {...}` (see ShardInfo).
 */
export function jsonReport(result: ScanResult): string {
  const shard = result.shard ? { shard: result.shard } : {};
  return `${JSON.stringify({ findings: result.findings, suppressed: result.suppressed, stats: result.stats, ...shard }, null, 2)}\n`;
}
