// `keyfence git-secrets --install` writes hooks that run keyfence itself: they work where
// awslabs' git-secrets is not installed, and where it is, it is not what runs.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeKeyId } from '../src/rules/examples.js';
import { bin, commit, git, gitTry, tempDir, tempRepo, write } from './gitRepo.js';
import { PATH_WITHOUT_KEYFENCE } from './installHelpers.js';

/** A PATH holding git and nothing else: no git-secrets, no keyfence, no node. */
function pathWithOnlyGit(): string {
  const dir = tempDir('keyfence-path-');
  symlinkSync('/usr/bin/git', path.join(dir, 'git'));
  return dir;
}

function dropInRepo(): string {
  const repo = tempRepo();
  write(repo, 'README.md', '# app\n');
  git(repo, 'add', '.');
  commit(repo, 'init');
  const inst = bin(repo, ['git-secrets', '--install']);
  expect(inst.status, inst.stderr).toBe(0);
  expect(bin(repo, ['git-secrets', '--register-aws']).status).toBe(0);
  return repo;
}

/** Stages a file with a fresh key and commits with `env`: the hook must block it as git-secrets does. */
function expectKeyBlocked(repo: string, env: NodeJS.ProcessEnv): void {
  const id = fakeKeyId();
  write(repo, 'bad.txt', `key = ${id}\n`);
  git(repo, 'add', 'bad.txt');
  const blocked = gitTry(repo, ['commit', '-q', '-m', 'bad'], env);
  expect(blocked.status).toBe(1);
  expect(blocked.stderr).toContain(`bad.txt:1:key = ${id}\n`);
  expect(blocked.stderr).toContain('[ERROR] Matched one or more prohibited patterns');
}

describe('keyfence git-secrets --install: the hooks run keyfence, not `git secrets`', () => {
  it("works where git-secrets is not installed: a clean commit passes, a key is blocked with git-secrets' output", () => {
    const repo = dropInRepo();
    const env = { PATH: pathWithOnlyGit() };
    write(repo, 'ok.txt', 'hello\n');
    git(repo, 'add', 'ok.txt');
    const clean = gitTry(repo, ['commit', '-q', '-m', 'clean'], env);
    expect(clean.stderr).toBe('');
    expect(clean.status).toBe(0);
    expectKeyBlocked(repo, env);
  });

  it('where the real git-secrets is first on PATH, it is not what the hooks run', () => {
    const repo = dropInRepo();
    const dir = tempDir('keyfence-path-');
    const marker = path.join(dir, 'real-git-secrets-ran');
    // The real git-secrets (Debian's), wrapped to leave a mark when it runs.
    writeFileSync(path.join(dir, 'git-secrets'), `#!/bin/sh\ntouch '${marker}'\nexec /usr/bin/git-secrets "$@"\n`);
    chmodSync(path.join(dir, 'git-secrets'), 0o755);
    expectKeyBlocked(repo, { PATH: `${dir}:${PATH_WITHOUT_KEYFENCE.PATH}` });
    expect(existsSync(marker)).toBe(false);
  });

  it('keyfence gone: the hook fails closed, names itself and the command that removes it', () => {
    const repo = tempRepo();
    mkdirSync(path.join(repo, '.git', 'hooks'), { recursive: true });
    expect(bin(repo, ['git-secrets', '--install']).status).toBe(0);
    const hook = path.join(repo, '.git', 'hooks', 'pre-commit');
    writeFileSync(hook, readFileSync(hook, 'utf8').replace(/^kf_js=.*$/m, "kf_js='/nonexistent/keyfence.js'"));
    write(repo, 'a.txt', 'a\n');
    git(repo, 'add', '.');
    const r = gitTry(repo, ['commit', '-q', '-m', 'x'], { PATH: pathWithOnlyGit() });
    expect(r.status).toBe(1); // git: the hook failed (it exited 127)
    expect(r.stderr).toContain('keyfence: not found');
    expect(r.stderr).toContain('keyfence: .git/hooks/pre-commit runs it');
    expect(r.stderr).toContain('  rm .git/hooks/pre-commit\n');
  });
});
