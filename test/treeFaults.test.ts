// Tree scans under faults: names git lists as bytes, sparse checkouts, files too large for one
// string, Ctrl-C while the progress bar shows (under a pseudo-terminal). Real git, the real binary.
import { spawn } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, bin, binScan, commit, git, secretFile, tempDir, tempRepo, write } from './gitRepo.js';

describe('tree scan faults', () => {
  it('scans a file whose name is not UTF-8, reporting the name escaped', () => {
    const repo = tempRepo();
    const s = secretFile();
    writeFileSync(Buffer.from(`${repo}/caf\xe9.env`, 'latin1'), s.text);
    git(repo, 'add', '.');
    commit(repo, 'latin-1 name');
    const r = binScan(repo, '.');
    expect(r.status).toBe(1);
    expect([...new Set(r.result.findings.map((f) => f.path))]).toEqual(['caf\\xe9.env']);
    const text = bin(repo, ['scan', '.']);
    expect(text.stdout).toContain('caf\\xe9.env');
  });

  it('--no-git: scans files whose name, or whose directory name, is not UTF-8 (the walk reads names as bytes)', () => {
    const dir = tempDir();
    const [a, b, c] = [secretFile(), secretFile(), secretFile()];
    writeFileSync(Buffer.from(`${dir}/caf\xe9.env`, 'latin1'), a.text);
    mkdirSync(Buffer.from(`${dir}/d\xe9p\xf4t`, 'latin1'));
    writeFileSync(Buffer.from(`${dir}/d\xe9p\xf4t/plain.env`, 'latin1'), b.text);
    // A name that is valid UTF-8 and holds U+FFFD itself is read as it is.
    write(dir, 'r\ufffdsum\u00e9.env', c.text);
    const r = binScan(dir, '.', '--no-git');
    expect(r.status).toBe(1);
    expect([...new Set(r.result.findings.map((f) => f.path))].sort()).toEqual(['caf\\xe9.env', 'd\\xe9p\\xf4t/plain.env', 'r\ufffdsum\u00e9.env']);
    expect(r.result.stats.filesScanned).toBe(3);
  });

  it('says how many files a sparse checkout left out of the work tree', () => {
    const repo = tempRepo();
    write(repo, 'in/a.txt', 'a\n');
    write(repo, 'out/b.txt', 'b\n');
    write(repo, 'out/c.txt', 'c\n');
    git(repo, 'add', '.');
    commit(repo, 'two dirs');
    git(repo, 'sparse-checkout', 'set', 'in');
    const r = bin(repo, ['scan', '.']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/2 files outside the sparse checkout/);
  });

  it('skips a file too large for one string with a note instead of aborting the scan', () => {
    const dir = tempDir();
    const s = secretFile();
    write(dir, 'small.env', s.text);
    // 600 MB of text (no NUL in the first 8000 bytes: not binary), sparse on disk.
    const fd = openSync(path.join(dir, 'huge.log'), 'w');
    writeSync(fd, 'log line\n'.repeat(1000));
    ftruncateSync(fd, 600 * 1024 * 1024);
    closeSync(fd);
    const r = binScan(dir, '.', '--no-git', '--max-file-size', String(2 * 1024 * 1024 * 1024));
    expect(r.status).toBe(1);
    expect(r.result.findings.map((f) => f.path)).toContain('small.env');
    expect(r.result.stats.skipped).toEqual([{ path: 'huge.log', reason: expect.stringMatching(/too large/) }]);
  });

  it('Ctrl-C while the progress bar shows puts the terminal cursor back', async () => {
    const dir = tempDir();
    // Python's pty.spawn gives keyfence a terminal and relays everything it writes until the
    // terminal closes (`script` can exit before the last bytes of a dying child are read); a scan
    // of stdin waits, so the bar appears after 1 s.
    const relay = 'import pty, sys; pty.spawn(sys.argv[1:])';
    const child = spawn('python3', ['-c', relay, process.execPath, BIN, 'scan', '-'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const hidden = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString('latin1');
        if (out.includes('\u001b[?25l')) resolve();
      });
    });
    const timeout = setTimeout(() => child.kill(), 15000);
    await hidden;
    child.stdin.write('\u0003');
    await new Promise((resolve) => child.on('close', resolve));
    clearTimeout(timeout);
    const afterHide = out.slice(out.lastIndexOf('\u001b[?25l'));
    expect(afterHide).toContain('\u001b[?25h');
  }, 20000);
});
