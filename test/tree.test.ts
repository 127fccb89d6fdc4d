import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import { cli, gitIn, tempDir, tempRepo, writeTree } from './helpers/tmp.js';
import { PARALLEL_START_BYTES } from '../src/sources/tree.js';

const BIN = fileURLToPath(new URL('../bin/keyfence.js', import.meta.url));

async function jsonScan(argv: string[], cwd: string) {
  const r = await cli(['scan', '-f', 'json', '--no-redact', ...argv], cwd);
  return { ...r, report: JSON.parse(r.stdout || '{}') };
}

describe('tree scan inside a git work tree', () => {
  it('reads tracked and untracked-not-ignored files, skips ignored ones, paths from the repo root', async () => {
    const repo = tempRepo();
    const ids = [fakeKeyId(), fakeKeyId(), fakeKeyId()];
    writeTree(repo, {
      '.gitignore': 'secret.log\n',
      'src/tracked.js': `const k = "${ids[0]}";\n`,
      'src/new file.txt': `k=${ids[1]}\n`,
      'secret.log': `k=${ids[2]}\n`,
    });
    gitIn(repo, 'add', '.gitignore', 'src/tracked.js');
    gitIn(repo, 'commit', '-qm', 'init');
    const { report, exitCode } = await jsonScan([], path.join(repo, 'src'));
    expect(exitCode).toBe(1);
    expect(report.findings.map((f: { path: string; secret: string }) => [f.path, f.secret])).toEqual([
      ['src/new file.txt', ids[1]],
      ['src/tracked.js', ids[0]],
    ]);
  });

  it('--no-git walks every file instead, ignored ones too', async () => {
    const repo = tempRepo();
    writeTree(repo, { '.gitignore': 'secret.log\n', 'secret.log': `k=${fakeKeyId()}\n` });
    expect((await jsonScan([], repo)).report.findings).toHaveLength(0);
    expect((await jsonScan(['--no-git', '.'], repo)).report.findings.map((f: { path: string }) => f.path)).toEqual(['secret.log']);
  });
});

