import { UsageError } from './io.js';

/**
 * The `scan` command's options: the one table both the yargs parser (src/cli/run.ts) and the
 * hook fast path (src/cli/fastArgs.ts) read, so both always agree.
 */
export interface ScanArgs {
  paths: string[];
  git: boolean;
  format: string;
  output?: string;
  redact: boolean;
  maxFileSize: number;
  quiet: boolean;
  color?: boolean;
  /** Scan the lines the next commit adds (the index), as the pre-commit hook does. */
  staged: boolean;
  /** Scan history: a revision range, "" for all refs; undefined when not a history scan. */
  history?: string;
  since?: string;
  until?: string;
  branch?: string;
  /** Scan this commit message file (the commit-msg hook). */
  commitMsg?: string;
  /** Scan the commits being pushed to this remote, refs read from stdin (the pre-push hook). */
  prePush?: string;
  /** --config FILE: the config to use instead of .keyfence.json at the repo (or scan) root. */
  config?: string;
  /** --baseline FILE: findings recorded in it are allowed. */
  baseline?: string;
  /** false with --no-inline-allow: inline allow comments are ignored (and what they hid reported). */
  inlineAllow?: boolean;
  /** --only PROVIDER[,PROVIDER]: as given, once (a string) or repeated (yargs: an array); see onlyProviders. */
  only?: string | string[];
}

export const FORMATS = ['text', 'json', 'sarif', 'junit', 'csv', 'github', 'html'] as const;

export const DEFAULT_MAX_FILE_SIZE = 25 * 1024 * 1024;

export interface OptionSpec {
  type: 'boolean' | 'string' | 'number';
  describe: string;
  default?: unknown;
  alias?: string;
  choices?: readonly string[];
  /** Handled by the fast path too (only simple options used by git hooks are). */
  fast?: boolean;
}

export const SCAN_OPTIONS: Record<string, OptionSpec> = {
  git: { type: 'boolean', default: true, describe: 'Inside a git work tree, scan what git would commit (--no-git: every file under the paths)' },
  format: { type: 'string', alias: 'f', default: 'text', choices: FORMATS, describe: 'Report format: text for people, json, sarif (code scanning), junit (CI test tabs), csv, github (PR annotations), html (audit page)', fast: true },
  output: { type: 'string', alias: 'o', describe: 'Write the report to this file instead of stdout', fast: true },
  redact: { type: 'boolean', default: true, describe: 'Redact secrets in every report (--no-redact shows them)' },
  'max-file-size': { type: 'number', default: DEFAULT_MAX_FILE_SIZE, describe: 'Skip files larger than this many bytes (with a note)' },
  quiet: { type: 'boolean', alias: 'q', default: false, describe: 'Print only findings and errors: no summary when clean, no notes', fast: true },
  color: { type: 'boolean', describe: 'Force colors on or off (default: on a TTY, unless NO_COLOR is set)', fast: true },
  staged: { type: 'boolean', default: false, describe: 'Scan only the lines the next commit adds (the index), as the pre-commit hook does', fast: true },
  history: { type: 'string', describe: 'Scan git history: every commit reachable from any ref, or RANGE (e.g. main..feature)', fast: true },
  since: { type: 'string', describe: 'With --history: only commits more recent than this date (passed to git log --since)', fast: true },
  until: { type: 'string', describe: 'With --history: only commits older than this date (passed to git log --until)', fast: true },
  branch: { type: 'string', describe: 'With --history: walk this branch (or revision) instead of all refs', fast: true },
  'commit-msg': { type: 'string', describe: 'Scan this commit message file, comment lines skipped (the commit-msg hook)', fast: true },
  'pre-push': { type: 'string', describe: 'Scan the commits being pushed to REMOTE, refs read from stdin (the pre-push hook)', fast: true },
  config: { type: 'string', describe: 'Config file (default: .keyfence.json at the repository root, or the scan root outside git)', fast: true },
  baseline: { type: 'string', describe: 'Baseline file (written by keyfence baseline): findings recorded in it are allowed', fast: true },
  only: { type: 'string', describe: 'Run only the rules of these providers (see keyfence rules): --only aws for git-secrets\' scope; repeat it or separate with commas', fast: true },
  'inline-allow': { type: 'boolean', default: true, describe: 'Honour keyfence:allow / pragma: allowlist secret comments (--no-inline-allow reports what they hide)' },
};

/** The ScanArgs key of an option: `max-file-size` → `maxFileSize` (as yargs camel-cases). */
export const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** ScanArgs from parsed options (yargs' or the fast path's): every SCAN_OPTIONS entry plus paths. */
export function scanArgsFrom(parsed: Record<string, unknown>): ScanArgs {
  const args: Record<string, unknown> = { paths: (parsed.paths as string[] | undefined) ?? [] };
  for (const name of Object.keys(SCAN_OPTIONS)) {
    const key = camel(name);
    if (parsed[key] !== undefined) args[key] = parsed[key];
    else if (SCAN_OPTIONS[name]!.default !== undefined) args[key] = SCAN_OPTIONS[name]!.default;
  }
  return args as unknown as ScanArgs;
}

/**
 * The providers --only names: every occurrence, split at commas, trimmed, deduplicated;
 * undefined without --only. Throws UsageError for an --only that names none.
 */
export function onlyProviders(only: string | string[] | undefined): string[] | undefined {
  if (only === undefined) return undefined;
  const names = [...new Set((Array.isArray(only) ? only : [only]).flatMap((o) => String(o).split(',')).map((p) => p.trim()).filter(Boolean))];
  if (names.length === 0) throw new UsageError('--only needs a provider name (see keyfence rules), e.g. --only aws');
  return names;
}
