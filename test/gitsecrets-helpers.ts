import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../src/cli/run.js';

export const BIN = fileURLToPath(new URL('../bin/git-secrets.js', import.meta.url));

/** A scratch git repository with its own HOME (no user or system git config leaks in). */
export interface Sandbox {
  dir: string;
  home: string;
  env: NodeJS.ProcessEnv;
  git: (...args: string[]) => string;
  /** `keyfence git-secrets …` through run(), in `cwd` (default: the repo). */
  gs: (args: string[], opts?: { cwd?: string; stdin?: string }) => Promise<{ exitCode: number; stdout: string; stderr: string }>;
  cleanup: () => void;
}

export function sandbox(init = true): Sandbox {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kf-gs-'));
  const dir = path.join(root, 'repo');
  const home = path.join(root, 'home');
  const binDir = path.join(root, 'bin');
  mkdirSync(dir);
  mkdirSync(home);
  mkdirSync(binDir);
  // `git secrets …` (hooks, providers) finds keyfence's bin first.
  symlinkSync(BIN, path.join(binDir, 'git-secrets'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
  };
  for (const k of Object.keys(env)) if (k.startsWith('GIT_DIR') || k === 'GIT_INDEX_FILE' || k === 'GIT_WORK_TREE') delete env[k];
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (init) {
    git('init', '-q', '-b', 'main', '.');
  }
  return {
    dir,
    home,
    env,
    git,
    gs: (args, opts = {}) => run(['git-secrets', ...args], { cwd: opts.cwd ?? dir, env, stdin: async () => opts.stdin ?? '' }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Runs a command as a user would (for hooks: git commit with keyfence's git-secrets on PATH). */
export function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', input });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The [ERROR] block git-secrets prints after the matching lines. */
export const ERROR_BLOCK = [
  '',
  '[ERROR] Matched one or more prohibited patterns',
  '',
  'Possible mitigations:',
  '- Mark false positives as allowed using: git config --add secrets.allowed ...',
  "- Mark false positives as allowed by adding regular expressions to .gitallowed at repository's root directory",
  '- List your configured patterns: git config --get-all secrets.patterns',
  '- List your configured allowed patterns: git config --get-all secrets.allowed',
  "- List your configured allowed patterns in .gitallowed at repository's root directory",
  '- Use --no-verify if this is a one-time false positive',
  '',
].join('\n');
