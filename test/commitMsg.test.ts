import { describe, expect, it } from 'vitest';
import { fakeKeyId } from '../src/rules/examples.js';
import { bin, cli, git, gitTry, scanJson, tempDir, tempRepo, write } from './gitRepo.js';

describe('keyfence scan --commit-msg FILE', () => {
  it('finds a key pasted into the message, with the line number of the file', async () => {
    const dir = tempDir();
    const key = fakeKeyId();
    write(dir, 'MSG', `Fix deploy\n# Please enter the commit message\n\nused key ${key} for testing\n`);
    const { exitCode, findings } = await scanJson(dir, '--commit-msg', 'MSG');
    expect(exitCode).toBe(1);
    expect(findings.map((f) => [f.path, f.line, f.secret])).toEqual([['MSG', 4, key]]);
  });

  it('scans # lines too: git records them when the message was not edited (git commit -m "#42 …")', async () => {
    const dir = tempDir();
    const key = fakeKeyId();
    write(dir, 'MSG', `#42 rotate ${key}\n`);
    const r = await scanJson(dir, '--commit-msg', 'MSG');
    expect(r.exitCode).toBe(1);
    expect(r.findings.map((f) => [f.line, f.secret])).toEqual([[1, key]]);
  });

  it('the commit-msg hook blocks `git commit -m "#42 … KEY"` (git keeps the # line)', () => {
    const repo = tempRepo();
    expect(bin(repo, ['install']).status).toBe(0);
    write(repo, 'a.txt', 'a\n');
    git(repo, 'add', '.');
    const key = fakeKeyId();
    const r = gitTry(repo, ['commit', '-q', '-m', `#42 use ${key}`]);
    expect(r.status).not.toBe(0);
    expect(gitTry(repo, ['rev-parse', '--verify', '-q', 'HEAD']).status).not.toBe(0);
  });

  it('leaves out the diff `git commit -v` appends below its scissors line, but not a bare scissors line', async () => {
    const dir = tempDir();
    const scissors = '# ------------------------ >8 ------------------------';
    write(
      dir,
      'MSG',
      `Fix deploy\n${scissors}\n# Do not modify or remove the line above.\n# Everything below it will be ignored.\ndiff --git a/x b/x\n+aws_access_key_id = ${fakeKeyId()}\n`,
    );
    const r = await scanJson(dir, '--commit-msg', 'MSG');
    expect(r.exitCode).toBe(0);
    const key = fakeKeyId();
    write(dir, 'MSG2', `Fix deploy\n${scissors}\n${key}\n`);
    const r2 = await scanJson(dir, '--commit-msg', 'MSG2');
    expect(r2.findings.map((f) => [f.line, f.secret])).toEqual([[3, key]]);
  });

  it('a missing message file: exit 2 with one line', async () => {
    const r = await cli(tempDir(), 'scan', '--commit-msg', 'nope');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('keyfence: cannot read commit message nope: ENOENT\n');
  });
});
