import type { Finding, ScanResult } from '../types.js';
import { sinkChunks, type ReportSink } from './sink.js';

/** The JSON report in pieces (one per finding); jsonReport joins them. */
export function jsonReportChunks(result: ScanResult): Generator<string> {
  return sinkChunks(jsonSink(), result);
}

/** `JSON.stringify(value, null, 2)` as it reads nested `depth` levels deep. */
const nested = (value: unknown, depth: number) => JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);

/**
 * The JSON report as a sink (see ReportSink): each finding is written as it comes, then the
 * suppressed ones, then stats (and a shard's facts) at the end; the text is exactly
 * `JSON.stringify({findings, suppressed, stats, shard?}, null, 2)` and a newline.
 */
export function jsonSink(): ReportSink {
  let state: 'findings' | 'suppressed' = 'findings';
  let count = 0;
  const item = (f: Finding) => `${count++ ? ',\n' : '[\n'}    ${nested(f, 2)}`;
  const close = () => (count ? '\n  ]' : '[]');
  return {
    begin: () => ['{\n  "findings": '],
    finding: (f) => [item(f)],
    suppressed: (f) => {
      const head = state === 'findings' ? `${close()},\n  "suppressed": ` : '';
      if (state === 'findings') [state, count] = ['suppressed', 0];
      return [head + item(f)];
    },
    end: ({ stats, shard }) => {
      const rest = state === 'findings' ? `${close()},\n  "suppressed": []` : close();
      return [`${rest},\n  "stats": ${nested(stats, 1)}${shard ? `,\n  "shard": ${nested(shard, 1)}` : ''}\n}\n`];
    },
  };
}

/**
 * `{"findings": [...], "suppressed": [...], "stats": {...}}`, pretty-printed, one trailing
 * newline; a shard's report (`scan --shard`) adds `"shard": {...}` (see ShardInfo).
 */
export function jsonReport(result: ScanResult): string {
  return [...jsonReportChunks(result)].join('');
}
