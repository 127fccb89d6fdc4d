import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detect } from '../src/detect/detector.js';
import { compileRule } from '../src/rules/compile.js';
import { fakeKeyId } from '../src/rules/examples.js';
import { loadBuiltinRules } from '../src/rules/load.js';
import { emptyStats } from '../src/scan.js';
import type { Listed } from '../src/sources/tree.js';
import { scanInWorkers } from '../src/sources/treeWorkers.js';
import { tempDir, writeTree } from './helpers/tmp.js';

// The worker pool hands listed files out in batches; a worker gives back what it did not read
// of a batch past its byte budget, and those files are handed out again. No file may be lost
// or read twice, whoever reads it.

describe('the tree scan worker pool', () => {
  it('scans every listed file once when workers give back most of each batch', { timeout: 60_000 }, async () => {
    const dir = tempDir('keyfence-pool-');
    const files: Record<string, string> = {};
    const planted: string[] = [];
    const N = 400;
    for (let i = 0; i < N; i++) {
      let body = `export const value${i} = ${i};\n`.repeat(200);
      if (i % 10 === 3) {
        const id = fakeKeyId();
        planted.push(`f${i}.js:${id}`);
        body += `const key = "${id}";\n`;
      }
      files[`f${i}.js`] = body;
    }
    writeTree(dir, files);
    const specs = loadBuiltinRules().filter((s) => s.enabled !== false);
    const rules = specs.map(compileRule);
    const stats = emptyStats();
    const found: string[] = [];
    let readHere = 0;
    // A listing slower than the workers start (a large walk): a file every 10 ms until a worker
    // has answered a batch (the files counted exceed those read here), then the rest at once.
    async function* listing(): AsyncGenerator<Listed> {
      for (let i = 0; i < N; i++) {
        if (stats.filesScanned <= readHere) await sleep(10);
        yield { abs: path.join(dir, `f${i}.js`), rel: `f${i}.js` };
      }
    }
    // A byte budget of 1: a worker reads one file of each batch and gives the rest back.
    for await (const item of scanInWorkers(listing(), specs, 1 << 30, stats, 0, 1)) {
      if (!('findings' in item)) readHere++;
      for (const f of 'findings' in item ? item.findings : detect(item, rules)) found.push(`${f.path}:${f.secret}`);
    }
    expect(found.sort()).toEqual(planted.sort());
    expect(stats.filesScanned).toBe(N);
    expect(stats.filesTotal).toBe(N);
    expect(readHere).toBeLessThan(N); // workers read some
  });

  it("gives a worker's findings the whole lines around them as context (for the allow stages)", { timeout: 60_000 }, async () => {
    const dir = tempDir('keyfence-pool-');
    const N = 400;
    const files: Record<string, string> = {};
    for (let i = 0; i < N; i++) files[`f${i}.js`] = `export const value${i} = ${i};\n`.repeat(100);
    // Listed as soon as a worker has answered, so it falls in the worker's next batch: a key in
    // the middle of a 200 KB line, an inline marker at its far end, and the line before it (a
    // .gitallowed anchor may sit there).
    const pad = 'x'.repeat(100_000);
    const id = fakeKeyId();
    files['long.min.js'] = `/*! vendored */\nvar a="${pad}",k="${id}",b="${pad}";// keyfence:allow\n`;
    writeTree(dir, files);
    const specs = loadBuiltinRules().filter((s) => s.enabled !== false);
    const rules = specs.map(compileRule);
    const stats = emptyStats();
    let readHere = 0;
    async function* listing(): AsyncGenerator<Listed> {
      let long = false;
      for (let i = 0; i < N; i++) {
        if (stats.filesScanned <= readHere) await sleep(10);
        else if (!long) {
          long = true;
          yield { abs: path.join(dir, 'long.min.js'), rel: 'long.min.js' };
        }
        yield { abs: path.join(dir, `f${i}.js`), rel: `f${i}.js` };
      }
    }
    const contexts: string[] = [];
    for await (const item of scanInWorkers(listing(), specs, 1 << 30, stats, 0)) {
      if (!('findings' in item)) {
        readHere++;
        expect(detect(item, rules)).toEqual([]); // the key is read by a worker, not here
      } else contexts.push(item.fragment.text);
    }
    expect(contexts).toHaveLength(1);
    const [context] = contexts;
    expect(context).toContain(id);
    expect(context!.startsWith('/*! vendored */\n')).toBe(true);
    expect(context!.endsWith('// keyfence:allow')).toBe(true);
  });
});
