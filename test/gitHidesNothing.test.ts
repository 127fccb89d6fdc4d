// What git's own settings could hide from the hook (--staged) and from --history: attributes,
// encodings, size thresholds, root commits, odd commit metadata, message bodies. Each case is
// found by a tree scan, so the hook and history must find it too. Real git, the real binary.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import type { ScanResult } from '../src/types.js';
import { bin, binScan, commit, git, secretFile, tempRepo, write } from './gitRepo.js';

const paths = (r: ScanResult) => [...new Set(r.findings.map((f) => f.path))].sort();

/** A repository whose attributes and config make git's diff call each of these files binary. */
function repoHidingFiles(): { repo: string; keyIds: string[] } {
  const repo = tempRepo();
  git(repo, 'config', 'core.bigFileThreshold', '200');
  write(repo, '.gitattributes', '*.nd -diff\n*.bn binary\n');
  write(repo, 'README', 'seed\n');
  git(repo, 'add', '.');
  commit(repo, 'seed');
  const keyIds: string[] = [];
  const next = () => {
    const s = secretFile();
    keyIds.push(s.keyId);
    return s.text;
  };
  write(repo, 'a.nd', next());
  write(repo, 'b.bn', next());
  write(repo, 'c.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(next(), 'utf16le')]));
  write(repo, 'd.big', `${'# padding line\n'.repeat(20)}${next()}`);
  git(repo, 'add', '.');
  return { repo, keyIds };
}

describe('the hook (--staged) sees what a tree scan sees', () => {
  it('files marked -diff or binary, UTF-16 files and files over core.bigFileThreshold', () => {
    const { repo, keyIds } = repoHidingFiles();
    const tree = binScan(repo, '.');
    expect(paths(tree.result)).toEqual(['a.nd', 'b.bn', 'c.txt', 'd.big']);
    const staged = binScan(repo, '--staged');
    expect(staged.status).toBe(1);
    expect(paths(staged.result)).toEqual(['a.nd', 'b.bn', 'c.txt', 'd.big']);
    expect(
      staged.result.findings
        .filter((f) => f.ruleId === 'aws-access-key-id')
        .map((f) => f.secret)
        .sort(),
    ).toEqual([...keyIds].sort());
    expect(staged.result.findings.find((f) => f.path === 'd.big')?.line).toBe(22);
    // From a subdirectory too (git's pathspecs are relative to the current directory).
    write(repo, 'sub/keep', '\n');
    expect(paths(binScan(path.join(repo, 'sub'), '--staged').result)).toEqual(['a.nd', 'b.bn', 'c.txt', 'd.big']);
  });

  it('a Git LFS pointer is skipped with a note', () => {
    const repo = tempRepo();
    write(repo, 'README', 'seed\n');
    git(repo, 'add', '.');
    commit(repo, 'seed');
    write(repo, '.gitattributes', '*.bin filter=lfs diff=lfs merge=lfs -text\n');
    write(repo, 'model.bin', `version https://git-lfs.github.com/spec/v1\noid sha256:${'ab'.repeat(32)}\nsize 12345\n`);
    git(repo, 'add', '.');
    const r = binScan(repo, '--staged');
    expect(r.status).toBe(0);
    expect(r.result.stats.skipped).toEqual([{ path: 'model.bin', reason: expect.stringMatching(/LFS pointer/) }]);
  });

  it('pairs an unnamed secret staged below a committed key ID, and reports only the added line', () => {
    const repo = tempRepo();
    const keyId = fakeKeyId();
    const secret = fakeSecretKey();
    write(repo, 'client.go', `package main\n\nvar creds = credentials.NewStaticCredentials(\n\t"${keyId}",\n`);
    git(repo, 'add', '.');
    commit(repo, 'client');
    write(repo, 'client.go', `package main\n\nvar creds = credentials.NewStaticCredentials(\n\t"${keyId}",\n\t"${secret}",\n\t"")\n`);
    // The tree scan pairs them …
    expect(binScan(repo, '.').result.findings.map((f) => [f.ruleId, f.line])).toEqual([
      ['aws-access-key-id', 4],
      ['aws-secret-access-key', 5],
    ]);
    git(repo, 'add', '.');
    // … and so does the hook, which reports the new line only (the key ID was committed before).
    const staged = binScan(repo, '--staged');
    expect(staged.status).toBe(1);
    expect(staged.result.findings.map((f) => [f.ruleId, f.line, f.secret])).toEqual([['aws-secret-access-key', 5, secret]]);
  });

  it('a staged file over --max-file-size is skipped with a note, as a tree scan skips it', () => {
    const repo = tempRepo();
    write(repo, 'big.env', `${'x'.repeat(3000)}\n${secretFile().text}`);
    git(repo, 'add', '.');
    const r = binScan(repo, '--staged', '--max-file-size', '1000');
    expect(r.status).toBe(0);
    expect(r.result.stats.skipped).toEqual([{ path: 'big.env', reason: expect.stringMatching(/larger than --max-file-size/) }]);
  });

  // A staged file of hundreds of MB must not pass through keyfence's memory to be skipped (600 MB
  // does not fit in a string: the hook failed with an internal error). A git on PATH that logs
  // how much each call printed shows what keyfence asked for: nothing near the file's size,
  // whether git's diff calls the file text or binary.
  it('never has git print a staged file it skips for its size, text or binary', () => {
    const repo = tempRepo();
    const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const wrapDir = path.join(repo, '.wrap');
    const log = path.join(wrapDir, 'printed.log');
    write(repo, '.wrap/git', `#!/bin/sh\nout=$(mktemp)\n"${real}" "$@" > "$out"\nrc=$?\nwc -c < "$out" >> "${log}"\ncat "$out"\nrm -f "$out"\nexit $rc\n`);
    execFileSync('chmod', ['+x', path.join(wrapDir, 'git')]);
    write(repo, '.gitignore', '.wrap/\n');
    const line = 'const filler = "a line of a large generated file";\n';
    write(repo, 'big.js', line.repeat(Math.ceil((4 << 20) / line.length)));
    write(repo, 'big.bin', Buffer.concat([Buffer.alloc(8, 0), Buffer.alloc(4 << 20, 0x41)]));
    write(repo, 'small.ini', secretFile().text);
    git(repo, 'add', 'big.js', 'big.bin', 'small.ini', '.gitignore');
    const r = bin(repo, ['scan', '--staged', '--max-file-size', String(1 << 20), '--format', 'json'], { PATH: `${wrapDir}:${process.env.PATH}` });
    expect(r.status).toBe(1);
    const result = JSON.parse(r.stdout) as ScanResult;
    expect(result.findings.map((f) => f.path)).toEqual(['small.ini', 'small.ini']);
    expect(result.stats.skipped.map((s) => s.path).sort()).toEqual(['big.bin', 'big.js']);
    const printed = execFileSync('cat', [log], { encoding: 'utf8' }).trim().split('\n').map(Number);
    expect(Math.max(...printed)).toBeLessThan(64 * 1024);
  });
});

describe('--history sees what a tree scan sees', () => {
  it('files marked -diff or binary, UTF-16 files and files over core.bigFileThreshold', () => {
    const { repo, keyIds } = repoHidingFiles();
    const added = commit(repo, 'add files');
    const r = binScan(repo, '--history');
    expect(r.status).toBe(1);
    expect(paths(r.result)).toEqual(['a.nd', 'b.bn', 'c.txt', 'd.big']);
    expect(
      r.result.findings
        .filter((f) => f.ruleId === 'aws-access-key-id')
        .map((f) => f.secret)
        .sort(),
    ).toEqual([...keyIds].sort());
    expect(new Set(r.result.findings.map((f) => f.commit))).toEqual(new Set([added]));
  });

  it('the root commit, even with log.showRoot=false', () => {
    const repo = tempRepo();
    const s = secretFile();
    write(repo, 'creds.ini', s.text);
    git(repo, 'add', '.');
    const root = commit(repo, 'root');
    git(repo, 'config', 'log.showRoot', 'false');
    const r = binScan(repo, '--history');
    expect(r.status).toBe(1);
    expect(r.result.findings.map((f) => [f.path, f.secret, f.commit])).toContainEqual(['creds.ini', s.keyId, root]);
  });

  it('an author or subject holding \\x1f or \\x1e does not break the commit record', () => {
    const repo = tempRepo();
    const s = secretFile();
    write(repo, 'creds.ini', s.text);
    git(repo, 'add', '.');
    const tree = git(repo, 'write-tree').trim();
    const raw = `tree ${tree}\nauthor Eve\x1fMallory <eve@example.com> 1700000000 +0000\ncommitter Eve <eve@example.com> 1700000000 +0000\n\n\x1eodd\x1fsubject\n`;
    const sha = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], { cwd: repo, input: raw, encoding: 'utf8' }).trim();
    git(repo, 'update-ref', 'refs/heads/main', sha);
    const r = binScan(repo, '--history');
    expect(r.status).toBe(1);
    const f = r.result.findings.find((x) => x.secret === s.keyId);
    expect(f).toMatchObject({
      path: 'creds.ini',
      commit: sha,
      author: 'Eve\x1fMallory',
      email: 'eve@example.com',
      date: '2023-11-14T22:13:20+00:00',
      message: '\x1eodd\x1fsubject',
    });
  });

  it('scans whole commit messages (subject and body), redacted in every report', () => {
    const repo = tempRepo();
    const keyId = fakeKeyId();
    write(repo, 'a.txt', 'a\n');
    git(repo, 'add', '.');
    const sha = commit(repo, `Rotate keys\n\nThe old one was\n${keyId}\n`);
    const r = binScan(repo, '--history');
    expect(r.status).toBe(1);
    expect(r.result.findings.map((f) => [f.path, f.line, f.secret, f.commit, f.message])).toEqual([['(commit message)', 4, keyId, sha, 'Rotate keys']]);
    for (const format of ['text', 'json', 'sarif', 'csv', 'github', 'junit', 'html']) {
      const out = bin(repo, ['scan', '--history', '--format', format]);
      expect(out.status, format).toBe(1);
      expect(out.stdout + out.stderr, format).not.toContain(keyId);
    }
  });

  it('honours --max-file-size: a commit adding a larger file is skipped with a note', () => {
    const repo = tempRepo();
    write(repo, 'big.env', `${'x'.repeat(3000)}\n${secretFile().text}`);
    git(repo, 'add', '.');
    const sha = commit(repo, 'big');
    const r = binScan(repo, '--history', '--max-file-size', '1000');
    expect(r.status).toBe(0);
    expect(r.result.stats.skipped).toEqual([{ path: 'big.env', reason: expect.stringContaining(`commit ${sha.slice(0, 12)}`) }]);
    expect(binScan(repo, '--history').status).toBe(1);
  });
});
