import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '../../src/cli/run.js';
import type { RunIO, RunResult } from '../../src/cli/io.js';

// Temporary directories and repositories come from the git test helpers (isolated git config,
// cleaned up after each file).
export { tempDir, tempRepo, git as gitIn } from '../gitRepo.js';

/** Writes `files` (relative path → content) under `dir`, creating folders. */
export function writeTree(dir: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

/** Runs the CLI in-process, as a user would from `cwd`. */
export function cli(argv: string[], cwd: string, extra: Partial<RunIO> = {}): Promise<RunResult> {
  return run(argv, { cwd, env: { ...process.env, NO_COLOR: '1' }, stdoutIsTTY: false, stderrIsTTY: false, ...extra });
}
