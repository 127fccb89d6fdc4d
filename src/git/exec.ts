import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { GitError } from '../errors.js';
import { runProcess, runProcessSync, type Ran } from './runProcess.js';
import { safeGitArgs, safeGitEnv, type SafeGitOptions } from './safeGitArgs.js';

/**
 * The one module that runs git. Every git process keyfence starts goes through `git`, `gitSync`,
 * `gitStream`, `gitRaw`, `gitRawSync` or `simpleGitAt` here, and so gets the arguments and environment of
 * src/git/safeGitArgs.ts: none of the scanned repository's config can run a program or change
 * the output keyfence parses.
 */

export { GitError };

/** The environment keyfence's own git calls run with: safeGitEnv, in the C locale (messages keyfence quotes are English). */
export function gitEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...safeGitEnv(base), LC_ALL: 'C' };
}

/** The GitError for git that could not start: `code` is the spawn error's code (ENOENT: not installed). */
export function gitSpawnError(code: string | undefined, detail: string): GitError {
  return new GitError(code === 'ENOENT' ? 'git is not installed (or not on PATH)' : `cannot run git: ${detail}`);
}

/**
 * The GitError for `git <command>` that failed: git's first non-blank stderr line, without its
 * "fatal: " or "error: " prefix (`fallback` when stderr is blank).
 */
export function gitExitError(command: string, stderr: string, fallback: string): GitError {
  const first = stderr.split('\n').find((l) => l.trim()) ?? fallback;
  return new GitError(`git ${command}: ${first.replace(/^(fatal|error): /, '')}`);
}

/**
 * Runs `git args…` in `cwd` and resolves with its stdout bytes. Rejects with GitError when git
 * is not installed or exits non-zero (the message is git's first stderr line).
 */
export async function git(args: string[], cwd: string, input?: Buffer | string): Promise<Buffer> {
  return stdoutOf(await runProcess('git', [...safeGitArgs(), ...args], cwd, input, gitEnv()), args);
}

/** `git`, blocking until git exits (the pre-commit hook's calls: see runProcessSync). Throws GitError as `git` rejects. */
export function gitSync(args: string[], cwd: string, input?: Buffer | string, opts?: SafeGitOptions): Buffer {
  return stdoutOf(runProcessSync('git', [...safeGitArgs(opts), ...args], cwd, input, gitEnv()), args);
}

/** What `git args…` printed, or the GitError for its not starting or exiting non-zero. */
function stdoutOf(r: Ran, args: string[]): Buffer {
  if (r.code === 0) return r.stdout;
  if (r.spawnError) throw gitSpawnError(r.spawnError, r.spawnError);
  throw gitExitError(args[0] ?? '', r.stderr.toString('utf8'), `exit code ${r.code}`);
}

/** Config values as `git config --get-all` lists them: each key (lower-case) with its values, in git's order. */
export type ConfigValues = Map<string, string[]>;

/**
 * `gitSync` whose git process also reports how it reads config `keys` (exact lower-case
 * `section.name`s), in environment `base` (made safe; it decides the global and command-line
 * config). Returns git's stdout and `config`, each key's values as `git config --get-all`
 * would list them in the same repository and environment. `config` is
 * undefined when this git did not report them; the caller then asks `git config`. This saves
 * the pre-commit hook a second git process (about 2.5 ms).
 *
 * It uses git's trace2 (documented in git-config(1), `trace2.configParams`). GIT_TRACE2_CONFIG_PARAMS
 * names the keys, and git lists each value as a `def_param` event in a JSON event stream.
 * GIT_TRACE2_EVENT=3 sends that stream to a pipe on fd 3, apart from git's output and messages.
 * protocol.allow, which safeGitArgs always sets on the command line, proves the listing ran: a
 * git without trace2 (before 2.22) lists nothing. Git 2.39 crashes listing a key that has no
 * value (`[secrets] patterns` alone). So when the traced run fails in any way, the command runs
 * again untraced (gitSync: its GitError, if it fails again, is the caller's) and `config` is
 * undefined.
 *
 * trace2 lists the config git reads before it sets the repository up (its "early config"), and
 * that view leaves out two sources `git config` reads: the worktree's own config
 * (`extensions.worktreeConfig`) and `includeIf "onbranch:…"` includes. Both are listed too (EARLY_GAPS),
 * and when either is in use `config` is undefined. test/stagedSetup.test.ts holds the two views
 * equal for every other source: system, global, local, includes, `gitdir:` and `hasconfig:`
 * includes, the environment and the command line.
 */
export function gitSyncReadingConfig(
  args: string[],
  cwd: string,
  keys: readonly string[],
  base: NodeJS.ProcessEnv,
  opts?: SafeGitOptions,
): { stdout: Buffer; config?: ConfigValues } {
  const env = gitEnv(base);
  for (const k of Object.keys(env)) if (k.startsWith('GIT_TRACE2')) delete env[k];
  env.GIT_TRACE2_EVENT = '3';
  env.GIT_TRACE2_CONFIG_PARAMS = [...keys, PROOF_KEY, ...EARLY_GAPS].join(',');
  const r = runProcessSync('git', [...safeGitArgs(opts), ...args], cwd, undefined, env, true);
  if (r.code !== 0) return { stdout: gitSync(args, cwd, undefined, opts) };
  const config = r.fd3 && listedConfig(r.fd3, keys);
  return { stdout: r.stdout, ...(config ? { config } : {}) };
}

