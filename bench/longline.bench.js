// Very long lines: a key inside a 5 MB one-line minified bundle, and the same bundle with the
// key hidden in base64 and with a 1 MB base64 wasm blob beside it. Prints the column found and
// the time: the detector alone (in process, best of 5) and the whole CLI (`scan --no-git FILE`).
// test/detector.test.ts asserts the column; this only measures.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detect } from '../dist/detect/detector.js';
import { fakeKeyId } from '../dist/rules/examples.js';
import { loadBuiltinRules, selectRules } from '../dist/rules/load.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const rules = selectRules(loadBuiltinRules());
const chunk = 'function(e,t,n){"use strict";var r=n(12),o=Object.assign({},r.defaults,{retries:3});return e.exports=o},';
const before = chunk.repeat(Math.ceil(3_000_000 / chunk.length));
const after = chunk.repeat(Math.ceil(2_000_000 / chunk.length));
const wasm = `var wasm="${randomBytes(750_000).toString('base64')}";`;

const id = fakeKeyId();
const cases = [
  ['plain key', `${before}{accessKeyId:"${id}"},${after}`],
  ['base64 key', `${before}{creds:"${Buffer.from(`aws_access_key_id=${id}`).toString('base64')}"},${after}`],
  ['plain key + 1 MB wasm', `${before}${wasm}{accessKeyId:"${id}"},${after}`],
];

const dir = mkdtempSync(path.join(tmpdir(), 'keyfence-longline-'));
try {
  for (const [name, text] of cases) {
    let best = Infinity;
    let found = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      found = detect({ text, path: 'bundle.min.js', startLine: 1 }, rules);
      best = Math.min(best, performance.now() - started);
    }
    const file = path.join(dir, 'bundle.min.js');
    writeFileSync(file, text);
    const started = performance.now();
    const r = spawnSync(process.execPath, [`${root}bin/keyfence.js`, 'scan', '--no-git', file, '--format', 'json'], { encoding: 'utf8' });
    const cli = performance.now() - started;
    const cliFindings = JSON.parse(r.stdout).findings;
    const where = found.map((f) => `${f.ruleId} at ${f.line}:${f.column}${f.decodedFrom ? ` (${f.decodedFrom})` : ''}`).join(', ');
    console.log(
      `longline ${name}: ${(text.length / 1e6).toFixed(1)} MB on one line — ${where || 'NOTHING FOUND'}; ` +
        `detector ${best.toFixed(0)} ms, CLI ${cli.toFixed(0)} ms (${cliFindings.length} findings)`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
