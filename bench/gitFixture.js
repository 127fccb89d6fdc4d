// The git repository the pre-commit and history benchmarks run on: FILES text files and
// COMMITS commits (each edits a few lines of one file; every 500th adds a fake AWS key pair),
// built once with `git fast-import` under bench/.bench/ (git-ignored) and reused. Fake
// credentials come from dist/rules/examples.js at run time; none is ever committed here.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seeded } from './lib.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = path.join(ROOT, 'bin', 'keyfence.js');

const WORDS = 'const let return function import export from await async value config region bucket handler request response error result items index'.split(' ');

function line(rand) {
  const n = 3 + Math.floor(rand() * 8);
  let s = '  ';
  for (let i = 0; i < n; i++) s += WORDS[Math.floor(rand() * WORDS.length)] + ' ';
  return `${s}= ${Math.floor(rand() * 1e6)};`;
}

/**
 * Returns the path of the fixture repo (work tree at the last commit, clean index), building it
 * when missing. `files` text files of ~40 lines, `commits` commits in total.
 */
export async function fixtureRepo({ files = 2000, commits = 10000 } = {}) {
  const dir = path.join(ROOT, 'bench', '.bench', `repo-${files}f-${commits}c`);
  if (existsSync(path.join(dir, '.git', 'keyfence-fixture-done'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { fakeKeyId, fakeSecretKey } = await import(path.join(ROOT, 'dist', 'rules', 'examples.js'));
  const rand = seeded(42);
  const git = (...args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Bench');
  git('config', 'user.email', 'bench@example.com');
  const contents = [];
  const names = [];
  for (let i = 0; i < files; i++) {
    names.push(`src/mod${i % 50}/file${i}.js`);
    contents.push(Array.from({ length: 40 }, () => line(rand)));
  }
  const chunks = [];
  const blob = (text) => {
    const b = Buffer.from(text);
    chunks.push(Buffer.from(`data ${b.length}\n`), b, Buffer.from('\n'));
  };
  let time = 1_700_000_000;
  const header = (n, msg) => {
    chunks.push(Buffer.from(`commit refs/heads/main\nmark :${n}\ncommitter Bench <bench@example.com> ${time++} +0000\n`));
    blob(msg);
    if (n > 1) chunks.push(Buffer.from(`from :${n - 1}\n`));
  };
  header(1, 'initial import');
  for (let i = 0; i < files; i++) {
    chunks.push(Buffer.from(`M 100644 inline ${names[i]}\n`));
    blob(contents[i].join('\n') + '\n');
  }
  for (let c = 2; c <= commits; c++) {
    const f = Math.floor(rand() * files);
    const lines = contents[f];
    for (let k = 0; k < 3; k++) lines[Math.floor(rand() * lines.length)] = line(rand);
    if (c % 500 === 0) lines.splice(5, 0, `  const awsKey = "${fakeKeyId()}";`, `  const aws_secret_access_key = "${fakeSecretKey()}";`);
    header(c, `change ${c}`);
    chunks.push(Buffer.from(`M 100644 inline ${names[f]}\n`));
    blob(lines.join('\n') + '\n');
  }
  const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, input: Buffer.concat(chunks), maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git fast-import failed: ${r.stderr}`);
  git('checkout', '-q', '-f', 'main');
  git('gc', '-q');
  execFileSync('touch', [path.join(dir, '.git', 'keyfence-fixture-done')]);
  return dir;
}

/**
 * Times several commands interleaved (each round runs every command once, after one warm-up
 * round), so a busy machine slows them alike. Per command: median, mean and min wall time (ms),
 * the last run's status and output, and `ratioTo(other)`: the median of the per-round ratios.
 */
export function compare(commands, { cwd, runs = 15 } = {}) {
  const results = commands.map(({ name }) => ({ name, times: [], status: 0, stdout: '', stderr: '' }));
  for (let round = 0; round <= runs; round++) {
    commands.forEach(({ cmd, args }, i) => {
      const t = process.hrtime.bigint();
      const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (round > 0) results[i].times.push(ms);
      Object.assign(results[i], { status: r.status, stdout: r.stdout, stderr: r.stderr });
    });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const r of results) {
    r.median = median(r.times);
    r.mean = r.times.reduce((a, b) => a + b, 0) / r.times.length;
    r.min = Math.min(...r.times);
    r.ratioTo = (other) => median(r.times.map((t, k) => t / other.times[k]));
    r.diffTo = (other) => median(r.times.map((t, k) => t - other.times[k]));
  }
  return results;
}

/**
 * Peak RSS (MB) and CPU time (user + system, s; children such as git included) of one run of
 * cmd, from /usr/bin/time -v; undefined when it is not installed. CPU time barely moves with
 * machine load, unlike wall time.
 */
export function usage(cmd, args, { cwd } = {}) {
  if (!existsSync('/usr/bin/time')) return undefined;
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const num = (re) => Number(re.exec(r.stderr)?.[1] ?? NaN);
  return {
    rssMb: num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024,
    cpuS: num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/),
  };
}

export const fmt = (ms) => `${ms.toFixed(1)} ms`;
