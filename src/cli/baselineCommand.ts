import path from 'node:path';
import { baselineOf, pruneBaseline, readBaselineFile, serializeBaseline, withEntries, type BaselineEntry } from '../baseline/baseline.js';
import { DEFAULT_BASELINE_NAME } from '../config/configuredPlan.js';
import { displayPath } from '../config/loadConfig.js';
import { escapeControl } from '../report/escapeControl.js';
import { scan } from '../scan.js';
import { EXIT, UsageError, type RunIO, type RunResult } from './io.js';
import { chooseSource, planScan, statsNotes } from './scanCommand.js';
import type { ScanArgs } from './scanOptions.js';
import { countsByRule } from '../report/summary.js';

/** The default baseline file name, at the repository root (or the scan root outside git). */
export const DEFAULT_BASELINE = DEFAULT_BASELINE_NAME;

export interface BaselineOptions {
  /** --output FILE (relative to cwd). */
  output?: string;
  /** --prune: drop and list stale entries instead of recording findings. */
  prune: boolean;
}

function countByRule(entries: BaselineEntry[]): string {
  return countsByRule(entries)
    .map(([id, n]) => `${id}: ${n}`)
    .join(', ');
}

/**
 * `keyfence baseline [PATH…] [--history] [--output FILE] [--prune]`. Scans exactly as
 * `keyfence scan` would (same config, allowlists and source selection; no baseline applied)
 * and writes the unsuppressed findings' baseline to the file: the config's `baseline`, else
 * .keyfence-baseline.json at the root, or --output. With --prune, records nothing new: drops
 * the entries no finding matches any more and lists them. Exit 0 unless something failed (2).
 */
export async function baselineCommand(args: ScanArgs, opts: BaselineOptions, io: RunIO): Promise<RunResult> {
  if (args.paths.length === 1 && args.paths[0] === '-') throw new UsageError('baseline scans files, not standard input');
  // Exactly the scan command's plan (config, allowlists, git-secrets setup), without the baseline.
  const plan = await planScan(args, io, false);
  const file = opts.output !== undefined ? path.resolve(io.cwd, opts.output) : (plan.baselineFile ?? path.join(plan.location.root, DEFAULT_BASELINE));
  const shown = displayPath(file, io.cwd);
  const previous = opts.prune ? readBaselineFile(file, shown, true) : undefined;

  // Exactly the scan command's source (scan() applies its post-pass, e.g. history dedupe).
  const result = await scan(chooseSource(args, io, plan), plan.rules, plan.stages);
  const stderr = statsNotes(result);

  let text: string;
  let stdout: string;
  if (previous) {
    const { kept, stale } = pruneBaseline(previous, [...result.findings, ...result.suppressed]);
    text = serializeBaseline(withEntries(previous, kept));
    stdout = stale.map((e) => escapeControl(`stale  ${e.path}  ${e.ruleId}  ${e.redactedSecret}  ${e.fingerprint}`) + '\n').join('');
    stdout += `keyfence: ${stale.length ? `pruned ${stale.length} of ${previous.entries.length} entries (no longer found) from` : `all ${kept.length} entries still match in`} ${shown}\n`;
  } else {
    const baseline = baselineOf(result.findings);
    text = serializeBaseline(baseline);
    const n = baseline.entries.length;
    stdout = `keyfence: wrote ${n} ${n === 1 ? 'entry' : 'entries'} to ${shown}${n ? ` (${countByRule(baseline.entries)})` : ''}\n`;
  }
  // --output may name any path; the config's "baseline" and the default stay inside the repository.
  const { writeFileSafely } = await import('../io/writeFileSafely.js');
  try {
    await writeFileSafely(file, text, opts.output !== undefined ? { root: io.cwd, named: true } : { root: plan.location.root });
  } catch (err) {
    throw new UsageError(`cannot write baseline to ${shown}: ${(err as Error).message}`);
  }
  return { exitCode: EXIT.clean, stdout, stderr };
}
