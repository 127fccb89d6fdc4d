import { DEFAULT_MAX_FILE_SIZE } from '../engine/defaults.js';
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
  /** True unless --no-redact / --redact=0: secrets are redacted in every report. */
  redact: boolean;
  /**
   * --redact=PERCENT (gitleaks' spelling): how much of each secret is hidden, 1–100; undefined
   * for the default redaction (the first 4 characters of a 20+ character secret shown).
   */
  redactPercent?: number;
  /** --exit-code N: the exit code when anything is found (default 1). */
  exitCode?: number;
  /** --report FORMAT[:PATH], as given (repeatable): more reports from the same scan. */
  report?: string[];
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
  /** --verify: ask AWS STS whether each AWS key pair found works (never by default). */
  verify?: boolean;
  /** --only-verified: report only findings whose pair STS accepted (implies --verify). */
  onlyVerified?: boolean;
  /** --shard K/N: scan only shard K of N (a run of the commits, files by path hash), for `keyfence merge`. */
  shard?: string;
  /** --since-state FILE: with --history, scan only commits new since the tips recorded in FILE. */
  sinceState?: string;
  /** --repository NAME: the repository's name in a shard report. */
  repository?: string;
  /** --only PROVIDER[,PROVIDER]: as given, once (a string) or repeated (yargs: an array); see onlyProviders. */
  only?: string | string[];
}

export const FORMATS = ['text', 'json', 'sarif', 'junit', 'csv', 'github', 'html'] as const;

export { DEFAULT_MAX_FILE_SIZE };

export interface OptionSpec {
  type: 'boolean' | 'string' | 'number';
  describe: string;
  default?: unknown;
  alias?: string;
  choices?: readonly string[];
  /** Handled by the fast path too (only simple options used by git hooks are). */
  fast?: boolean;
  /** May be given more than once (each occurrence adds a value); others are a usage error when repeated. */
  repeatable?: boolean;
}

export const SCAN_OPTIONS: Record<string, OptionSpec> = {
  git: { type: 'boolean', default: true, describe: 'Inside a git work tree, scan what git would commit (--no-git: every file under the paths)' },
  format: {
    type: 'string',
    alias: 'f',
    choices: FORMATS,
    describe:
      "Report format: text for people, json, sarif (code scanning), junit (CI test tabs), csv, github (PR annotations), html (audit page). Default: from the --output file's extension (.json .sarif .xml .csv .html), else text",
    fast: true,
  },
  output: { type: 'string', alias: 'o', describe: 'Write the report to this file instead of stdout', fast: true },
  report: { type: 'string', repeatable: true, describe: 'Also write FORMAT to PATH (stdout without :PATH) from the same scan; repeat for several reports' },
  redact: {
    type: 'string',
    describe:
      '--redact=PERCENT: how much of each secret to hide, 1-100 (--redact alone: 100). Default: the first 4 characters of a long secret shown. Only --no-redact or --redact=0 shows secrets in clear',
  },
  'exit-code': { type: 'number', describe: 'Exit code when anything is found (default 1; 0 to report without failing)' },
  'max-file-size': { type: 'number', default: DEFAULT_MAX_FILE_SIZE, describe: 'Skip files larger than this many bytes (with a note)' },
  quiet: { type: 'boolean', alias: 'q', default: false, describe: 'Print only findings and errors: no summary when clean, no notes', fast: true },
  color: { type: 'boolean', describe: 'Force colors on or off (default: on a TTY, unless NO_COLOR is set)', fast: true },
  staged: { type: 'boolean', default: false, describe: 'Scan only the lines the next commit adds (the index), as the pre-commit hook does', fast: true },
  history: { type: 'string', describe: 'Scan git history: every commit reachable from any ref, or RANGE (e.g. main..feature)', fast: true },
  since: { type: 'string', describe: 'With --history: only commits more recent than this date (passed to git log --since)', fast: true },
  until: { type: 'string', describe: 'With --history: only commits older than this date (passed to git log --until)', fast: true },
  branch: { type: 'string', describe: 'With --history: walk this branch (or revision) instead of all refs', fast: true },
  'commit-msg': {
    type: 'string',
    describe: 'Scan this commit message file, every line (# lines too; not the diff of git commit -v): the commit-msg hook',
    fast: true,
  },
  'pre-push': { type: 'string', describe: 'Scan the commits being pushed to REMOTE, refs read from stdin (the pre-push hook)', fast: true },
  config: { type: 'string', describe: 'Config file (default: .keyfence.json at the repository root, or the scan root outside git)', fast: true },
  baseline: {
    type: 'string',
    describe:
      'Baseline file (written by keyfence baseline): findings recorded in it are allowed (default: the config\'s "baseline", else .keyfence-baseline.json at the root when it exists)',
    fast: true,
  },
  shard: {
    type: 'string',
    describe: 'Scan only shard K of N (K/N): --history commits in N runs of the history, tree files by path hash; merge the JSON reports with keyfence merge',
    fast: true,
  },
  'since-state': {
    type: 'string',
    describe: 'With --history: scan only the commits new since the ref tips recorded in FILE, then record the tips (a rewritten ref is scanned in full)',
    fast: true,
  },
  repository: { type: 'string', describe: "The repository's name in a --shard report (default: the repository directory's name)", fast: true },
  only: {
    type: 'string',
    repeatable: true,
    describe: "Run only the rules of these providers (see keyfence rules): --only aws for git-secrets' scope; repeat it or separate with commas",
    fast: true,
  },
  'inline-allow': {
    type: 'boolean',
    default: true,
    describe: 'Honour keyfence:allow / pragma: allowlist secret comments (--no-inline-allow reports what they hide)',
  },
  verify: {
    type: 'boolean',
    default: false,
    describe: 'Ask AWS STS (GetCallerIdentity, signed: the secret is never sent) whether each AWS key pair found is live, and whose it is',
  },
  'only-verified': {
    type: 'boolean',
    default: false,
    describe: 'Report only findings whose AWS key pair STS accepted (implies --verify; the exit code is unchanged)',
  },
};

