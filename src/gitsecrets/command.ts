import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { awsProviderOutput } from './awsProvider.js';
import { combinePatterns, loadAllowed, loadPatterns } from './config.js';
import { readSecretsConfig, type SecretsConfig } from './secretsConfig.js';
import { gitRun } from './gitio.js';
import { gitGrep, regularGrep, type GrepOutcome } from './grep.js';
import type { AllowMatcher } from './matcher.js';
import { parseOptions, usageText } from './parseopt.js';
import { UsageError } from '../cli/io.js';
import { selfPaths } from '../cli/keyfenceFunction.js';
import { writeFileSafely } from '../io/writeFileSafely.js';
import { AWS_ALLOWED, AWS_PATTERNS, AWS_PROVIDER, MATCH_ERROR, OPTIONS, USAGES, hookScript } from './usage.js';

/** What `git secrets …` needs from the outside world; tests pass their own. */
export interface GitSecretsIO {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin?: () => Promise<string>;
  /** Standard input as bytes (preferred when given: non-UTF-8 input stays byte-exact). */
  stdinBytes?: () => Promise<Buffer>;
  /** stdout is a terminal: `--install` then prints a green check mark as git-secrets does. */
  stdoutIsTTY?: boolean;
}

export interface GitSecretsResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A JS string (from argv or a UTF-8 path) as bytes-as-latin1 text, to join the output buffers. */
function textToBytes(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

class Exit {
  constructor(readonly code: number) {}
}

interface State {
  io: GitSecretsIO;
  command: string;
  force: boolean;
  recursive: boolean;
  literal: boolean;
  global: boolean;
  allowed: boolean;
  cached: boolean;
  noIndex: boolean;
  untracked: boolean;
  out: string;
  err: string;
}

function die(st: State, message: string): never {
  st.err += textToBytes(`${message}\n`);
  throw new Exit(1);
}

const usage = (all = false): string => usageText(USAGES, OPTIONS, all);

/**
 * `git secrets <command> [options]` as git-secrets 1.3.0 behaves: same options (parsed as
 * `git rev-parse --parseopt` does), same git configuration, same output lines on the same
 * streams, same exit codes (129 usage, 1 match or refused, 2 missing file, 0 otherwise).
 * `argv` is what follows `git secrets` (or `keyfence git-secrets`).
 */
export async function gitSecrets(argv: readonly string[], io: GitSecretsIO): Promise<GitSecretsResult> {
  const r = await gitSecretsBytes(argv, io);
  return { exitCode: r.exitCode, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** gitSecrets with its output as the exact bytes to write (what bin/git-secrets.js prints). */
export async function gitSecretsBytes(argv: readonly string[], io: GitSecretsIO): Promise<{ exitCode: number; stdout: Buffer; stderr: Buffer }> {
  const parsed = parseOptions(argv, OPTIONS);
  const text = (exitCode: number, stdout: string, stderr: string) => ({ exitCode, stdout: Buffer.from(stdout, 'utf8'), stderr: Buffer.from(stderr, 'utf8') });
  switch (parsed.kind) {
    case 'help':
      return text(129, usage(parsed.all), parsed.error ? `${parsed.error}\n` : '');
    case 'unknown':
      return text(129, '', `${parsed.error}\n${usage()}`);
    case 'error':
      return text(129, '', `${parsed.error}\n`);
  }
  const args = parsed.args;
  const st: State = {
    io,
    command: args[0]!,
    force: false,
    recursive: false,
    literal: false,
    global: false,
    allowed: false,
    cached: false,
    noIndex: false,
    untracked: false,
    out: '',
    err: '',
  };
  let exitCode: number;
  try {
    exitCode = await dispatch(st, args.slice(1));
  } catch (err) {
    if (err instanceof Exit) exitCode = err.code;
    else if ((err as Error)?.name === 'EreError') {
      st.err += `grep: ${(err as Error).message}\n`;
      exitCode = 2;
    } else throw err;
  }
  return { exitCode, stdout: Buffer.from(st.out, 'latin1'), stderr: Buffer.from(st.err, 'latin1') };
}

async function dispatch(st: State, rest: string[]): Promise<number> {
  const only = (expected: string, name: string): void => {
    if (st.command !== expected) die(st, `${name} can only be supplied with the ${expected} subcommand`);
  };
  // git-secrets walks the normalized options up to "--"; anything it does not know is ignored.
  while (rest.length) {
    const a = rest.shift()!;
    if (a === '--') break;
    if (a === '-f') {
      only('--install', '-f|--force');
      st.force = true;
    } else if (a === '-r') {
      only('--scan', '-r|--recursive');
      st.recursive = true;
    } else if (a === '-a') {
      only('--add', '-a|--allowed');
      st.allowed = true;
    } else if (a === '-l') {
      only('--add', '-l|--literal');
      st.literal = true;
    } else if (a === '--cached') {
      only('--scan', '--cached');
      st.cached = true;
    } else if (a === '--no-index') {
      only('--scan', '--no-index');
      st.noIndex = true;
    } else if (a === '--untracked') {
      only('--scan', '--untracked');
      st.untracked = true;
    } else if (a === '--global') st.global = true;
  }
  if (st.recursive && (st.cached || st.noIndex || st.untracked)) {
    die(st, '-r|--recursive cannot be supplied with --cached, --no-index, or --untracked');
  }
  const io = st.io;
  switch (st.command) {
    case '--':
      st.out += usage();
      return 0;
    case '--add-provider':
      return addConfig(st, 'secrets.providers', rest.join(' '));
    case '--register-aws':
      return registerAws(st);
    case '--aws-provider':
      st.out += awsProviderOutput(rest[0] || undefined, io.env, io.cwd);
      return 0;
    case '--commit_msg_hook':
      return scanOrDie(st, () => scanFiles(st, [rest[0] ?? '']));
    case '--pre_commit_hook':
      return preCommitHook(st);
    case '--prepare_commit_msg_hook':
      return prepareCommitMsgHook(st, rest);
    case '--add':
      return addConfig(st, st.allowed ? 'secrets.allowed' : 'secrets.patterns', rest[0] ?? '');
    case '--scan':
      return scanOrDie(st, () => scanFiles(st, rest));
    case '--scan-history':
      return scanOrDie(st, async () => {
        const ctx = await context(st);
        const patterns = await loadPatterns(ctx.cfg, io.cwd, io.env);
        st.err += patterns.stderr;
        const { scanHistory } = await import('./history.js');
        return scanHistory(combinePatterns(patterns.text), io.cwd, ctx.cfg.quotePath, io.env);
      });
    case '--list': {
      const r = await gitRun(['config', ...(st.global ? ['--global'] : []), '--get-regex', 'secrets.*'], io.cwd, undefined, io.env);
      st.out += r.stdout.toString('latin1');
      st.err += r.stderr.toString('latin1');
      return r.code;
    }
    case '--install':
      return install(st, rest[0] ?? '');
    default:
      st.out += textToBytes(`Unknown option: ${st.command}\n${usage()}`);
      return 129;
  }
}

interface Context {
  cfg: SecretsConfig;
  toplevel: string | undefined;
}

/** The git config and the work tree's top (git-secrets prints git's complaint outside a repo). */
async function context(st: State): Promise<Context> {
  const [cfg, top] = await Promise.all([readSecretsConfig(st.io.cwd, st.io.env), gitRun(['rev-parse', '--show-toplevel'], st.io.cwd, undefined, st.io.env)]);
  const toplevel = top.code === 0 ? top.stdout.toString('utf8').replace(/\n$/, '') : undefined;
  if (top.code !== 0) st.err += top.stderr.toString('latin1');
  return { cfg, toplevel };
}

/**
 * git-secrets' scan: git grep when no files are given or a git option is; otherwise grep on
 * the files. Returns the grep outcome for scanOrDie.
 */
async function scanFiles(st: State, files: string[], known?: { ctx: Context }): Promise<GrepOutcome & { ctx: Context }> {
  const io = st.io;
  const ctx = known?.ctx ?? (await context(st));
  const patterns = await loadPatterns(ctx.cfg, io.cwd, io.env);
  st.err += patterns.stderr;
  const stdin = io.stdinBytes ?? (io.stdin ? async () => Buffer.from(await io.stdin!(), 'utf8') : async () => Buffer.alloc(0));
  const outcome =
    files.length === 0 || st.cached || st.untracked || st.noIndex
      ? await gitGrep(combinePatterns(patterns.text), { cached: st.cached, untracked: st.untracked, noIndex: st.noIndex }, files, io.cwd, io.env)
      : await regularGrep(patterns.text, files, st.recursive, io.cwd, stdin, io.env);
  return { ...outcome, ctx };
}

/**
 * git-secrets' process_output + scan_with_fn_or_die: lines not matching an allowed pattern go
 * to stderr followed by the [ERROR] block and exit 1; nothing left means exit 0; a grep error
 * exits with grep's status (its output dropped).
 */
async function scanOrDie(st: State, fn: () => Promise<GrepOutcome & { ctx?: Context }>): Promise<number> {
  const outcome = await fn();
  st.err += outcome.stderr;
  const ctx = outcome.ctx ?? (await context(st));
  if (outcome.status === 1) return 0;
  if (outcome.status !== 0) return outcome.status;
  let allow: AllowMatcher;
  const allowed = loadAllowed(ctx.cfg, ctx.toplevel);
  try {
    const { AllowMatcher } = await import('./matcher.js');
    allow = new AllowMatcher(allowed);
  } catch {
    // grep -Ev with a bad pattern fails, and git-secrets then treats the scan as clean.
    return 0;
  }
  const left = allow.empty ? outcome.lines : outcome.lines.filter((l) => !allow.allows(l));
  if (left.length === 0) return 0;
  st.err += `${left.join('\n')}\n${MATCH_ERROR}`;
  return 1;
}

/** git-secrets' add_config: refuses (exit 1, silently) a value contained in an existing one. */
async function addConfig(st: State, key: string, rawValue: string): Promise<number> {
  const io = st.io;
  const value = st.literal ? rawValue.replace(/[.|$(){}?+*^\\]/g, '\\$&') : rawValue;
  const scope = st.global ? ['--global'] : [];
  const existing = await gitRun(['config', ...scope, '--get-all', key], io.cwd, undefined, io.env);
  st.err += existing.stderr.toString('latin1');
  const lines = existing.stdout.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  // grep -Fq "$value": any line holding any of the value's lines (an empty one matches all).
  const needles = value.split('\n');
  if (lines.some((l) => needles.some((n) => l.includes(n)))) return 1;
  const r = await gitRun(['config', ...scope, '--add', key, value], io.cwd, undefined, io.env);
  st.out += r.stdout.toString('latin1');
  st.err += r.stderr.toString('latin1');
  return r.code;
}

async function registerAws(st: State): Promise<number> {
  await addConfig(st, 'secrets.providers', AWS_PROVIDER);
  for (const p of AWS_PATTERNS) await addConfig(st, 'secrets.patterns', p);
  await addConfig(st, 'secrets.allowed', AWS_ALLOWED[0]!);
  const last = await addConfig(st, 'secrets.allowed', AWS_ALLOWED[1]!);
  if (last === 0) st.out += 'OK\n';
  return 0;
}

async function install(st: State, target: string): Promise<number> {
  const io = st.io;
  let dir = target;
  // A template directory's hooks are copied into .git/hooks by git init: name them as they will be.
  const template = Boolean(dir) && !isDir(path.resolve(io.cwd, dir, '.git'));
  if (!dir) {
    const r = await gitRun(['rev-parse', '--git-dir'], io.cwd, undefined, io.env);
    if (r.code !== 0) {
      st.err += r.stderr.toString('latin1');
      die(st, 'Not in a Git repository');
    }
    dir = r.stdout.toString('utf8').replace(/\n$/, '');
  } else if (isDir(path.resolve(io.cwd, dir, '.git'))) {
    dir = `${dir}/.git`;
  }
  try {
    mkdirSync(path.resolve(io.cwd, dir, 'hooks'), { recursive: true });
  } catch (err) {
    st.err += textToBytes(
      `mkdir: cannot create directory '${dir}/hooks': ${(err as NodeJS.ErrnoException).code === 'EEXIST' ? 'File exists' : (err as Error).message}\n`,
    );
    die(st, `Could not create dir: ${dir}`);
  }
  for (const [hook, cmd] of [
    ['commit-msg', 'commit_msg_hook'],
    ['pre-commit', 'pre_commit_hook'],
    ['prepare-commit-msg', 'prepare_commit_msg_hook'],
  ] as const) {
    const dotD = `${dir}/hooks/${hook}.d`;
    const dest = isDir(path.resolve(io.cwd, dotD)) ? `${dotD}/git-secrets` : `${dir}/hooks/${hook}`;
    const abs = path.resolve(io.cwd, dest);
    if (isFile(abs) && !st.force) die(st, `${dest} already exists. Use -f to force`);
    const shown = template ? `.git/hooks/${dest.slice(`${dir}/hooks/`.length)}` : dest;
    // As git-secrets does (write, then chmod +x as the umask allows), but atomically and never
    // through a symlink (writeFileSafely).
    const umask = currentUmask();
    const mode = (isFile(abs) ? statSync(abs).mode & 0o777 : 0o666 & ~umask) | (0o111 & ~umask);
    try {
      await writeFileSafely(abs, hookScript(cmd, shown, selfPaths()), { root: path.dirname(abs), named: true, mode });
    } catch (err) {
      throw new UsageError(`cannot write ${dest}: ${(err as Error).message}`);
    }
    st.out += textToBytes(`${io.stdoutIsTTY ? '\u001b[32m✓\u001b(B\u001b[m ' : ''}Installed ${hook} hook to ${dest}\n`);
  }
  return 0;
}

function currentUmask(): number {
  // process.umask() without an argument is deprecated but still the only read; 022 if absent.
  try {
    return process.umask();
  } catch {
    return 0o022;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Scans the staged content of added, copied, modified and unmerged files (all staged files when none). */
async function preCommitHook(st: State): Promise<number> {
  const io = st.io;
  st.cached = true;
  // git diff-index -z --name-only: <path> NUL per added, copied, modified or unmerged file;
  // against HEAD, or the empty tree before the first commit (asked only when HEAD fails).
  const diffAgainst = (rev: string) => gitRun(['diff-index', '--diff-filter', 'ACMU', '--name-only', '-z', '--cached', rev, '--'], io.cwd, undefined, io.env);
  const [ctx, head, againstHead] = await Promise.all([
    context(st),
    gitRun(['rev-parse', '--verify', '-q', 'HEAD'], io.cwd, undefined, io.env),
    diffAgainst('HEAD'),
  ]);
  const diff = head.code === 0 ? againstHead : await diffAgainst('4b825dc642cb6eb9a060e54bf8d69288fbee4904');
  st.err += diff.stderr.toString('latin1');
  const files = diff.stdout.toString('utf8').split('\0').filter(Boolean);
  return scanOrDie(st, () => scanFiles(st, files, { ctx }));
}

/** On a merge (`$2` = "merge", no `$3`), scans `git log <branch>..<merged> -p` as stdin. */
async function prepareCommitMsgHook(st: State, args: string[]): Promise<number> {
  const io = st.io;
  if (`${args[1] ?? ''},${args[2] ?? ''}` !== 'merge,') return 0;
  // env | grep GITHEAD, then ${git_head##*=}: the text after the last "=".
  const gitHead = Object.entries(io.env)
    .filter(([k, v]) => `${k}=${v}`.includes('GITHEAD'))
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
  const sha = gitHead.slice(gitHead.lastIndexOf('=') + 1);
  const ref = await gitRun(['symbolic-ref', 'HEAD'], io.cwd, undefined, io.env);
  st.err += ref.stderr.toString('latin1');
  const dest = ref.stdout
    .toString('utf8')
    .replace(/\n$/, '')
    .replace(/^refs\/heads\//, '');
  const log = await gitRun(['log', `${dest}..${sha}`, '-p', '--no-textconv', '--no-ext-diff'], io.cwd, undefined, io.env);
  st.err += log.stderr.toString('latin1');
  const saved = st.io;
  st.io = { ...saved, stdinBytes: async () => log.stdout };
  try {
    return await scanOrDie(st, () => scanFiles(st, ['-']));
  } finally {
    st.io = saved;
  }
}
