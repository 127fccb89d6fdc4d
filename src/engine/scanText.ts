import type { RuleSpec } from '../rules/spec.js';
import { scan, type FragmentSource } from '../scan.js';
import type { ScanResult } from '../types.js';
import { planScan } from './plan.js';

/** What scanText and scanPaths share: how the scan is planned and what the result shows. */
export interface LibraryScanOptions {
  /** Directory that paths, `config` and `baseline` resolve against, and where the config is looked for. Default: process.cwd(). */
  cwd?: string;
  /** Environment for reading the repository's git-secrets setup (`git config`). Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** A config file to use instead of .keyfence.json at the repository root (the CLI's --config). */
  config?: string;
  /** A baseline file whose findings are allowed (--baseline); default: the config's `baseline`. */
  baseline?: string;
  /** false: inline allow comments allow nothing (--no-inline-allow). Default true. */
  inlineAllow?: boolean;
  /** false: git is not used (--no-git): no git-secrets setup, and scanPaths walks the file system. Default true. */
  git?: boolean;
  /**
   * true (the default, as the CLI): every secret in the result, in findings and suppressed
   * findings, their excerpts and commit subjects, is replaced by its redaction (first
   * characters and "…(redacted)"). false: secrets in clear (--no-redact).
   */
  redact?: boolean;
}

export interface ScanTextOptions extends LibraryScanOptions {
  /**
   * Where the text is reported, relative to `cwd` with "/" separators (as a tree scan reports
   * the file: path allowlists match it). The config is looked for from the file's directory,
   * as for a scan of that file (the file need not exist).
   */
  path: string;
}

/**
 * Runs the source `source(rules)` gives with the plan `options` and `paths` give (config, allowlists, baseline, inline
 * comments, git-secrets setup) and redacts the result unless `redact` is false. The plan's
 * notes (what --no-inline-allow reports) are appended to `stats.notes`.
 */
export async function scanWithPlan(source: (rules: RuleSpec[]) => FragmentSource, paths: readonly string[], options: LibraryScanOptions): Promise<ScanResult> {
  const cwd = options.cwd ?? process.cwd();
  const plan = await planScan({
    cwd,
    env: options.env,
    paths,
    config: options.config,
    baseline: options.baseline,
    inlineAllow: options.inlineAllow,
    git: options.git,
  });
  const result = await scan(source(plan.rules.map((r) => r.spec)), plan.rules, plan.stages);
  const notes = plan.notes();
  if (notes.length) result.stats.notes = [...(result.stats.notes ?? []), ...notes];
  if (options.redact === false) return result;
  const { redactResult } = await import('../report/redact.js');
  return redactResult(result);
}

/**
 * Scans `text` as the content of the file at `options.path`: the rules, allowlists, inline
 * allow comments, baseline and git-secrets setup a `keyfence scan` of that file would apply.
 * Resolves to every finding and every suppressed finding (with why it was allowed), sorted by
 * line and column, redacted unless `redact: false`. Rejects with ConfigError or RuleError for an
 * invalid config. Nothing is written and no file is read but the config, baseline and
 * .gitallowed.
 */
export function scanText(text: string, options: ScanTextOptions): Promise<ScanResult> {
  const source: FragmentSource = async function* (stats) {
    stats.filesScanned++;
    stats.bytesScanned += Buffer.byteLength(text);
    stats.filesTotal = 1;
    yield { text, path: options.path, startLine: 1 };
  };
  return scanWithPlan(() => source, [options.path], options);
}
