#!/usr/bin/env node
// Runs the benchmarks: every bench/*.bench.js in name order, or only those named on the
// command line (`npm run bench -- tree precommit`). Each is a plain script that prints its own
// figures; they run one at a time in separate processes so their timings and peak memory do
// not disturb each other. Nothing here is a test: figures are printed, not asserted.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js'))
  .sort();
const chosen = wanted.length ? all.filter((f) => wanted.some((w) => f.startsWith(w))) : all;
if (wanted.length && chosen.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ')} (have: ${all.join(', ')})`);
  process.exit(2);
}
let failed = 0;
for (const file of chosen) {
  console.log(`\n=== ${file}`);
  const r = spawnSync(process.execPath, [dir + file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
