import { describe, expect, it } from 'vitest';
import { fakeKeyId } from '../src/rules/examples.js';
import { cli, scanJson, tempDir, write } from './gitRepo.js';

describe('keyfence scan --commit-msg FILE', () => {
  it('finds a key pasted into the message, with the line number of the file', async () => {
    const dir = tempDir();
    const key = fakeKeyId();
    write(dir, 'MSG', `Fix deploy\n# Please enter the commit message\n\nused key ${key} for testing\n`);
    const { exitCode, findings } = await scanJson(dir, '--commit-msg', 'MSG');
    expect(exitCode).toBe(1);
    expect(findings.map((f) => [f.path, f.line, f.secret])).toEqual([['MSG', 4, key]]);
  });

  it('skips # comment lines and everything below the scissors line, as git does', async () => {
    const dir = tempDir();
    write(dir, 'MSG', `Fix deploy\n# aws_access_key_id = ${fakeKeyId()}\n# ------------------------ >8 ------------------------\n+aws_access_key_id = ${fakeKeyId()}\n`);
    const r = await scanJson(dir, '--commit-msg', 'MSG');
    expect(r.exitCode).toBe(0);
    expect(r.findings).toEqual([]);
  });

  it('a missing message file: exit 2 with one line', async () => {
    const r = await cli(tempDir(), 'scan', '--commit-msg', 'nope');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('keyfence: cannot read commit message nope: ENOENT\n');
  });
});
