import type { Argv } from 'yargs';
import { errorText } from '../errors.js';
import { version } from '../version.js';
import { EXIT, UsageError, type RunIO, type RunResult } from './io.js';
import { fastScanArgs } from './fastArgs.js';
import { FORMATS, SCAN_OPTIONS, scanArgsFrom, type OptionSpec } from './scanOptions.js';
import { escapeControl } from '../report/escapeControl.js';

export { version };

/** Scan options that mean nothing for `keyfence baseline` (its --output is the baseline file). */
const BASELINE_SKIPS = new Set([
  'format',
  'output',
  'report',
  'redact',
  'exit-code',
  'quiet',
  'color',
  'baseline',
  'staged',
  'commit-msg',
  'pre-push',
  'shard',
  'since-state',
  'repository',
]);

/** The options of `keyfence baseline`: the scan's, less BASELINE_SKIPS, plus its own. */
const BASELINE_OPTIONS: Record<string, OptionSpec> = {
  ...Object.fromEntries(Object.entries(SCAN_OPTIONS).filter(([name]) => !BASELINE_SKIPS.has(name))),
  output: { type: 'string', alias: 'o', describe: 'Baseline file (default: the config\'s "baseline", else .keyfence-baseline.json at the repository root)' },
  prune: { type: 'boolean', default: false, describe: 'Only drop (and list) entries that no longer match any finding' },
};

/** Declares a command's options to yargs, from the same table checkArgs reads. */
function declareOptions(y: Argv, options: Record<string, OptionSpec>): void {
  for (const [name, spec] of Object.entries(options)) y.option(name, { ...spec, choices: spec.choices ? [...spec.choices] : undefined });
}

/** The options of `keyfence merge`. */
const MERGE_OPTIONS: Record<string, OptionSpec> = {
  format: { type: 'string', alias: 'f', choices: FORMATS, default: 'text', describe: 'Report format' },
  output: { type: 'string', alias: 'o', describe: 'Write the report to this file instead of stdout' },
  quiet: { type: 'boolean', alias: 'q', default: false, describe: 'No summary line when clean' },
  color: { type: 'boolean', describe: 'Force colors on or off' },
};

/** Each command's options, for checkArgs (yargs declares the same). */
const COMMAND_OPTIONS: Record<string, Record<string, OptionSpec>> = {
  scan: SCAN_OPTIONS,
  baseline: BASELINE_OPTIONS,
  rules: { format: { type: 'string', alias: 'f', describe: '' }, config: { type: 'string', describe: '' } },
  install: { force: { type: 'boolean', describe: '' }, 'pre-push': { type: 'boolean', describe: '' } },
  uninstall: {},
  merge: MERGE_OPTIONS,
};

/** Known failures print one line and exit 2; anything else is a bug, still one line (see errorText). */
export function errorResult(err: unknown, io: RunIO): RunResult {
  // One line, and a path or value quoted from scanned data cannot drive the terminal.
  const text = errorText(err, io.env);
  const nl = text.indexOf('\n');
  return { exitCode: EXIT.error, stdout: '', stderr: `${escapeControl(text.slice(0, nl))}${text.slice(nl)}` };
}

/**
 * The whole CLI as a function: parses argv, runs the command, returns what to print and the
 * exit code. Nothing here writes to the process's streams; bin/keyfence.js does that.
 */
export async function run(argv: string[], io: RunIO): Promise<RunResult> {
  // (Not spread when argv is there: main()'s io makes the standard streams on first use, in getters.)
  if (!io.argv) io = { ...io, argv };
  try {
    // `keyfence git-secrets …` takes git-secrets' own options (git parse-options rules), not yargs'.
    if (argv[0] === 'git-secrets') return await (await import('../gitsecrets/command.js')).gitSecrets(argv.slice(1), io);
    // Git hooks' invocations skip yargs (see fastArgs.ts); everything else is parsed by it.
    const fast = fastScanArgs(argv);
    if (fast) return await (await import('./scanCommand.js')).scanCommand(fast, io);
    return await runParsed(argv, io);
  } catch (err) {
    return errorResult(err, io);
  }
}

