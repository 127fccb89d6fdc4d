import { readFileSync } from 'node:fs';
import { EXIT, UsageError, type RunIO, type RunResult } from './io.js';
import { SCAN_OPTIONS, scanArgsFrom } from './scanOptions.js';

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Known failures print one line and exit 2; anything else is a bug, still one line. */
export function errorResult(err: unknown, io: RunIO): RunResult {
  const e = err as Error;
  const known = ['UsageError', 'InputError', 'RuleError', 'GitError', 'ConfigError'].includes(e?.name);
  const message = known ? e.message : `internal error: ${e?.message ?? String(err)}`;
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
    return await runParsed(argv, io);
  } catch (err) {
    return errorResult(err, io);
  }
}

async function runParsed(argv: string[], io: RunIO): Promise<RunResult> {
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
        .example('cat app.log | $0 scan -', 'scan standard input');
    }, () => { command = 'scan'; })
    .command('rules', 'List the rules (id, enabled, description)', (y) =>
      y.option('format', { alias: 'f', choices: ['text', 'json'], default: 'text', describe: 'Output format' }),
      () => { command = 'rules'; })
    .demandCommand(1, 'Say what to do: keyfence scan, keyfence rules (see keyfence --help)')
    .strict()
    .version(version())
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      throw new UsageError(msg ?? err?.message ?? 'invalid arguments');
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
    case 'rules':
      return (await import('./rulesCommand.js')).rulesCommand((args as unknown as { format: string }).format);
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}
