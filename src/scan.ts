import { detect } from './detect/detector.js';
import type { CompiledRule } from './rules/compile.js';
import type { Finding, Fragment, ScanResult, ScanStats, SuppressedFinding, Suppression } from './types.js';

/**
 * An allow stage: says why a finding is allowed, or null. Stages are small and independent;
 * the first that answers wins and the finding is kept in `suppressed` with that reason.
 */
export type AllowStage = (finding: Finding, fragment: Fragment) => Suppression | null;

/** Produces the fragments of one scan, counting files, bytes and skips into `stats`. */
export type FragmentSource = (stats: ScanStats) => AsyncIterable<Fragment>;

export function emptyStats(): ScanStats {
  return { filesScanned: 0, bytesScanned: 0, binarySkipped: 0, skipped: [], durationMs: 0 };
}

/** Orders findings by path, line, column, rule: reports are stable run to run. */
export function compareFindings(a: Finding, b: Finding): number {
  return (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) || (a.commit ?? '').localeCompare(b.commit ?? '');
}

/**
 * Told after each fragment is scanned, with the live stats (files, bytes, commits so far; the
 * totals where the source set them). Must be cheap: it runs once per fragment.
 */
export type ProgressCallback = (stats: Readonly<ScanStats>) => void;

/**
 * Runs one scan: every fragment of `source` through the detector, every finding through the
 * allow stages. Secrets stay in clear here; redaction is the CLI's job. `onProgress`, when
 * given, is called after every fragment (for progress bars).
 */
export async function scan(source: FragmentSource, rules: readonly CompiledRule[], stages: readonly AllowStage[] = [], onProgress?: ProgressCallback): Promise<ScanResult> {
  const started = performance.now();
  const stats = emptyStats();
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for await (const fragment of source(stats)) {
    for (const finding of detect(fragment, rules)) {
      let by: Suppression | null = null;
      for (const stage of stages) if ((by = stage(finding, fragment))) break;
      if (by) suppressed.push({ ...finding, suppressedBy: by });
      else findings.push(finding);
    }
    onProgress?.(stats);
  }
  findings.sort(compareFindings);
  suppressed.sort(compareFindings);
  stats.durationMs = Math.round(performance.now() - started);
  return { findings, suppressed, stats };
}
