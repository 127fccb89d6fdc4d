import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { run } from '../../src/cli/run.js';
import type { RunIO, RunResult } from '../../src/cli/io.js';

const made: string[] = [];
afterEach(() => {
  while (made.length) rmSync(made.pop()!, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test. */
export function tempDir(prefix = 'keyfence-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Writes `files` (relative path → content) under `dir`, creating folders. */
export function writeTree(dir: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

/** Runs git in `cwd` (throws on failure, returns stdout). */
export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A new git repository with an identity set, in a temporary directory. */
export function tempRepo(): string {
  const dir = tempDir('keyfence-repo-');
  gitIn(dir, 'init', '-q', '-b', 'main');
  gitIn(dir, 'config', 'user.name', 'Test');
  gitIn(dir, 'config', 'user.email', 'test@example.com');
  gitIn(dir, 'config', 'commit.gpgsign', 'false');
  return dir;
}

/** Runs the CLI in-process, as a user would from `cwd`. */
export function cli(argv: string[], cwd: string, extra: Partial<RunIO> = {}): Promise<RunResult> {
  return run(argv, { cwd, env: { ...process.env, NO_COLOR: '1' }, stdoutIsTTY: false, stderrIsTTY: false, ...extra });
}
