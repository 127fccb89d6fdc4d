// `keyfence install` never destroys what it finds: concurrent installs, --force twice, symlinked
// and disabled hooks, and a pre-push hook chain that shares git's stdin.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, bin, commit, git, gitTry, secretFile, tempDir, tempRepo, write } from './gitRepo.js';
import { asDevDependency, expectPushBlocked, huskyInit, installed } from './installHelpers.js';

const hookFile = (repo: string, hook = 'pre-commit') => path.join(repo, '.git', 'hooks', hook);

function withHook(text: string, mode = 0o755, hook = 'pre-commit'): string {
  const repo = tempRepo();
  mkdirSync(path.join(repo, '.git', 'hooks'), { recursive: true });
  writeFileSync(hookFile(repo, hook), text, { mode });
  return repo;
}

/** Runs `keyfence install` n times at once; resolves with each exit status. */
function concurrentInstalls(repo: string, n: number): Promise<number[]> {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<number>((resolve) => {
          const p = spawn(process.execPath, [BIN, 'install'], { cwd: repo, stdio: 'ignore' });
          p.on('close', (code) => resolve(code ?? -1));
        }),
    ),
  );
}

describe('install never destroys what it finds', () => {
  it("8 concurrent installs keep the user's hook line, and the block appears once", async () => {
    for (let trial = 0; trial < 2; trial++) {
      // A long hook (a vendored script) widens the window in which a racing writer has it half written.
      const repo = withHook(`#!/bin/sh\n${'# vendored hook, comment line\n'.repeat(60_000)}echo user-line >&2\n`);
      expect(await concurrentInstalls(repo, 8)).toEqual(Array(8).fill(0));
      const text = readFileSync(hookFile(repo), 'utf8');
      expect(text.match(/echo user-line/g)).toHaveLength(1);
      expect(text.match(/# >>> keyfence >>>/g)).toHaveLength(1);
      expect(existsSync(path.join(repo, '.git', 'keyfence-install.lock'))).toBe(false);
    }
  }, 60_000);

  it('--force never overwrites an earlier backup', () => {
    const v1 = '#!/usr/bin/env python3\nprint("v1")\n';
    const repo = withHook(v1);
    expect(bin(repo, ['install', '--force']).status).toBe(0);
    const v2 = '#!/usr/bin/env python3\nprint("v2")\n';
    writeFileSync(hookFile(repo), v2); // another tool put its own hook back
    const r = bin(repo, ['install', '--force']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('the old hook is kept as pre-commit.keyfence-backup.2');
    expect(readFileSync(`${hookFile(repo)}.keyfence-backup`, 'utf8')).toBe(v1);
    expect(readFileSync(`${hookFile(repo)}.keyfence-backup.2`, 'utf8')).toBe(v2);
    bin(repo, ['uninstall']);
    expect(readFileSync(hookFile(repo), 'utf8')).toBe(v2);
    expect(readFileSync(`${hookFile(repo)}.keyfence-backup`, 'utf8')).toBe(v1);
  });

  it('never writes through a symlinked hook (it points into a tracked file): refused, or with --force kept aside as the link', () => {
    const repo = tempRepo();
    const tracked = '#!/bin/sh\necho team-hook >&2\n';
    write(repo, 'tools/pre-commit.sh', tracked);
    git(repo, 'add', '.');
    commit(repo, 'team hook');
    mkdirSync(path.join(repo, '.git', 'hooks'), { recursive: true });
    symlinkSync('../../tools/pre-commit.sh', hookFile(repo));
    const refused = bin(repo, ['install']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(
      /^keyfence: \.git\/hooks\/pre-commit already exists and is a symbolic link \(to \.\.\/\.\.\/tools\/pre-commit\.sh\)[^\n]*\n$/,
    );
    expect(readFileSync(path.join(repo, 'tools', 'pre-commit.sh'), 'utf8')).toBe(tracked);

    expect(bin(repo, ['install', '--force']).status).toBe(0);
    expect(readFileSync(path.join(repo, 'tools', 'pre-commit.sh'), 'utf8')).toBe(tracked);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(lstatSync(hookFile(repo)).isSymbolicLink()).toBe(false);
    expect(readlinkSync(`${hookFile(repo)}.keyfence-backup`)).toBe('../../tools/pre-commit.sh');
    bin(repo, ['uninstall']);
    expect(readlinkSync(hookFile(repo))).toBe('../../tools/pre-commit.sh');
  });

  it('a hook the user disabled with chmod -x stays disabled (with a note)', () => {
    const repo = withHook('#!/bin/sh\necho user-line >&2\n', 0o644);
    const r = bin(repo, ['install']);
    expect(r.status).toBe(0);
    expect(statSync(hookFile(repo)).mode & 0o777).toBe(0o644);
    expect(r.stderr).toContain('keyfence: note: .git/hooks/pre-commit is not executable, so git does not run it');
    expect(readFileSync(hookFile(repo), 'utf8')).toContain('# >>> keyfence >>>');
    expect(statSync(hookFile(repo, 'commit-msg')).mode & 0o111).not.toBe(0); // created: enabled
  });
});

describe("install --pre-push shares git's stdin with the rest of the hook chain", () => {
  /** A stand-in for `git lfs pre-push "$@"`: records the refs it reads on stdin. */
  const RECORDER = 'cat > "$(git rev-parse --git-dir)/refs-seen"';

  function pushSetup(repo: string) {
    const remote = tempDir();
    git(remote, 'init', '-q', '--bare');
    git(repo, 'remote', 'add', 'origin', remote);
    return remote;
  }
  const seen = (repo: string) => readFileSync(path.join(repo, '.git', 'refs-seen'), 'utf8');

  it('.git/hooks/pre-push: the existing hook after keyfence still gets every ref line, byte for byte', () => {
    const repo = withHook(`#!/bin/sh\n${RECORDER}\n`, 0o755, 'pre-push');
    installed(repo, ['--pre-push']);
    pushSetup(repo);
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    expect(gitTry(repo, ['push', '-q', 'origin', 'main']).status).toBe(0);
    expect(seen(repo)).toBe(`refs/heads/main ${head} refs/heads/main ${'0'.repeat(40)}\n`);

    write(repo, 'creds.ini', secretFile().text);
    git(repo, 'add', '.');
    commit(repo, 'key');
    expectPushBlocked(repo);
  });

  it("husky: keyfence sees the refs even though the user's line reads stdin (its block goes first)", () => {
    const repo = tempRepo();
    write(repo, 'package.json', '{ "name": "app", "private": true }\n');
    asDevDependency(repo);
    huskyInit(repo);
    write(repo, '.husky/pre-push', `${RECORDER}\n`);
    installed(repo, ['--pre-push']);
    pushSetup(repo);
    expect(gitTry(repo, ['push', '-q', 'origin', 'main']).status).toBe(0);
    expect(seen(repo)).toMatch(/^refs\/heads\/main [0-9a-f]{40} refs\/heads\/main 0{40}\n$/);

    write(repo, 'creds.ini', secretFile().text);
    git(repo, 'add', 'creds.ini');
    commit(repo, 'key');
    expectPushBlocked(repo);
  });
});
