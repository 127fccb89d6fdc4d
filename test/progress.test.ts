import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { createProgress, progressFigures, startProgress } from '../src/progress.js';
import { emptyStats } from '../src/scan.js';
import type { ScanStats } from '../src/types.js';

/** A stand-in for a terminal's stderr: says it is a TTY and keeps what is written. */
function fakeTty(): Writable & { isTTY: boolean; columns: number; written: () => string } {
  const chunks: string[] = [];
  const s = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as Writable & { isTTY: boolean; columns: number; written: () => string };
  s.isTTY = true;
  s.columns = 120;
  s.written = () => chunks.join('');
  return s;
}

const stats = (over: Partial<ScanStats>): ScanStats => ({ ...emptyStats(), ...over });
const tick = () => new Promise((r) => setTimeout(r, 50));
/** Waits (up to 5 s: the bar's first draw loads cli-progress, slow on a busy machine) until `text` is written. */
async function written(tty: { written: () => string }, text: string): Promise<string> {
  for (const end = Date.now() + 5000; !tty.written().includes(text) && Date.now() < end; ) await tick();
  return tty.written();
}

describe('progressFigures', () => {
  it('files done (scanned, binary, skipped) of the total, and MB/s', () => {
    const f = progressFigures(
      stats({ filesScanned: 40, binarySkipped: 5, skipped: [{ path: 'x', reason: 'big' }], filesTotal: 100, bytesScanned: 4 * 1024 * 1024 }),
      2000,
    );
    expect(f).toEqual({ unit: 'files', done: 46, total: 100, bytes: 4 * 1024 * 1024, mbPerSecond: 2 });
  });
  it('commits for history scans, totals when the source knows them', () => {
    expect(progressFigures(stats({ commitsScanned: 7, commitsTotal: 20, filesScanned: 30 }), 1000)).toMatchObject({ unit: 'commits', done: 7, total: 20 });
    expect(progressFigures(stats({ filesScanned: 3 }), 0)).toMatchObject({ unit: 'files', done: 3, total: undefined, mbPerSecond: 0 });
  });
});

describe('progress bar', () => {
  it('draws nothing during the first second, then a bar with done/total and MB/s, and clears it at the end', async () => {
    let t = 0;
    const tty = fakeTty();
    const p = createProgress({ stream: tty, now: () => t });
    p.update(stats({ filesScanned: 10, filesTotal: 100, bytesScanned: 1024 * 1024 }));
    t = 999;
    p.update(stats({ filesScanned: 20, filesTotal: 100, bytesScanned: 2 * 1024 * 1024 }));
    await tick();
    expect(tty.written()).toBe('');
    t = 2000;
    p.update(stats({ filesScanned: 50, filesTotal: 100, bytesScanned: 4 * 1024 * 1024 }));
    expect(await written(tty, '50/100 files')).toContain('50/100 files | 2.0 MB/s');
    expect(tty.written()).toMatch(/keyfence \[█+░+\] 50%/);
    p.stop();
    p.stop();
    expect(tty.written()).toMatch(/\u001b\[\d*K|\u001b\[2K/);
  });
  it('without a known total, counts up', async () => {
    let t = 0;
    const tty = fakeTty();
    const p = createProgress({ stream: tty, now: () => t, delayMs: 10 });
    t = 1000;
    p.update(stats({ commitsScanned: 12, bytesScanned: 0 }));
    await written(tty, '12 commits');
    p.stop();
    expect(tty.written()).toContain('keyfence scanning | 12 commits | 0.0 MB/s');
  });
  it('a scan stopped before the bar loaded draws nothing', async () => {
    let t = 0;
    const tty = fakeTty();
    const p = createProgress({ stream: tty, now: () => t });
    t = 5000;
    p.update(stats({ filesScanned: 1 }));
    p.stop();
    await tick();
    expect(tty.written()).toBe('');
  });
  it('only on a TTY stderr, never with --quiet', () => {
    const tty = fakeTty();
    expect(startProgress({ quiet: false }, { cwd: '.', env: {}, stderrIsTTY: true, stderrStream: tty })).toBeDefined();
    expect(startProgress({ quiet: true }, { cwd: '.', env: {}, stderrIsTTY: true, stderrStream: tty })).toBeUndefined();
    expect(startProgress({ quiet: false }, { cwd: '.', env: {}, stderrIsTTY: false, stderrStream: tty })).toBeUndefined();
    expect(startProgress({ quiet: false }, { cwd: '.', env: {}, stderrIsTTY: true })).toBeUndefined();
  });
  it('a quick scan on a TTY writes nothing to stderr', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keyfence-progress-'));
    writeFileSync(path.join(dir, 'a.txt'), 'hello\n');
    const tty = fakeTty();
    const res = await run(['scan', '--no-git', '.'], { cwd: dir, env: {}, stderrIsTTY: true, stderrStream: tty });
    expect(res.exitCode).toBe(0);
    await tick();
    expect(tty.written()).toBe('');
  });
});

describe('progress bar fed in place', () => {
  it('redraws from the live stats object on its timer, with no further update calls (worker scans)', async () => {
    let t = 0;
    const tty = fakeTty();
    const p = createProgress({ stream: tty, now: () => t, tickMs: 10 });
    const live = stats({ filesTotal: 1000 });
    p.update(live);
    t = 1500;
    live.filesScanned = 640;
    expect(await written(tty, '640/1000 files')).toContain('640/1000 files');
    p.stop();
  });
});
