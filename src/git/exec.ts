import { GitError } from '../errors.js';
import { runProcess } from './runProcess.js';

export { GitError };

/**
 * The environment git runs with: no pager, no prompts, C locale, and no external diff tool
 * (GIT_EXTERNAL_DIFF is removed: set even to "", git tries to run it).
 */
export function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
  delete env.GIT_EXTERNAL_DIFF;
  return env;
}

/** The `-c` options keyfence runs git with: no color, paths printed unquoted (UTF-8 as is). */
export const GIT_CONFIG_ARGS = ['-c', 'color.ui=false', '-c', 'core.quotepath=false'];

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
 * is not installed or exits non-zero (the message is git's first stderr line). Color, pagers,
 * external diff tools and prompts are turned off so output is always machine-readable.
 */
export async function git(args: string[], cwd: string, input?: string): Promise<Buffer> {
  const r = await runProcess('git', [...GIT_CONFIG_ARGS, ...args], cwd, input, gitEnv());
  if (r.code === 0) return r.stdout;
  if (r.spawnError) throw gitSpawnError(r.spawnError, r.spawnError);
  throw gitExitError(args[0] ?? '', r.stderr.toString('utf8'), `exit code ${r.code}`);
}

/** The work tree's top directory, or undefined when `cwd` is not inside a git work tree. */
export async function repoRoot(cwd: string): Promise<string | undefined> {
  try {
    const out = await git(['rev-parse', '--show-toplevel'], cwd);
    return out.toString('utf8').trim() || undefined;
  } catch (err) {
    if (err instanceof GitError && /not installed/.test(err.message)) throw err;
    return undefined;
  }
}
