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
  const r = await runProcess('git', [...safeGitArgs(), ...args], cwd, input, gitEnv());
  if (r.code === 0) return r.stdout;
  if (r.spawnError) throw gitSpawnError(r.spawnError, r.spawnError);
  throw gitExitError(args[0] ?? '', r.stderr.toString('utf8'), `exit code ${r.code}`);
}

/** `git`, blocking until git exits (the pre-commit hook's calls: see runProcessSync). Throws GitError as `git` rejects. */
export function gitSync(args: string[], cwd: string, input?: Buffer | string, opts?: SafeGitOptions): Buffer {
  const r = runProcessSync('git', [...safeGitArgs(opts), ...args], cwd, input, gitEnv());
  if (r.code === 0) return r.stdout;
  if (r.spawnError) throw gitSpawnError(r.spawnError, r.spawnError);
  throw gitExitError(args[0] ?? '', r.stderr.toString('utf8'), `exit code ${r.code}`);
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
