// Shared helpers for the git integration tests: real temporary repositories, the CLI run
// in-process (run()) or as the built bin (what hooks execute).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { run } from '../src/cli/run.js';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import type { Finding, ScanResult } from '../src/types.js';

export const WORKTREE = fileURLToPath(new URL('..', import.meta.url));
export const BIN = path.join(WORKTREE, 'bin', 'keyfence.js');

// Git in tests sees none of the machine's or a surrounding hook's git settings.
for (const k of Object.keys(process.env)) if (k.startsWith('GIT_')) delete process.env[k];
const home = mkdtempSync(path.join(tmpdir(), 'keyfence-home-'));
writeFileSync(path.join(home, '.gitconfig'), '[init]\n\tdefaultBranch = main\n[protocol "file"]\n\tallow = always\n');
process.env.GIT_CONFIG_GLOBAL = path.join(home, '.gitconfig');
process.env.GIT_CONFIG_NOSYSTEM = '1';
process.env.HOME = home;
process.env.NO_COLOR = '1';

const made: string[] = [home];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh directory, removed after the test file. */
export function tempDir(prefix = 'keyfence-'): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/** Runs git in `cwd`; returns stdout. Throws on failure. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs git and returns status and output instead of throwing (for commits hooks may block). */
export function gitTry(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, input });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A new repository with a local identity and no hooks of its own. */
export function tempRepo(): string {
  const dir = tempDir('keyfence-repo-');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Ada Lovelace');
  git(dir, 'config', 'user.email', 'ada@example.com');
  git(dir, 'config', 'commit.gpgsign', 'false');
  return dir;
}

/** Writes a file (creating directories) relative to the repo. */
export function write(repo: string, rel: string, content: string | Buffer): void {
  const abs = path.join(repo, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, content);
}

/** Commits everything staged, hooks skipped (test setup, not what is under test). */
export function commit(repo: string, message: string, env: NodeJS.ProcessEnv = {}): string {
  const r = gitTry(repo, ['commit', '-q', '--no-verify', '--allow-empty', '-m', message], env);
  if (r.status !== 0) throw new Error(r.stderr);
  return git(repo, 'rev-parse', 'HEAD').trim();
}

/** A credentials file body with a fresh fake key pair, and the key ID to look for. */
export function secretFile(): { text: string; keyId: string; secret: string } {
  const keyId = fakeKeyId();
  const secret = fakeSecretKey();
  return { text: `[default]\naws_access_key_id = ${keyId}\naws_secret_access_key = ${secret}\n`, keyId, secret };
}

/** Runs the CLI in-process in `cwd`. */
export async function cli(cwd: string, ...argv: string[]) {
  return run(argv, { cwd, env: process.env, stdin: async () => '' });
}

/** Runs the CLI in-process with --format json --no-redact; returns exit code and the parsed report. */
export async function scanJson(cwd: string, ...argv: string[]): Promise<{ exitCode: number; stderr: string; result: ScanResult; findings: Finding[] }> {
  const r = await cli(cwd, 'scan', ...argv, '--format', 'json', '--no-redact');
  const result = r.stdout ? (JSON.parse(r.stdout) as ScanResult) : ({ findings: [], suppressed: [], stats: {} } as unknown as ScanResult);
  return { exitCode: r.exitCode, stderr: r.stderr, result, findings: result.findings };
}

/** Runs the built bin (as a hook does). */
export function bin(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, input });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the built bin's `scan … --format json --no-redact` (as a hook or CI does); returns the exit status and the parsed report. */
export function binScan(cwd: string, ...args: string[]): { status: number; result: ScanResult; stderr: string } {
  const r = bin(cwd, ['scan', ...args, '--format', 'json', '--no-redact']);
  return {
    status: r.status,
    result: r.stdout ? (JSON.parse(r.stdout) as ScanResult) : ({ findings: [], suppressed: [], stats: {} } as unknown as ScanResult),
    stderr: r.stderr,
  };
}
