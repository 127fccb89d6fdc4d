import { describe, expect, it } from 'vitest';
import { fakeKeyId } from '../src/rules/examples.js';
import { PARALLEL_MIN_FILES } from '../src/sources/tree.js';
import { bin, git, tempRepo, write } from './gitRepo.js';

// The allow stages must see each finding's whole line (they once saw a 64 KB slice of a long
// line, so a suppressed finding was reported). This tree is too small for a worker thread to
// start (PARALLEL_START_BYTES): test/treeWorkers.test.ts checks the context a worker sends back.

describe('allow stages on long lines in a tree scan of many files', () => {
  it('sees an inline marker and a .gitallowed anchor far from the key on a long line', { timeout: 60_000 }, () => {
    const repo = tempRepo();
    for (let i = 0; i < PARALLEL_MIN_FILES + 50; i++) write(repo, `src/m${i}.js`, `export const v${i} = ${i};\n`);
    const pad = 'x'.repeat(100_000);
    write(repo, 'dist/inline.min.js', `var a="${pad}",k="${fakeKeyId()}",b="${pad}";// keyfence:allow\n`);
    write(repo, 'dist/vendor.min.js', `/*! vendored-sdk */var a="${pad}",k="${fakeKeyId()}";\n`);
    write(repo, '.gitallowed', '^/\\*! vendored-sdk \\*/\n');
    git(repo, 'add', '.');
    const r = bin(repo, ['scan', '.', '--format', 'json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { findings: unknown[]; suppressed: { path: string; suppressedBy: { stage: string } }[] };
    expect(out.findings).toEqual([]);
    expect(out.suppressed.map((s) => `${s.path}:${s.suppressedBy.stage}`).sort()).toEqual(['dist/inline.min.js:inline', 'dist/vendor.min.js:gitallowed']);
    expect(r.status).toBe(0);
  });
});
