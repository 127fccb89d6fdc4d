import type { ScanResult } from '../types.js';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** "1 commit", "2 commits": a count with its noun, plural unless it is exactly 1. */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Findings (or baseline entries) counted per rule id, in rule-id order. */
export function countsByRule(items: readonly { ruleId: string }[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const f of items) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)); // byte order: same in every locale
}

/**
 * One line: "3 findings (aws-access-key-id: 2, …) in 120 files (1.2 MB, 35 ms); 1 suppressed".
 * With `baseline` (the baseline file applied, as shown to the user), also
 * "; baseline .keyfence-baseline.json applied: 2 allowed".
 */
export function summaryLine(result: ScanResult, baseline?: string): string {
  const { findings, suppressed, stats } = result;
  const n = findings.length;
  const rules = countsByRule(findings)
    .map(([id, c]) => `${id}: ${c}`)
    .join(', ');
  const what = n === 0 ? 'no findings' : `${n} finding${n === 1 ? '' : 's'} (${rules})`;
  const commits = stats.commitsScanned !== undefined ? `${counted(stats.commitsScanned, 'commit')}, ` : '';
  let line = `keyfence: ${what} in ${commits}${counted(stats.filesScanned, 'file')} (${formatBytes(stats.bytesScanned)}, ${stats.durationMs} ms)`;
  if (suppressed.length) line += `; ${suppressed.length} suppressed`;
  if (baseline !== undefined) line += `; baseline ${baseline} applied: ${suppressed.filter((f) => f.suppressedBy.stage === 'baseline').length} allowed`;
  if (stats.binarySkipped) line += `; ${stats.binarySkipped} binary skipped`;
  if (stats.skipped.length) line += `; ${stats.skipped.length} skipped`;
  return line;
}
