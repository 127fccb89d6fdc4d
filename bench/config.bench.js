// What a config costs a scan before any file is read: planning (finding and checking
// .keyfence.json, compiling rules, building allow stages) in a fresh process, without a config
// and with the README's example config, against importing and compiling ajv as the config
// check would cost without the precompiled validator. Median of RUNS fresh processes each.
// Run: npm run bench -- config
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = 15;
const root = fileURLToPath(new URL('../', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'keyfence-bench-config-'));
const none = path.join(dir, 'none');
const withConfig = path.join(dir, 'with');
for (const d of [none, withConfig]) spawnSync('mkdir', ['-p', d]);
writeFileSync(
  path.join(withConfig, '.keyfence.json'),
  JSON.stringify({
    extends: 'default',
    rules: [{ id: 'acme-internal-token', pattern: 'acme_[a-z0-9]{32}', keywords: ['acme_'] }],
    disabledRules: ['aws-session-token'],
    enableRules: ['aws-account-id'],
    allow: { paths: ['test/fixtures/**', '**/*.snap'], regexes: ['AKIA[A-Z2-7]{12}TEST'], stopwords: ['dummy'] },
    baseline: '.keyfence-baseline.json',
  }),
);

const plan = (cwd) => `
const t0 = performance.now();
const { configuredPlan } = await import(${JSON.stringify(`${root}dist/config/configuredPlan.js`)});
await configuredPlan({ cwd: ${JSON.stringify(cwd)}, paths: [], inlineAllow: true });
console.log(performance.now() - t0);`;
const ajv = `
const t0 = performance.now();
const { Ajv } = await import('ajv');
const { readFileSync } = await import('node:fs');
const a = new Ajv();
a.addSchema(JSON.parse(readFileSync(${JSON.stringify(`${root}schema/rules.schema.json`)}, 'utf8')));
a.compile(JSON.parse(readFileSync(${JSON.stringify(`${root}schema/config.schema.json`)}, 'utf8')));
console.log(performance.now() - t0);`;

function median(code) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    times.push(Number(r.stdout));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)].toFixed(1);
}

try {
  console.log(`plan, no config:              ${median(plan(none))} ms (median of ${RUNS} fresh processes)`);
  console.log(`plan, README example config:  ${median(plan(withConfig))} ms`);
  console.log(`for comparison, ajv import + compile of the config schema: ${median(ajv)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
