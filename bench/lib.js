// Shared helpers for the benchmarks: timing commands interleaved with CPU time and peak memory, a seeded random source,
// fake credentials built at run time (never committed as literals).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A seeded PRNG (mulberry32), so generated trees are the same run to run. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function pick(rand, alphabet, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

/** git-secrets' AWS patterns (git secrets --register-aws), for ripgrep and Node's floor (bench/nodeFloor.js). */
export const AWS = [
  '(A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}',
  `("|')?(AWS|aws|Aws)?_?(SECRET|secret|Secret)?_?(ACCESS|access|Access)?_?(KEY|key|Key)("|')?\\s*(:|=>|=)\\s*("|')?[A-Za-z0-9/\\+=]{40}("|')?`,
  `("|')?(AWS|aws|Aws)?_?(ACCOUNT|account|Account)_?(ID|id|Id)?("|')?\\s*(:|=>|=)\\s*("|')?[0-9]{4}\\-?[0-9]{4}\\-?[0-9]{4}("|')?`,
];

export const hasTime = existsSync('/usr/bin/time');

/**
 * Runs each command once through /usr/bin/time (when installed): wall time (ms, measured here),
 * CPU time (user + system, ms, children such as git included; /usr/bin/time prints 10 ms steps,
 * so means over several runs are what to quote) and peak RSS (MB, the largest single process).
 */
export function runOnce(cmd, args, { cwd, env } = {}) {
  const timeFile = path.join(tmpdir(), `kf-bench-time-${process.pid}`);
  const argv = hasTime ? ['/usr/bin/time', ['-o', timeFile, '-f', '%U %S %M', cmd, ...args]] : [cmd, args];
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv[1], { cwd, env: env ?? process.env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  let cpuMs = NaN;
  let rssMB = NaN;
  if (hasTime && existsSync(timeFile)) {
    const [user, sys, kb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    cpuMs = (user + sys) * 1000;
    rssMB = kb / 1024;
    rmSync(timeFile, { force: true });
  }
  return { ms, cpuMs, rssMB, status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Times several commands interleaved: after `warmup` untimed rounds, each round runs every
 * command once, so a busy machine slows them alike. Per command: median and min wall (ms),
 * mean CPU (ms), peak RSS (MB), the last run's status and output, and per-round comparisons
 * with another command: `ratioTo` (median of wall ratios), `diffTo` (median of wall
 * differences), `cpuRatioTo` and `cpuDiffTo` (of the mean CPU times).
 */
export function compare(commands, { cwd, env, runs = 5, warmup = 1 } = {}) {
  const results = commands.map(({ name }) => ({ name, times: [], cpus: [], rssMB: 0, status: 0, stdout: '', stderr: '' }));
  for (let round = 0; round < warmup + runs; round++) {
    commands.forEach((c, i) => {
      const r = runOnce(c.cmd, c.args, { cwd: c.cwd ?? cwd, env: c.env ?? env });
      if (round >= warmup) {
        results[i].times.push(r.ms);
        results[i].cpus.push(r.cpuMs);
        results[i].rssMB = Math.max(results[i].rssMB, r.rssMB);
      }
      Object.assign(results[i], { status: r.status, stdout: r.stdout, stderr: r.stderr });
    });
  }
  for (const r of results) {
    r.median = median(r.times);
    r.mean = mean(r.times);
    r.min = Math.min(...r.times);
    r.cpu = mean(r.cpus);
    r.ratioTo = (other) => median(r.times.map((t, k) => t / other.times[k]));
    r.diffTo = (other) => median(r.times.map((t, k) => t - other.times[k]));
    r.cpuRatioTo = (other) => r.cpu / other.cpu;
    r.cpuDiffTo = (other) => r.cpu - other.cpu;
  }
  return results;
}

/** Peak RSS (MB) and CPU time (s) of one run of cmd (see runOnce); undefined without /usr/bin/time. */
export function usage(cmd, args, { cwd } = {}) {
  if (!hasTime) return undefined;
  const r = runOnce(cmd, args, { cwd });
  return { rssMb: r.rssMB, cpuS: r.cpuMs / 1000 };
}

export function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