describe('tree scan of any directory (--no-git)', () => {
  it('includes dotfiles, skips .git/, does not follow symlinks, paths relative to the directory', async () => {
    const dir = tempDir();
    const id = fakeKeyId();
    writeTree(dir, { 'app/.env': `AWS_ACCESS_KEY_ID=${id}\n`, '.git/config': `k=${fakeKeyId()}\n` });
    const outside = tempDir();
    writeTree(outside, { creds: `k=${fakeKeyId()}\n` });
    symlinkSync(path.join(outside, 'creds'), path.join(dir, 'link-to-creds'));
    symlinkSync(outside, path.join(dir, 'link-to-dir'));
    const { report } = await jsonScan(['--no-git', dir], tempDir());
    expect(report.findings.map((f: { path: string; secret: string }) => [f.path, f.secret])).toEqual([['app/.env', id]]);
  });

  it('skips and counts binary files, decodes UTF-16 with a BOM, handles CRLF and Latin-1', async () => {
    const dir = tempDir();
    const [a, b, c, d] = [fakeKeyId(), fakeKeyId(), fakeKeyId(), fakeKeyId()];
    writeTree(dir, {
      'image.png': Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]), Buffer.from(`k=${a}`)]),
      'ps.txt': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`$env:KEY = "${b}"\r\n`, 'utf16le')]),
      'win.ini': `[aws]\r\nkey=${c}\r\n`,
      'latin1.txt': Buffer.concat([Buffer.from('caf\xe9 ', 'latin1'), Buffer.from(`${d}\n`)]),
    });
    const { report } = await jsonScan(['--no-git', '.'], dir);
    expect(report.stats.binarySkipped).toBe(1);
    expect(report.stats.filesScanned).toBe(3);
    const got = report.findings.map((f: { path: string; line: number; column: number; secret: string }) => [f.path, f.line, f.column, f.secret]);
    expect(got).toEqual([
      ['latin1.txt', 1, 6, d],
      ['ps.txt', 1, 13, b],
      ['win.ini', 2, 5, c],
    ]);
  });

  it('tells large files binary from their head, and still reads large UTF-16 and text files whole', async () => {
    const dir = tempDir();
    const [a, b, c] = [fakeKeyId(), fakeKeyId(), fakeKeyId()];
    const filler = 'x = 1\n'.repeat(100_000); // 600 kB: above the size whose head is read first
    writeTree(dir, {
      'native.node': Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.from(filler), Buffer.from(`k=${a}\n`)]),
      'wide.txt': Buffer.from(`${filler}k=${b}\n`, 'utf16le'), // no BOM: told from its NUL pattern
      'big.txt': `${filler}k=${c}\n`,
    });
    const { report } = await jsonScan(['--no-git', '.'], dir);
    expect(report.stats).toMatchObject({ binarySkipped: 1, filesScanned: 2 });
    expect(report.findings.map((f: { path: string; line: number; secret: string }) => [f.path, f.line, f.secret])).toEqual([
      ['big.txt', 100_001, c],
      ['wide.txt', 100_001, b],
    ]);
  });

  it('finds a key in a minified file with a 100 kB line, at the right column', async () => {
    const dir = tempDir();
    const id = fakeKeyId();
    const filler = 'var a=function(){return 1};'.repeat(4000);
    writeTree(dir, { 'bundle.min.js': `${filler}var k="${id}";${filler}` });
    const { report } = await jsonScan(['--no-git', '.'], dir);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ line: 1, column: filler.length + 8, secret: id });
    expect(report.findings[0].lineText.length).toBeLessThan(400);
  });

  it('skips files over --max-file-size with a note, and goes on', async () => {
    const dir = tempDir();
    writeTree(dir, { 'big.txt': `${'x'.repeat(2000)}\nk=${fakeKeyId()}\n`, 'small.txt': `k=${fakeKeyId()}\n` });
    const r = await cli(['scan', '--no-git', '--max-file-size', '1000', '.'], dir);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^small\.txt:1:3 /);
    expect(r.stderr).toMatch(/^keyfence: skipped big\.txt: larger than --max-file-size \(\d+ bytes\)\n$/);
  });

  const canDropRoot = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');
  it.runIf(canDropRoot)('skips unreadable files and directories with a note (run as an unprivileged user)', () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const id = fakeKeyId();
    writeTree(dir, { 'ok.txt': `k=${id}\n`, 'locked.txt': `k=${fakeKeyId()}\n`, 'private/inner.txt': `k=${fakeKeyId()}\n` });
    for (const f of ['ok.txt', 'locked.txt', 'private/inner.txt']) chmodSync(path.join(dir, f), 0o644);
    chmodSync(path.join(dir, 'locked.txt'), 0o000);
    chmodSync(path.join(dir, 'private'), 0o000);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'scan', '--no-git', dir], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^ok\.txt:1:3 {2}aws-access-key-id/);
    expect(r.stderr).toContain('keyfence: skipped locked.txt: unreadable (EACCES)');
    expect(r.stderr).toContain('keyfence: skipped private: unreadable directory (EACCES)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the installed bin', () => {
  it('runs and exits with the scan code', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'k'), `${fakeSecretKey()}\n`);
    mkdirSync(path.join(dir, 'sub'));
    const r = spawnSync(process.execPath, [BIN, 'scan', '--no-git', dir], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(execFileSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' })).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('large trees are scanned in worker threads', () => {
  it('finds the same secrets at the same places, with the same counts, as a small scan', async () => {
    const dir = tempDir();
    const files: Record<string, string> = {};
    const planted: string[] = [];
    // Enough bytes that worker threads start (PARALLEL_START_BYTES read with files still
    // waiting), of lines slow enough to scan (JSON escapes, a base64 run) that the main thread
    // is still reading when a worker is ready: plain lines are scanned before one starts.
    const line = (i: number) => `const v${i} = "a\\u0041b\\/c\\\\\\""; // token QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\n`;
    const lines = Math.ceil((2 * PARALLEL_START_BYTES) / 600 / line(600).length);
    for (let i = 0; i < 600; i++) {
      const body = line(i).repeat(lines);
      if (i % 100 === 7) {
        const id = fakeKeyId();
        planted.push(`d${i % 10}/f${i}.txt:${lines + 1}:${id}`);
        files[`d${i % 10}/f${i}.txt`] = `${body}key = ${id}\n`;
      } else files[`d${i % 10}/f${i}.txt`] = body;
    }
    files['bin.dat'] = '\0\0\0binary';
    writeTree(dir, files);
    const { report } = await jsonScan(['--no-git', '.'], dir);
    expect(report.stats).toMatchObject({ filesScanned: 600, binarySkipped: 1 });
    const got = report.findings.map((f: { path: string; line: number; secret: string }) => `${f.path}:${f.line}:${f.secret}`);
    expect(got).toEqual([...planted].sort());
  });
});

describe('without git installed', () => {
  it('a tree scan of a repository walks the file system instead, and says so', () => {
    const dir = tempDir();
    const id = fakeKeyId();
    writeTree(dir, { 'a.env': `KEY=${id}\n` });
    // A repository: the tree scan would ask git for its files (outside one it walks anyway).
    spawnSync('git', ['init', '-q'], { cwd: dir });
    const onlyNode = tempDir();
    symlinkSync(process.execPath, path.join(onlyNode, 'node'));
    const r = spawnSync(process.execPath, [BIN, 'scan', '.'], { cwd: dir, encoding: 'utf8', env: { PATH: onlyNode, NO_COLOR: '1' } });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^a\.env:1:5 {2}aws-access-key-id/);
    expect(r.stderr).toBe('keyfence: note: git is not installed (or not on PATH): scanning every file under the paths, as with --no-git\n');
  });
});