/** The CLI with yargs parsing every argv (run() first tries the hook fast path). */
export async function runParsed(argv: string[], io: RunIO): Promise<RunResult> {
  const [{ default: yargs }, { checkArgs, checkParsed, takeRedact }] = await Promise.all([import('yargs'), import('./strictArgs.js')]);
  // yargs drops a lone "-"; carry it through as a token it keeps.
  const STDIN = '\u0000stdin';
  argv = argv.map((a) => (a === '-' ? STDIN : a));
  // Flags yargs would read loosely (--redact=50, --staged=1, a repeated --format) are checked first.
  const redaction = argv[0] === 'scan' ? takeRedact(argv) : undefined;
  if (redaction) argv = redaction.argv;
  const own = Object.hasOwn(COMMAND_OPTIONS, argv[0] ?? '') ? COMMAND_OPTIONS[argv[0]!] : undefined;
  if (own) checkArgs(argv.slice(1), own);
  let output = '';
  let command: string | undefined;
  const parser = yargs(argv)
    .scriptName('keyfence')
    .usage('$0 <command> [options]\n\nA secret scanner for git: stops commits that add AWS credentials.')
    .command(
      'scan [paths..]',
      'Scan files (default: what git would commit here), or stdin with "-"',
      (y) => {
        declareOptions(y, SCAN_OPTIONS);
        return y
          .positional('paths', { type: 'string', array: true, describe: 'Files or directories; "-" reads stdin', default: [] })
          .example('$0 scan', 'scan this repository (tracked and untracked, not ignored)')
          .example('$0 scan --no-git ~/Downloads/release', 'audit any directory')
          .example('cat app.log | $0 scan -', 'scan standard input')
          .example('$0 scan --staged', 'what the pre-commit hook runs: the lines the next commit adds')
          .example('$0 scan --history main..feature', 'the commits a branch adds (no RANGE: all refs)');
      },
      () => {
        command = 'scan';
      },
    )
    .command(
      'baseline [paths..]',
      'Record the current findings in a baseline file, so later scans with --baseline report only new ones',
      (y) => {
        declareOptions(y, BASELINE_OPTIONS);
        return y
          .positional('paths', { type: 'string', array: true, describe: 'Files or directories (default: the repository)', default: [] })
          .example('$0 baseline', "record today's findings in .keyfence-baseline.json")
          .example('$0 scan --baseline .keyfence-baseline.json', 'then: only new findings fail');
      },
      () => {
        command = 'baseline';
      },
    )
    .command(
      'merge <reports..>',
      'Merge shard reports (scan --shard K/N --format json) into one report, as one unsharded scan gives',
      (y) => {
        declareOptions(y, MERGE_OPTIONS);
        return y.positional('reports', { type: 'string', array: true, describe: 'JSON shard reports: every shard of each scan, once' });
      },
      () => {
        command = 'merge';
      },
    )
    .command(
      'rules',
      'List the rules (id, whether scans here run it, description), built-in and from the config',
      (y) =>
        y
          .option('format', { alias: 'f', choices: ['text', 'json'], default: 'text', describe: 'Output format' })
          .option('config', { type: 'string', describe: 'Config file (default: .keyfence.json at the repository root)' }),
      () => {
        command = 'rules';
      },
    )
    // Listed for --help only: run() hands `git-secrets …` over before yargs sees it.
    .command('git-secrets', 'Drop-in for awslabs/git-secrets: keyfence git-secrets --scan|--install|--register-aws|… (see keyfence git-secrets -h)')
    .command(
      'explain <target>',
      "Explain every candidate on a file's line (PATH:LINE) or in a file: the rule, and why it was reported or rejected",
      (y) =>
        y
          .positional('target', { type: 'string', describe: 'PATH, PATH:LINE or PATH:FROM-TO' })
          .option('config', { type: 'string', describe: 'Config file' })
          .option('baseline', { type: 'string', describe: 'Baseline file' }),
      () => {
        command = 'explain';
      },
    )
    .command(
      'install',
      'Install the git hooks: pre-commit (staged changes) and commit-msg (the message)',
      (y) =>
        y
          .option('force', { type: 'boolean', default: false, describe: 'Replace a hook keyfence cannot chain to (kept as <hook>.keyfence-backup)' })
          .option('pre-push', { type: 'boolean', default: false, describe: 'Also install a pre-push hook that scans the commits being pushed' }),
      () => {
        command = 'install';
      },
    )
    .command(
      'uninstall',
      'Remove what keyfence install added to the git hooks',
      (y) => y,
      () => {
        command = 'uninstall';
      },
    )
    .epilogue(
      'Exit codes: 0 clean, 1 secrets found, 2 usage or runtime error.\nReports: text, json, sarif, junit, csv, github, html (all redacted unless --no-redact).\nEvery option is described in the README.',
    )
    .demandCommand(1, 'Say what to do: keyfence scan, baseline, explain, merge, rules, install, uninstall or git-secrets (see keyfence --help)')
    .strict()
    .recommendCommands()
    .version(version())
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      // recommendCommands(): "Did you mean scan?" for a command one typo away.
      if (msg?.startsWith('Did you mean')) throw new UsageError(`unknown command "${argv[0]}"; d${msg.slice(1)}`);
      // yargs' "Not enough non-option arguments: got 0, need at least 1" says what is missing in its words, not ours.
      const usage: Record<string, string> = {
        merge: 'name the shard reports to merge: keyfence merge REPORT.json…',
        explain: 'name the file to explain: keyfence explain PATH[:LINE]',
      };
      if (msg?.startsWith('Not enough non-option arguments') && Object.hasOwn(usage, argv[0] ?? '')) throw new UsageError(`${argv[0]}: ${usage[argv[0]!]}`);
      throw new UsageError((msg ?? err?.message ?? 'invalid arguments').replace(/\s*\n\s*/g, ' ')); // one line
    });
  const args = await parser.parse(argv, {}, (_err, _argv, out) => {
    output = out;
  });
  if (own) checkParsed(args as Record<string, unknown>, own);
  if (output || !command) return { exitCode: EXIT.clean, stdout: output ? `${output}\n` : '', stderr: '' };
  switch (command) {
    case 'scan': {
      const scanArgs = scanArgsFrom({ ...(args as unknown as Record<string, unknown>), redact: redaction!.redact });
      if (redaction!.percent !== undefined) scanArgs.redactPercent = redaction!.percent;
      scanArgs.paths = scanArgs.paths.map((p) => (p === STDIN ? '-' : p));
      if (!Number.isFinite(scanArgs.maxFileSize) || scanArgs.maxFileSize <= 0) throw new UsageError('--max-file-size must be a positive number of bytes');
      if (scanArgs.exitCode !== undefined && !(Number.isInteger(scanArgs.exitCode) && scanArgs.exitCode >= 0 && scanArgs.exitCode <= 255)) {
        throw new UsageError('--exit-code must be a whole number from 0 to 255');
      }
      return (await import('./scanCommand.js')).scanCommand(scanArgs, io);
    }
    case 'baseline': {
      const scanArgs = scanArgsFrom(args as unknown as Record<string, unknown>);
      const { baselineCommand } = await import('./baselineCommand.js');
      return baselineCommand(
        { ...scanArgs, output: undefined },
        { output: (args as { output?: string }).output, prune: Boolean((args as { prune?: boolean }).prune) },
        io,
      );
    }
    case 'merge':
      return (await import('./mergeCommand.js')).mergeCommand(args as unknown as import('./mergeCommand.js').MergeArgs, io);
    case 'rules':
      return (await import('./rulesCommand.js')).rulesCommand((args as unknown as { format: string }).format, io, (args as { config?: string }).config);
    case 'explain':
      return (await import('./explainCommand.js')).explainCommand(String(args.target), io, args as { config?: string; baseline?: string });
    case 'install':
      return (await import('./install.js')).installCommand(args as unknown as { force: boolean; prePush: boolean }, io);
    case 'uninstall':
      return (await import('./install.js')).uninstallCommand(io);
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}
