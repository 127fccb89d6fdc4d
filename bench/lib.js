// Shared helpers for the benchmarks: timing a command with peak memory, a seeded random source,
// fake credentials built at run time (never committed as literals).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

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

export const hasTime = existsSync('/usr/bin/time');

/**
 * Runs `cmd args` `runs` times; returns the median wall time (ms), the peak RSS (MB, from
 * /usr/bin/time when installed) and the last run's exit status and output.
 */
export function measure(cmd, args, { runs = 3, cwd, env } = {}) {
  const times = [];
  let rss;
  let last;
  for (let i = 0; i < runs; i++) {
    const argv = hasTime ? ['/usr/bin/time', ['-f', '%M', cmd, ...args]] : [cmd, args];
    const start = process.hrtime.bigint();
    last = spawnSync(argv[0], argv[1], { cwd, env: env ?? process.env, encoding: 'utf8', maxBuffer: 1 << 28 });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (hasTime) {
      const kb = Number(last.stderr.trim().split('\n').pop());
      if (Number.isFinite(kb)) rss = Math.max(rss ?? 0, kb / 1024);
    }
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], rssMB: rss, status: last.status, stdout: last.stdout, stderr: last.stderr };
}

export function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
