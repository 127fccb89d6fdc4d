import { realpathSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateRepo } from '../src/git/locateRepo.js';
import type { ScanResult } from '../src/types.js';
import { bin, commit, git, gitTry, secretFile, tempDir, tempRepo, write } from './gitRepo.js';

const real = (p: string) => realpathSync(p);

/** What git itself says about the repository at `cwd`. */
function asGit(cwd: string) {
  return {
    workTree: git(cwd, 'rev-parse', '--show-toplevel').trim(),
    gitDir: git(cwd, 'rev-parse', '--absolute-git-dir').trim(),
    commonDir: path.resolve(cwd, git(cwd, 'rev-parse', '--git-common-dir').trim()),
  };
}

describe('locateRepo: the one repository locator', () => {
  it('agrees with git in a plain repository, a linked worktree, a submodule, and with $GIT_DIR/$GIT_WORK_TREE', () => {
    const repo = real(tempRepo());
    write(repo, 'sub/dir/a.txt', 'a\n');
    git(repo, 'add', '.');
    commit(repo, 'init');
    const check = (cwd: string) => expect(locateRepo(cwd, {}), cwd).toEqual(asGit(cwd));
    check(path.join(repo, 'sub/dir'));

    const wt = path.join(real(tempDir()), 'wt');
    git(repo, 'worktree', 'add', '-q', wt);
    check(path.join(wt, 'sub'));

    const parent = real(tempRepo());
    git(parent, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', repo, 'mod');
    check(path.join(parent, 'mod', 'sub'));

    const elsewhere = real(tempDir());
    expect(locateRepo(elsewhere, { GIT_DIR: path.join(repo, '.git'), GIT_WORK_TREE: repo })).toEqual({
      gitDir: path.join(repo, '.git'),
      commonDir: path.join(repo, '.git'),
      workTree: repo,
    });
    expect(locateRepo(real(tempDir()), {})).toBeUndefined();
  });

  it('a bare "dotfiles" repository ($GIT_DIR + $GIT_WORK_TREE): the hook applies the work tree\'s .keyfence.json', () => {
    const home = real(tempDir());
    const gitDir = path.join(real(tempDir()), 'dotfiles.git');
    git(home, 'init', '-q', '--bare', gitDir);
    const env = { GIT_DIR: gitDir, GIT_WORK_TREE: home };
    write(home, '.keyfence.json', JSON.stringify({ allow: { paths: ['fixtures/**'] } }));
    write(home, 'fixtures/creds.ini', secretFile().text);
    expect(gitTry(home, ['add', '.keyfence.json', 'fixtures/creds.ini'], env).status).toBe(0);
    const staged = bin(path.join(home, 'fixtures'), ['scan', '--staged', '--format', 'json'], env);
    expect(staged.status, staged.stderr).toBe(0);
    const result = JSON.parse(staged.stdout) as ScanResult;
    expect(result.suppressed.map((f) => f.path)).toEqual(['fixtures/creds.ini', 'fixtures/creds.ini']);
  });
});