/** The ScanArgs key of an option: `max-file-size` → `maxFileSize` (as yargs camel-cases). */
export const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The report format an output file's name asks for: `.sarif` → sarif, …; undefined for any other name. */
export function formatFromPath(file: string | undefined): string | undefined {
  const m = /\.(sarif|json|xml|csv|html?|txt)$/i.exec(file ?? '');
  if (!m) return undefined;
  const ext = m[1]!.toLowerCase();
  if (/\.sarif\.json$/i.test(file!)) return 'sarif';
  return ({ sarif: 'sarif', json: 'json', xml: 'junit', csv: 'csv', html: 'html', htm: 'html', txt: 'text' } as Record<string, string>)[ext];
}

/**
 * ScanArgs from parsed options (yargs' or the fast path's): every SCAN_OPTIONS entry plus paths.
 * `--format` defaults to what the `--output` file's extension names, else text; redaction is on
 * unless the caller (takeRedact) says otherwise.
 */
export function scanArgsFrom(parsed: Record<string, unknown>): ScanArgs {
  const args: Record<string, unknown> = { paths: (parsed.paths as string[] | undefined) ?? [] };
  for (const name of Object.keys(SCAN_OPTIONS)) {
    const key = camel(name);
    if (parsed[key] !== undefined) args[key] = parsed[key];
    else if (SCAN_OPTIONS[name]!.default !== undefined) args[key] = SCAN_OPTIONS[name]!.default;
  }
  args.format ??= formatFromPath(args.output as string | undefined) ?? 'text';
  args.redact ??= true;
  if (typeof args.report === 'string') args.report = [args.report];
  return args as unknown as ScanArgs;
}

/**
 * The providers --only names: every occurrence, split at commas, trimmed, deduplicated;
 * undefined without --only. Throws UsageError for an --only that names none.
 */
export function onlyProviders(only: string | string[] | undefined): string[] | undefined {
  if (only === undefined) return undefined;
  const names = [
    ...new Set(
      (Array.isArray(only) ? only : [only])
        .flatMap((o) => String(o).split(','))
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  ];
  if (names.length === 0) throw new UsageError('--only needs a provider name (see keyfence rules), e.g. --only aws');
  return names;
}