/** The key safeGitArgs always sets (`-c protocol.allow=never`): its def_param shows git listed config. */
const PROOF_KEY = 'protocol.allow';

/** Keys (trace2's wildmatch patterns) whose presence means trace2's early view misses config (see gitSyncReadingConfig). */
const EARLY_GAPS = ['extensions.worktreeconfig', 'includeif.onbranch:*'];

/** Whether a listed EARLY_GAPS key is in use: worktree config switched on, or an onbranch include. */
function earlyGap(param: string, value: string): boolean {
  if (param === 'extensions.worktreeconfig') return /^(true|yes|on|1|)$/i.test(value);
  return param.startsWith('includeif.onbranch:');
}

/**
 * The values of `keys` in a trace2 event stream: the def_param events of git's own process
 * (a child git's session id holds a "/"), from its first run of them. Undefined when the
 * stream does not parse, lacks the proof key, or shows an early-config gap.
 */
function listedConfig(events: Buffer, keys: readonly string[]): ConfigValues | undefined {
  const config: ConfigValues = new Map(keys.map((k) => [k, []]));
  let proven = false;
  let listing = false;
  // Latin-1: a value's bytes that are not UTF-8 stay one character each, as `git config` output is read.
  for (const line of events.toString('latin1').split('\n')) {
    if (!line) continue;
    let e: { event?: unknown; sid?: unknown; param?: unknown; value?: unknown };
    try {
      e = JSON.parse(line);
    } catch {
      return undefined;
    }
    if (typeof e.sid !== 'string' || e.sid.includes('/')) continue;
    if (e.event !== 'def_param') {
      if (listing) break;
      continue;
    }
    listing = true;
    if (typeof e.param !== 'string' || typeof e.value !== 'string') return undefined;
    if (e.param === PROOF_KEY) proven = true;
    else if (earlyGap(e.param, e.value)) return undefined;
    else config.get(e.param)?.push(e.value);
  }
  return proven ? config : undefined;
}

/** `gitRaw`, blocking until git exits (see runProcessSync). */
export function gitRawSync(args: string[], cwd: string, input?: Buffer | string, env?: NodeJS.ProcessEnv, opts?: SafeGitOptions): Ran {
  return runProcessSync('git', [...safeGitArgs(opts), ...args], cwd, input, safeGitEnv(env ?? process.env));
}

/**
 * Runs `git args…` and resolves with what it did, never rejecting (the git-secrets drop-in
 * prints git's own messages and exit codes). `env` is passed on (made safe); `opts` as in
 * safeGitArgs.
 */
export function gitRaw(args: string[], cwd: string, input?: Buffer | string, env?: NodeJS.ProcessEnv, opts?: SafeGitOptions): Promise<Ran> {
  return runProcess('git', [...safeGitArgs(opts), ...args], cwd, input, safeGitEnv(env ?? process.env));
}

/** A running git whose stdout is read as it arrives. */
export interface GitStream {
  stdout: Readable;
  /** Resolves when git has exited 0; rejects with GitError otherwise. */
  finish(): Promise<void>;
  /** Kills git if it still runs (the reader stopped early). */
  stop(): void;
}

/**
 * Starts `git args…` (safe arguments and environment) with stdout and stderr piped; `exited()`
 * resolves once it has exited 0 and rejects with GitError otherwise.
 */
function startGit(args: string[], cwd: string, stdin: 'ignore' | 'pipe') {
  const child = spawn('git', [...safeGitArgs(), ...args], { cwd, env: gitEnv(), stdio: [stdin, 'pipe', 'pipe'] });
  const err: Buffer[] = [];
  child.stderr!.on('data', (d: Buffer) => err.push(d));
  child.stdin?.on('error', () => {});
  let spawnError: NodeJS.ErrnoException | undefined;
  const closed = new Promise<number | null>((resolve) => {
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
      resolve(null);
    });
    child.on('close', (code) => resolve(code));
  });
  const exited = async () => {
    const code = await closed;
    if (spawnError) throw gitSpawnError(spawnError.code, spawnError.message);
    if (code !== 0) throw gitExitError(args[0] ?? '', Buffer.concat(err).toString('utf8'), `exit code ${code}`);
  };
  return { child, exited };
}

/** Starts `git args…` with its stdout streamed (history: never held whole); `input`, when given, is its whole stdin. */
export function gitStream(args: string[], cwd: string, input?: string): GitStream {
  const { child, exited } = startGit(args, cwd, input === undefined ? 'ignore' : 'pipe');
  if (input !== undefined) child.stdin!.end(input);
  return {
    stdout: child.stdout!,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
    finish: exited,
  };
}

/**
 * simple-git at `cwd`, for the few calls off the hot path where its API serves (install, which
 * runs only rev-parse and config), given the same `-c` settings. (simple-git refuses an explicit
 * environment holding EDITOR and the like, so its processes get this process's environment.)
 */
export async function simpleGitAt(cwd: string) {
  const { simpleGit } = await import('simple-git');
  const config: string[] = [];
  const args = safeGitArgs();
  for (let i = 0; i < args.length; i++) if (args[i] === '-c') config.push(args[++i]!);
  return simpleGit({ baseDir: cwd, config, unsafe: { allowUnsafeProtocolOverride: true, allowUnsafeFsMonitor: true, allowUnsafeConfigPaths: true } as never });
}
