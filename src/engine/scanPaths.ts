import type { ScanResult } from '../types.js';
import { DEFAULT_MAX_FILE_SIZE } from './defaults.js';
import { scanWithPlan, type LibraryScanOptions } from './scanText.js';

export interface ScanPathsOptions extends LibraryScanOptions {
  /** Files larger than this many bytes are skipped, with an entry in `stats.skipped`. Default 25 MiB. */
  maxFileSize?: number;
}

/**
 * Scans files and directories as `keyfence scan PATH…` does: inside a git work tree the files
 * git would commit (unless `git: false`), else every file under the paths; binary files
 * skipped; large trees spread over worker threads. Paths are relative to `cwd` (none: `cwd`);
 * findings' paths are relative to the repository root (or the scan root outside git). Resolves
 * to the findings and suppressed findings, redacted unless `redact: false`. Rejects with
 * InputError for a path that does not exist, ConfigError or RuleError for an invalid config.
 */
export function scanPaths(paths: readonly string[], options: ScanPathsOptions = {}): Promise<ScanResult> {
  const cwd = options.cwd ?? process.cwd();
  const tree = { paths: [...paths], cwd, noGit: options.git === false, maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE };
  return scanWithPlan(
    (specs) =>
      async function* (stats) {
        const { treeFragments } = await import('../sources/tree.js');
        yield* treeFragments(tree, stats, specs);
      },
    paths,
    options,
  );
}
