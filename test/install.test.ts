import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeKeyId } from '../src/rules/examples.js';
import { BIN, WORKTREE, bin, commit, git, gitTry, secretFile, tempDir, tempRepo, write } from './gitRepo.js';
import { asDevDependency, commits, expectPushBlocked, installed, tryCommit } from './installHelpers.js';

describe('keyfence install: the hooks block commits that add secrets', () => {
  it('installs pre-commit and commit-msg in .git/hooks; blocks a staged key, lets a clean commit through', () => {
    const repo = installed();
    for (const h of ['pre-commit', 'commit-msg']) {
      const file = path.join(repo, '.git', 'hooks', h);
      expect(statSync(file).mode & 0o111).not.toBe(0);
      const text = readFileSync(file, 'utf8');
      expect(text).toContain(BIN);
      expect(text).not.toMatch(/\bnpx\b/);
    }
    write(repo, 'config/prod.ini', secretFile().text);
    git(repo, 'add', '.');
    const blocked = tryCommit(repo, 'add config');
    expect(blocked.committed).toBe(false);
    expect(blocked.stderr).toContain('config/prod.ini:2:');
    expect(blocked.stderr).toContain('keyfence: commit blocked: the staged changes add the secret(s) listed above.');
    expect(blocked.stderr).toContain('git commit --no-verify');

    git(repo, 'rm', '-q', '--cached', 'config/prod.ini');
    write(repo, 'src/app.js', 'console.log(1);\n');
    git(repo, 'add', 'src/app.js');
    expect(tryCommit(repo, 'clean').committed).toBe(true);
  });

  it('guards `git commit -a` and `git commit <path>` too (git stages into a temporary index for the hook)', () => {
    const repo = installed();
    write(repo, 'README.md', `# app\n${secretFile().text}`);
    const all = gitTry(repo, ['commit', '-q', '-a', '-m', 'all']);
    expect(all.status).not.toBe(0);
    expect(all.stderr).toContain('README.md:3:');
    const some = gitTry(repo, ['commit', '-q', '-m', 'path', '--', 'README.md']);
    expect(some.status).not.toBe(0);
    expect(some.stderr).toContain('README.md:3:');
    expect(commits(repo)).toBe(1);
  });

  it('the commit-msg hook blocks a key pasted into the message and keeps the message in .git/COMMIT_EDITMSG', () => {
    const repo = installed();
    write(repo, 'a.txt', 'a\n');
    git(repo, 'add', '.');
    const msg = `deploy with ${fakeKeyId()}`;
    const r = tryCommit(repo, msg);
    expect(r.committed).toBe(false);
    expect(r.stderr).toContain('keyfence: commit blocked: the commit message contains the secret(s) listed above.');
    expect(r.stderr).toContain('your message is kept in .git/COMMIT_EDITMSG');
    expect(readFileSync(path.join(repo, '.git', 'COMMIT_EDITMSG'), 'utf8')).toContain(msg);
  });

  it('fails closed: when keyfence itself errors the commit is blocked with one reason line and the escape hatch', () => {
    const repo = installed();
    const hook = path.join(repo, '.git', 'hooks', 'pre-commit');
    const broken = path.join(tempDir(), 'broken.js');
    writeFileSync(broken, "process.stderr.write('keyfence: internal error: boom\\n'); process.exit(2);\n");
    writeFileSync(hook, readFileSync(hook, 'utf8').replace(/^kf_js=.*$/m, `kf_js='${broken}'`));
    write(repo, 'a.txt', 'a\n');
    git(repo, 'add', '.');
    const r = tryCommit(repo);
    expect(r.committed).toBe(false);
    expect(r.stderr).toContain('keyfence: commit blocked: keyfence could not check the staged changes (exit 2, see above).');
    expect(r.stderr).toContain('git commit --no-verify');
    // The escape hatch works.
    expect(gitTry(repo, ['commit', '-q', '--no-verify', '-m', 'anyway']).status).toBe(0);
  });

  it('falls back to node_modules/.bin/keyfence, then PATH, when the installing keyfence is gone; blocks when none is found', () => {
    const repo = installed();
    const hook = path.join(repo, '.git', 'hooks', 'pre-commit');
    writeFileSync(hook, readFileSync(hook, 'utf8').replace(/^kf_js=.*$/m, "kf_js='/nonexistent/keyfence.js'"));
    write(repo, 'creds.ini', secretFile().text);
    git(repo, 'add', '.');
    const nodeDir = path.dirname(process.execPath);
    const noKeyfence = { PATH: `${nodeDir}:/usr/bin:/bin` };

    const none = tryCommit(repo, 'x', noKeyfence);
    expect(none.committed).toBe(false);
    expect(none.stderr).toContain('keyfence: not found');
    expect(none.stderr).toContain('could not check the staged changes (exit 127');

    const onPath = tempDir();
    writeFileSync(path.join(onPath, 'keyfence'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(path.join(onPath, 'keyfence'), 0o755);
    const viaPath = tryCommit(repo, 'x', { PATH: `${onPath}:${noKeyfence.PATH}` });
    expect(viaPath.committed).toBe(false);
    expect(viaPath.stderr).toContain('the staged changes add the secret(s)');

    mkdirSync(path.join(repo, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(path.join(repo, 'node_modules', '.bin', 'keyfence'), `#!/bin/sh\necho via-node-modules >&2\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(path.join(repo, 'node_modules', '.bin', 'keyfence'), 0o755);
    const viaModules = tryCommit(repo, 'x', noKeyfence);
    expect(viaModules.committed).toBe(false);
    expect(viaModules.stderr).toContain('via-node-modules');
    expect(viaModules.stderr).toContain('the staged changes add the secret(s)');
  });

  it('writes to core.hooksPath when it is set', () => {
    const repo = tempRepo();
    git(repo, 'config', 'core.hooksPath', 'ci/hooks');
    installed(repo);
    expect(existsSync(path.join(repo, 'ci', 'hooks', 'pre-commit'))).toBe(true);
    expect(existsSync(path.join(repo, '.git', 'hooks', 'pre-commit'))).toBe(false);
    write(repo, 'creds.ini', secretFile().text);
    git(repo, 'add', '.');
    expect(tryCommit(repo).committed).toBe(false);
  });

  it('chains to an existing shell hook (both run) and uninstall gives it back byte for byte', () => {
    const repo = tempRepo();
    const hook = path.join(repo, '.git', 'hooks', 'pre-commit');
    const original = '#!/usr/bin/env bash\n# my lint\necho user-hook-ran >&2\nexit 0\n';
    mkdirSync(path.dirname(hook), { recursive: true });
    writeFileSync(hook, original, { mode: 0o755 });
    const out = installed(repo);
    expect(bin(out, ['install']).stdout).toContain('keyfence: .git/hooks/pre-commit is up to date');
    write(repo, 'a.txt', 'a\n');
    git(repo, 'add', '.');
    const clean = tryCommit(repo);
    expect(clean.committed).toBe(true);
    expect(clean.stderr).toContain('user-hook-ran');
    write(repo, 'creds.ini', secretFile().text);
    git(repo, 'add', '.');
    const blocked = tryCommit(repo);
    expect(blocked.committed).toBe(false);
    expect(blocked.stderr).not.toContain('user-hook-ran');

    const un = bin(repo, ['uninstall']);
    expect(un.status).toBe(0);
    expect(readFileSync(hook, 'utf8')).toBe(original);
    expect(existsSync(path.join(repo, '.git', 'hooks', 'commit-msg'))).toBe(false);
  });

  it('refuses to touch a hook it cannot chain to unless --force; --force keeps it as a backup that uninstall restores', () => {
    const repo = tempRepo();
    const hook = path.join(repo, '.git', 'hooks', 'pre-commit');
    const original = '#!/usr/bin/env python3\nprint("hi")\n';
    mkdirSync(path.dirname(hook), { recursive: true });
    writeFileSync(hook, original, { mode: 0o755 });
    const refused = bin(repo, ['install']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(
      /^keyfence: \.git\/hooks\/pre-commit already exists and is a \/usr\/bin\/env python3 script, so keyfence cannot chain to it; nothing was installed\. .*--force[^\n]*\n$/,
    );
    expect(readFileSync(hook, 'utf8')).toBe(original);
    expect(existsSync(path.join(repo, '.git', 'hooks', 'commit-msg'))).toBe(false);

    const forced = bin(repo, ['install', '--force']);
    expect(forced.status).toBe(0);
    expect(readFileSync(`${hook}.keyfence-backup`, 'utf8')).toBe(original);
    expect(readFileSync(hook, 'utf8')).toContain('keyfence_hook scan --staged');
    bin(repo, ['uninstall']);
    expect(readFileSync(hook, 'utf8')).toBe(original);
    expect(existsSync(`${hook}.keyfence-backup`)).toBe(false);
  });

  it('husky: adds the keyfence block to .husky/pre-commit, keeps what is there, runs through husky, uninstalls cleanly', () => {
    const repo = tempRepo();
    write(repo, '.husky/pre-commit', 'echo husky-user-line >&2\n');
    const hr = spawnSync(process.execPath, [path.join(WORKTREE, 'node_modules', 'husky', 'bin.js')], { cwd: repo, encoding: 'utf8' });
    expect(hr.status, hr.stderr).toBe(0);
    expect(git(repo, 'config', 'core.hooksPath').trim()).toBe('.husky/_');
    asDevDependency(repo);
    installed(repo);
    const text = readFileSync(path.join(repo, '.husky', 'pre-commit'), 'utf8');
    expect(text.startsWith('echo husky-user-line >&2\n# >>> keyfence >>>')).toBe(true);
    expect(existsSync(path.join(repo, '.husky', 'commit-msg'))).toBe(true);
    write(repo, 'creds.ini', secretFile().text);
    git(repo, 'add', 'creds.ini');
    const blocked = tryCommit(repo);
    expect(blocked.committed).toBe(false);
    expect(blocked.stderr).toContain('husky-user-line');
    expect(blocked.stderr).toContain('keyfence: commit blocked: the staged changes add the secret(s) listed above.');
    bin(repo, ['uninstall']);
    expect(readFileSync(path.join(repo, '.husky', 'pre-commit'), 'utf8')).toBe('echo husky-user-line >&2\n');
    expect(existsSync(path.join(repo, '.husky', 'commit-msg'))).toBe(false);
  });

  it('husky not set up yet: installs into .husky/ and says git will not run it until husky is set up', () => {
    const repo = tempRepo();
    mkdirSync(path.join(repo, '.husky'));
    const r = bin(repo, ['install']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('keyfence: installed .husky/pre-commit\nkeyfence: installed .husky/commit-msg\n');
    expect(r.stderr).toMatch(/^keyfence: note: git does not run \.husky\/ hooks until husky is set up[^\n]*\n$/);
  });

  it('from a linked worktree: hooks go to the common hooks dir and guard the worktree too', () => {
    const repo = installed();
    const wt = path.join(tempDir(), 'wt');
    git(repo, 'worktree', 'add', '-q', '-b', 'side', wt);
    bin(wt, ['uninstall']);
    expect(existsSync(path.join(repo, '.git', 'hooks', 'pre-commit'))).toBe(false);
    expect(bin(wt, ['install']).stdout).toContain('pre-commit');
    expect(existsSync(path.join(repo, '.git', 'hooks', 'pre-commit'))).toBe(true);
    write(wt, 'creds.ini', secretFile().text);
    git(wt, 'add', '.');
    expect(tryCommit(wt).committed).toBe(false);
  });

  it("in a submodule: hooks go to the submodule's git dir", () => {
    const lib = tempRepo();
    write(lib, 'lib.txt', 'lib\n');
    git(lib, 'add', '.');
    commit(lib, 'lib');
    const parent = installed();
    git(parent, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib, 'vendor/lib');
    const sub = path.join(parent, 'vendor', 'lib');
    git(sub, 'config', 'user.name', 'Ada Lovelace');
    git(sub, 'config', 'user.email', 'ada@example.com');
    expect(bin(sub, ['install']).status).toBe(0);
    expect(existsSync(path.join(parent, '.git', 'modules', 'vendor', 'lib', 'hooks', 'pre-commit'))).toBe(true);
    write(sub, 'creds.ini', secretFile().text);
    git(sub, 'add', '.');
    expect(tryCommit(sub).committed).toBe(false);
  });

  it('--pre-push: blocks pushing commits that add a key, lets clean pushes through', () => {
    const remote = tempDir();
    git(remote, 'init', '-q', '--bare');
    const repo = installed(tempRepo(), ['--pre-push']);
    git(repo, 'remote', 'add', 'origin', remote);
    expect(gitTry(repo, ['push', '-q', 'origin', 'main']).status).toBe(0);
    write(repo, 'creds.ini', secretFile().text);
    git(repo, 'add', '.');
    commit(repo, 'sneaked past pre-commit');
    write(repo, 'b.txt', 'b\n');
    git(repo, 'add', '.');
    commit(repo, 'more work');
    expect(expectPushBlocked(repo).stderr).toContain('git push --no-verify');
    expect(git(remote, 'rev-list', '--count', 'main').trim()).toBe('1');

    git(repo, 'checkout', '-q', '-b', 'clean', 'origin/main');
    write(repo, 'c.txt', 'c\n');
    git(repo, 'add', '.');
    commit(repo, 'clean branch');
    expect(gitTry(repo, ['push', '-q', 'origin', 'clean']).status).toBe(0);
  });

  it('outside a git repository: exit 2 with one line', () => {
    const r = bin(tempDir(), ['install']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^keyfence: git rev-parse: not a git repository[^\n]*\n$/);
  });
});
