import { execFileSync } from 'node:child_process';
import { rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeKeyId } from '../src/rules/examples.js';
import { bin, git, tempRepo, WORKTREE, write } from './gitRepo.js';
import { spawnSync } from 'node:child_process';

// Config-ish files (.keyfence.json, .gitallowed, a baseline) are read with a size cap, regular
// files only: /dev/zero, a FIFO or a huge file is one line on stderr and exit 2, never a run
// that allocates until it aborts (or blocks on a FIFO forever).

function repoWithFile(): string {
  const repo = tempRepo();
  write(repo, 'a.txt', 'hello\n');
  git(repo, 'add', 'a.txt');
  return repo;
}

function expectOneLineError(r: { status: number; stderr: string }, what: RegExp): void {
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(what);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
}

describe('configuration files that are not regular files, or too large', () => {
  for (const name of ['.gitallowed', '.keyfence.json']) {
    it(`${name} → /dev/zero`, { timeout: 20_000 }, () => {
      const repo = repoWithFile();
      symlinkSync('/dev/zero', path.join(repo, name));
      expectOneLineError(bin(repo, ['scan', '.']), new RegExp(`^keyfence: ${name.replace('.', '\\.')}: not a regular file`));
    });

    it(`${name} as a FIFO`, { timeout: 20_000 }, () => {
      const repo = repoWithFile();
      execFileSync('mkfifo', [path.join(repo, name)]);
      expectOneLineError(bin(repo, ['scan', '.']), /not a regular file/);
    });

    it(`${name} of 100 MB`, { timeout: 20_000 }, () => {
      const repo = repoWithFile();
      writeFileSync(path.join(repo, name), '');
      truncateSync(path.join(repo, name), 100 << 20);
      expectOneLineError(bin(repo, ['scan', '.']), /too large \(104857600 bytes/);
    });
  }

  it('--baseline /dev/zero and a FIFO baseline', { timeout: 20_000 }, () => {
    const repo = repoWithFile();
    expectOneLineError(bin(repo, ['scan', '.', '--baseline', '/dev/zero']), /^keyfence: \/dev\/zero: not a regular file/);
    execFileSync('mkfifo', [path.join(repo, 'fifo.json')]);
    expectOneLineError(bin(repo, ['scan', '.', '--baseline', 'fifo.json']), /fifo\.json: not a regular file/);
  });

  it('--config naming a FIFO', { timeout: 20_000 }, () => {
    const repo = repoWithFile();
    execFileSync('mkfifo', [path.join(repo, 'k.json')]);
    expectOneLineError(bin(repo, ['scan', '.', '--config', 'k.json']), /k\.json: not a regular file/);
  });

  it('a baseline that is not JSON is named, but its content is not quoted', () => {
    const repo = repoWithFile();
    const id = fakeKeyId();
    write(repo, 'base.json', `${id}\n`);
    const r = bin(repo, ['scan', '.', '--baseline', 'base.json']);
    expectOneLineError(r, /^keyfence: base\.json: not a keyfence baseline: invalid JSON at line 1\n$/);
    expect(r.stderr).not.toContain(id.slice(4));
  });

  it('the git-secrets drop-in refuses a .gitallowed that is /dev/zero (one line, exit 2), and still works without one', { timeout: 20_000 }, () => {
    const repo = repoWithFile();
    git(repo, 'config', '--add', 'secrets.patterns', 'hello');
    write(repo, '.gitallowed', 'hello\n');
    const dropIn = (cwd: string) => spawnSync(process.execPath, [path.join(WORKTREE, 'bin', 'git-secrets.js'), '--scan', 'a.txt'], { cwd, encoding: 'utf8' });
    expect(dropIn(repo).status).toBe(0);
    rmSync(path.join(repo, '.gitallowed'));
    symlinkSync('/dev/zero', path.join(repo, '.gitallowed'));
    const r = dropIn(repo);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\.gitallowed: not a regular file/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
