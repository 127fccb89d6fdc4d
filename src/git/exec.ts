import { spawn } from 'node:child_process';

/** A git failure with a one-line message fit for the user (no stack trace is shown). */
export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

/**
 * The environment git runs with: no pager, no prompts, C locale, and no external diff tool
 * (GIT_EXTERNAL_DIFF is removed: set even to "", git tries to run it).
 */
export function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
  delete env.GIT_EXTERNAL_DIFF;
  return env;
}

/**
 * Runs `git args…` in `cwd` and resolves with its stdout bytes. Rejects with GitError when git
 * is not installed or exits non-zero (the message is git's first stderr line). Color, pagers,
 * external diff tools and prompts are turned off so output is always machine-readable.
 */
export function git(args: string[], cwd: string, input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', 'color.ui=false', '-c', 'core.quotepath=false', ...args], {
      cwd,
      env: gitEnv(),
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(new GitError(e.code === 'ENOENT' ? 'git is not installed (or not on PATH)' : `cannot run git: ${e.message}`));
    });
    child.on('close', (code) => {
      if (code === 0) return resolve(Buffer.concat(out));
      const first = Buffer.concat(err).toString('utf8').split('\n').find((l) => l.trim()) ?? `exit code ${code}`;
      reject(new GitError(`git ${args[0]}: ${first.replace(/^(fatal|error): /, '')}`));
    });
    if (input !== undefined && child.stdin) child.stdin.end(input);
  });
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
