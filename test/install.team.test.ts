// `keyfence install` in a team: committed hook files (husky) are the same on every machine, and
// a hook whose keyfence is gone says where it is and how to take it out.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commit, git, gitTry, secretFile, tempDir, tempRepo, WORKTREE, write } from './gitRepo.js';
import { asDevDependency, huskyInit, PATH_WITHOUT_KEYFENCE, tryCommit } from './installHelpers.js';

/** `npx keyfence …` in a project: the project's node_modules/.bin/keyfence. */
const npxKeyfence = (repo: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(path.join(repo, 'node_modules', '.bin', 'keyfence'), args, { cwd: repo, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

/** A project using husky 9 with keyfence as a devDependency and its hooks installed and committed. */
function huskyProject() {
  const repo = tempRepo();
  write(repo, 'package.json', '{ "name": "app", "private": true }\n');
  asDevDependency(repo);
  huskyInit(repo);
  write(repo, '.husky/pre-commit', 'echo lint-ran >&2\n');
  const r = npxKeyfence(repo, ['install']);
  expect(r.status, r.stderr).toBe(0);
  git(repo, 'add', '.');
  commit(repo, 'husky + keyfence');
  return repo;
}

describe('husky: committed hook files are the same for everyone', () => {
  it('names no path of this machine, and a second clone (keyfence elsewhere) installs with git status clean', () => {
    const repo = huskyProject();
    for (const hook of ['pre-commit', 'commit-msg']) {
      const text = readFileSync(path.join(repo, '.husky', hook), 'utf8');
      expect(text).toContain('node_modules/.bin/keyfence');
      expect(text).not.toContain(WORKTREE);
      expect(text).not.toContain(process.execPath);
      expect(text).not.toContain(repo);
      expect(text).not.toMatch(/\bnpx\b/);
    }

    const clone = path.join(tempDir(), 'clone');
    git(repo, 'clone', '-q', repo, clone);
    git(clone, 'config', 'user.name', 'Grace Hopper');
    git(clone, 'config', 'user.email', 'grace@example.com');
    asDevDependency(clone, true); // a keyfence at another path, as on another machine
    huskyInit(clone);
    const again = npxKeyfence(clone, ['install']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toBe('keyfence: .husky/pre-commit is up to date\nkeyfence: .husky/commit-msg is up to date\n');
    expect(git(clone, 'status', '--porcelain')).toBe('');

    // The committed hook works in the clone: its own node_modules/.bin/keyfence blocks a key.
    write(clone, 'creds.ini', secretFile().text);
    git(clone, 'add', 'creds.ini');
    const blocked = tryCommit(clone, 'x', PATH_WITHOUT_KEYFENCE);
    expect(blocked.committed).toBe(false);
    expect(blocked.stderr).toContain('lint-ran');
    expect(blocked.stderr).toContain('keyfence: commit blocked: the staged changes add the secret(s) listed above.');
  });
});

describe('after npm uninstall keyfence, the hook still fails closed and says how to take it out', () => {
  /** Runs the removal command the hook printed, as a person would paste it. */
  function runPrinted(repo: string, stderr: string): void {
    const m = /^ {2}(perl .*)$/m.exec(stderr);
    expect(m, stderr).not.toBeNull();
    execFileSync('sh', ['-c', m![1]!], { cwd: repo });
  }

  it('husky: names .husky/pre-commit and the one command that removes the block; after it, commits pass and the rest of the hook stays', () => {
    const repo = huskyProject();
    rmSync(path.join(repo, 'node_modules'), { recursive: true }); // npm uninstall keyfence
    write(repo, 'a.txt', 'a\n');
    git(repo, 'add', 'a.txt');
    const r = tryCommit(repo, 'x', PATH_WITHOUT_KEYFENCE);
    expect(r.committed).toBe(false);
    expect(r.stderr).toContain('keyfence: not found (not in node_modules/.bin, nor on PATH).');
    expect(r.stderr).toContain('keyfence: .husky/pre-commit runs it: install keyfence again (npm install), or take keyfence out of that hook with:');
    expect(r.stderr).toContain('could not check the staged changes (exit 127');
    runPrinted(repo, r.stderr);
    expect(readFileSync(path.join(repo, '.husky', 'pre-commit'), 'utf8')).toBe('echo lint-ran >&2\n');
    const after = tryCommit(repo, 'x', PATH_WITHOUT_KEYFENCE);
    expect(after.committed, after.stderr).toBe(false); // commit-msg still holds its block…
    expect(after.stderr).toContain('.husky/commit-msg runs it');
    runPrinted(repo, after.stderr);
    expect(tryCommit(repo, 'x', PATH_WITHOUT_KEYFENCE).committed).toBe(true);
  });

  it('.git/hooks: names the hook file the same way', () => {
    const repo = tempRepo();
    write(repo, 'README.md', '# app\n');
    git(repo, 'add', '.');
    commit(repo, 'init');
    asDevDependency(repo, true);
    expect(npxKeyfence(repo, ['install']).status).toBe(0);
    rmSync(path.join(repo, 'node_modules'), { recursive: true });
    write(repo, 'a.txt', 'a\n');
    git(repo, 'add', 'a.txt');
    const r = gitTry(repo, ['commit', '-q', '-m', 'x'], PATH_WITHOUT_KEYFENCE);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('keyfence: .git/hooks/pre-commit runs it');
    runPrinted(repo, r.stderr);
    expect(readFileSync(path.join(repo, '.git', 'hooks', 'pre-commit'), 'utf8')).toBe('#!/bin/sh\n');
  });
});
