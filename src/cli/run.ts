import { readFileSync } from 'node:fs';
import { EXIT, UsageError, type RunIO, type RunResult } from './io.js';
import { fastScanArgs } from './fastArgs.js';
import { SCAN_OPTIONS, scanArgsFrom } from './scanOptions.js';

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Scan options that mean nothing for `keyfence baseline` (its --output is the baseline file). */
const BASELINE_SKIPS = new Set(['format', 'output', 'redact', 'quiet', 'color', 'baseline', 'staged', 'commit-msg', 'pre-push']);

/**
 * Known failures print one line and exit 2; anything else is a bug, still one line. A message
 * that spans lines (JSON.parse quotes the text it choked on) is joined into one.
 */
export function errorResult(err: unknown, io: RunIO): RunResult {
  const e = err as Error;
  const known = ['UsageError', 'InputError', 'RuleError', 'GitError', 'ConfigError'].includes(e?.name);
  const message = (known ? e.message : `internal error: ${e?.message ?? String(err)}`).replace(/\s*\n\s*/g, ' ').trim();
  const stack = io.env.KEYFENCE_DEBUG && e?.stack ? `${e.stack}\n` : '';
  return { exitCode: EXIT.error, stdout: '', stderr: `keyfence: ${message}\n${stack}` };
}

/**
 * The whole CLI as a function: parses argv, runs the command, returns what to print and the
 * exit code. Nothing here writes to the process's streams; bin/keyfence.js does that.
 */
export async function run(argv: string[], io: RunIO): Promise<RunResult> {
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
  const { default: yargs } = await import('yargs');
  // yargs drops a lone "-"; carry it through as a token it keeps.
  const STDIN = '\u0000stdin';
  argv = argv.map((a) => (a === '-' ? STDIN : a));
  let output = '';
  let command: string | undefined;
  const parser = yargs(argv)
    .scriptName('keyfence')
    .usage('$0 <command> [options]\n\nA secret scanner for git: stops commits that add AWS credentials.')
    .command('scan [paths..]', 'Scan files (default: what git would commit here), or stdin with "-"', (y) => {
      for (const [name, spec] of Object.entries(SCAN_OPTIONS)) y.option(name, { ...spec, choices: spec.choices ? [...spec.choices] : undefined });
      return y
        .positional('paths', { type: 'string', array: true, describe: 'Files or directories; "-" reads stdin', default: [] })
        .example('$0 scan', 'scan this repository (tracked and untracked, not ignored)')
        .example('$0 scan --no-git ~/Downloads/release', 'audit any directory')
        .example('cat app.log | $0 scan -', 'scan standard input')
        .example('$0 scan --staged', 'what the pre-commit hook runs: the lines the next commit adds')
        .example('$0 scan --history main..feature', 'the commits a branch adds (no RANGE: all refs)');
    }, () => { command = 'scan'; })
    .command('baseline [paths..]', 'Record the current findings in a baseline file, so later scans with --baseline report only new ones', (y) => {
      for (const [name, spec] of Object.entries(SCAN_OPTIONS)) {
        if (!BASELINE_SKIPS.has(name)) y.option(name, { ...spec, choices: spec.choices ? [...spec.choices] : undefined });
      }
      return y
        .positional('paths', { type: 'string', array: true, describe: 'Files or directories (default: the repository)', default: [] })
        .option('output', { alias: 'o', type: 'string', describe: 'Baseline file (default: the config\'s "baseline", else .keyfence-baseline.json at the repository root)' })
        .option('prune', { type: 'boolean', default: false, describe: 'Only drop (and list) entries that no longer match any finding' })
        .example('$0 baseline', 'record today\'s findings in .keyfence-baseline.json')
        .example('$0 scan --baseline .keyfence-baseline.json', 'then: only new findings fail');
    }, () => { command = 'baseline'; })
    .command('rules', 'List the rules (id, whether scans here run it, description), built-in and from the config', (y) =>
      y.option('format', { alias: 'f', choices: ['text', 'json'], default: 'text', describe: 'Output format' })
        .option('config', { type: 'string', describe: 'Config file (default: .keyfence.json at the repository root)' }),
      () => { command = 'rules'; })
    // Listed for --help only: run() hands `git-secrets …` over before yargs sees it.
    .command('git-secrets', 'Drop-in for awslabs/git-secrets: keyfence git-secrets --scan|--install|--register-aws|… (see keyfence git-secrets -h)')
    .command('explain <target>', 'Explain every candidate on a file\'s line (PATH:LINE) or in a file: the rule, and why it was reported or rejected', (y) =>
      y.positional('target', { type: 'string', describe: 'PATH, PATH:LINE or PATH:FROM-TO' }).option('config', { type: 'string', describe: 'Config file' }).option('baseline', { type: 'string', describe: 'Baseline file' }),
      () => { command = 'explain'; })
    .command('install', 'Install the git hooks: pre-commit (staged changes) and commit-msg (the message)', (y) =>
      y.option('force', { type: 'boolean', default: false, describe: 'Replace a hook keyfence cannot chain to (kept as <hook>.keyfence-backup)' })
        .option('pre-push', { type: 'boolean', default: false, describe: 'Also install a pre-push hook that scans the commits being pushed' }),
      () => { command = 'install'; })
    .command('uninstall', 'Remove what keyfence install added to the git hooks', (y) => y, () => { command = 'uninstall'; })
    .epilogue('Exit codes: 0 clean, 1 secrets found, 2 usage or runtime error.\nReports: text, json, sarif, junit, csv, github, html (all redacted unless --no-redact).\nEvery option is described in the README.')
    .demandCommand(1, 'Say what to do: keyfence scan, keyfence baseline, keyfence rules, keyfence install (see keyfence --help)')
    .strict()
    .version(version())
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      throw new UsageError((msg ?? err?.message ?? 'invalid arguments').replace(/\s*\n\s*/g, ' ')); // one line
    });
  const args = await parser.parse(argv, {}, (_err, _argv, out) => { output = out; });
  if (output || !command) return { exitCode: EXIT.clean, stdout: output ? `${output}\n` : '', stderr: '' };
  switch (command) {
    case 'scan': {
      const scanArgs = scanArgsFrom(args as unknown as Record<string, unknown>);
      scanArgs.paths = scanArgs.paths.map((p) => (p === STDIN ? '-' : p));
      if (!Number.isFinite(scanArgs.maxFileSize) || scanArgs.maxFileSize <= 0) throw new UsageError('--max-file-size must be a positive number of bytes');
      return (await import('./scanCommand.js')).scanCommand(scanArgs, io);
    }
    case 'baseline': {
      const scanArgs = scanArgsFrom(args as unknown as Record<string, unknown>);
      const { baselineCommand } = await import('./baselineCommand.js');
      return baselineCommand({ ...scanArgs, output: undefined }, { output: (args as { output?: string }).output, prune: Boolean((args as { prune?: boolean }).prune) }, io);
    }
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
