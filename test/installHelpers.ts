// Helpers for the `keyfence install` tests: repositories with the hooks installed by the built
// bin, keyfence laid out as a project's devDependency, commits that hooks may block.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { bin, commit, git, gitTry, tempRepo, WORKTREE, write } from './gitRepo.js';

/** A repo with one clean commit and keyfence's hooks installed by the built bin. */
export function installed(repo = tempRepo(), args: string[] = []): string {
  write(repo, 'README.md', '# app\n');
  git(repo, 'add', '.');
  commit(repo, 'init');
  const r = bin(repo, ['install', ...args]);
  if (r.status !== 0) throw new Error(r.stderr);
  return repo;
}

/**
 * Makes keyfence a devDependency of `repo` as npm lays one out: node_modules/keyfence and
 * node_modules/.bin/keyfence linking to its bin. `copy` puts a real copy there (a keyfence at
 * another path, as on another machine) instead of a link to this checkout.
 */
export function asDevDependency(repo: string, copy = false): void {
  const pkg = path.join(repo, 'node_modules', 'keyfence');
  mkdirSync(path.join(repo, 'node_modules', '.bin'), { recursive: true });
  if (copy) {
    for (const part of ['bin', 'dist', 'rules', 'schema', 'package.json']) cpSync(path.join(WORKTREE, part), path.join(pkg, part), { recursive: true });
    symlinkSync(path.join(WORKTREE, 'node_modules'), path.join(pkg, 'node_modules'));
  } else {
    symlinkSync(WORKTREE, pkg);
  }
  symlinkSync('../keyfence/bin/keyfence.js', path.join(repo, 'node_modules', '.bin', 'keyfence'));
  write(repo, '.gitignore', 'node_modules/\n');
}

export const commits = (repo: string) => Number(git(repo, 'rev-list', '--count', '--all').trim() || '0');

/** Tries `git commit -m msg` with hooks on; returns git's result and whether a commit was made. */
export function tryCommit(repo: string, msg = 'change', env: NodeJS.ProcessEnv = {}) {
  const before = commits(repo);
  const r = gitTry(repo, ['commit', '-q', '-m', msg], env);
  return { ...r, committed: commits(repo) > before };
}

/** A PATH with node and the system's tools but no keyfence. */
export const PATH_WITHOUT_KEYFENCE = { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` };

/** Sets up husky 9 (the devDependency) in `repo`, as `npx husky` does. */
export function huskyInit(repo: string): void {
  const hr = spawnSync(process.execPath, [path.join(WORKTREE, 'node_modules', 'husky', 'bin.js')], { cwd: repo, encoding: 'utf8' });
  if (hr.status !== 0) throw new Error(hr.stderr);
}

/** `git push origin main` must be refused by keyfence's pre-push hook, naming creds.ini:2. */
export function expectPushBlocked(repo: string): { stdout: string; stderr: string } {
  const blocked = gitTry(repo, ['push', '-q', 'origin', 'main']);
  expect(blocked.status).not.toBe(0);
  expect(blocked.stdout + blocked.stderr).toContain('creds.ini:2:');
  expect(blocked.stderr).toContain('keyfence: push blocked: the commits being pushed add the secret(s) listed above.');
  return blocked;
}
