import { spawn, spawnSync } from 'node:child_process';

/** What a child process did: its exit code (127 when it could not start) and its output bytes. */
export interface Ran {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
  spawnError?: string;
  /** What the command wrote to its file descriptor 3 (runProcessSync with `fd3`). */
  fd3?: Buffer;
}

/**
 * Runs `cmd args…` in `cwd` and resolves with its exit code and output; never rejects. When
 * the command cannot start, `code` is 127 (as a shell says), stderr says so and `spawnError`
 * holds the error code (ENOENT: not installed). Pagers and prompts are turned off; `env`
 * (default: this process's) is otherwise passed as it is.
 */
export function runProcess(cmd: string, args: string[], cwd: string, input?: Buffer | string, env?: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: childEnv(env), stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => resolve(notStarted(cmd, e)));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }));
    if (input !== undefined && child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}

/**
 * runProcess, blocking until the command exits: for the few git calls of the pre-commit hook,
 * which has nothing to do meanwhile. spawnSync keeps the pipes in C++ (no stream, socket or
 * promise per process), which costs each hook run a few milliseconds less. Output is kept whole
 * (no cap), as runProcess keeps it. `fd3`: the command also gets a pipe as its file descriptor
 * 3, and what it writes there is returned as `fd3`.
 */
export function runProcessSync(cmd: string, args: string[], cwd: string, input?: Buffer | string, env?: NodeJS.ProcessEnv, fd3 = false): Ran {
  const r = spawnSync(cmd, args, {
    cwd,
    env: childEnv(env),
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe', ...(fd3 ? (['pipe'] as const) : [])],
    ...(input === undefined ? {} : { input }),
    maxBuffer: Infinity,
  });
  if (r.error) return notStarted(cmd, r.error as NodeJS.ErrnoException);
  const ran: Ran = { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  const extra = r.output[3];
  if (fd3 && extra) ran.fd3 = extra as Buffer;
  return ran;
}

/** A child's environment: `env` (default: this process's) with pagers and prompts turned off. */
function childEnv(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  return { ...(env ?? process.env), GIT_PAGER: 'cat', PAGER: 'cat', GIT_TERMINAL_PROMPT: '0' };
}

/** What a command that could not start did: exit code 127 (as a shell says), and why on stderr. */
function notStarted(cmd: string, e: NodeJS.ErrnoException): Ran {
  const msg = e.code === 'ENOENT' ? `${cmd}: command not found\n` : `${cmd}: ${e.message}\n`;
  return { code: 127, stdout: Buffer.alloc(0), stderr: Buffer.from(msg), spawnError: e.code ?? 'ERROR' };
}
