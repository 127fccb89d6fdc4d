import { detectFragment } from './detect/detector.js';
import type { CompiledRule } from './rules/compile.js';
import type { Finding, Fragment, ScanResult, ScanStats, SuppressedFinding, Suppression } from './types.js';

/**
 * An allow stage: says why a finding is allowed, or null. Stages are small and independent;
 * the first that answers wins and the finding is kept in `suppressed` with that reason.
 */
export type AllowStage = (finding: Finding, fragment: Fragment) => Suppression | null;

/**
 * Findings a source has already detected (worker threads do), with a context fragment holding
 * at least the finding's line and the line before it, for the allow stages.
 */
export interface Detected {
  fragment: Fragment;
  findings: Finding[];
}

/**
 * Produces the fragments of one scan, counting files, bytes and skips into `stats`. A source
 * may yield findings it detected itself (as `Detected`) instead of text to detect in, and may
 * carry a post-pass, `finish`, that scan() applies to the result once every fragment is
 * scanned (history keeps only the commit that introduced each secret), so no caller has to
 * remember it.
 */
export type FragmentSource = ((stats: ScanStats) => AsyncIterable<Fragment | Detected>) & {
  finish?: (result: ScanResult) => ScanResult;
};

export function emptyStats(): ScanStats {
  return { filesScanned: 0, bytesScanned: 0, binarySkipped: 0, skipped: [], durationMs: 0 };
}

/** Orders findings by path, line, column, rule: reports are stable run to run. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.commit ?? '').localeCompare(b.commit ?? '')
  );
}

/**
 * Told once when the scan starts and after each fragment (or batch of detected findings), with
 * the live stats object (files, bytes, commits so far; the totals where the source set them),
 * which sources keep updating in place. Must be cheap: it runs once per fragment.
 */
export type ProgressCallback = (stats: Readonly<ScanStats>) => void;

/**
 * Runs one scan: every fragment of `source` through the detector, every finding through the
 * allow stages, then the source's post-pass (`finish`) if it has one. Secrets stay in clear
 * here; redaction is the caller's job (the CLI's, or scanText's and scanPaths'). `onProgress`,
 * when given, is called at the start and after every fragment (for progress bars).
 */
export async function scan(
  source: FragmentSource,
  rules: readonly CompiledRule[],
  stages: readonly AllowStage[] = [],
  onProgress?: ProgressCallback,
): Promise<ScanResult> {
  // hrtime, not performance.now(): the global `performance` loads perf_hooks (~1 ms of every hook run).
  const started = process.hrtime.bigint();
  const stats = emptyStats();
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  onProgress?.(stats);
  for await (const item of source(stats)) {
    // The fragment the findings belong to: a stand-in view's findings are its exact text's.
    const { fragment, findings: found } = 'findings' in item ? item : detectFragment(item, rules);
    const only = fragment.reportLines && new Set(fragment.reportLines);
    for (const finding of found) {
      if (only && !only.has(finding.line)) continue;
      let by: Suppression | null = null;
      for (const stage of stages) if ((by = stage(finding, fragment))) break;
      if (by) suppressed.push({ ...finding, suppressedBy: by });
      else findings.push(finding);
    }
    onProgress?.(stats);
  }
  findings.sort(compareFindings);
  suppressed.sort(compareFindings);
  stats.durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
  const result = { findings, suppressed, stats };
  return source.finish ? source.finish(result) : result;
}
