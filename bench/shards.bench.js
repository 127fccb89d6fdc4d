// Sharded history scans: a long history (the fixture repo: 2,000 files, 100,000 commits) scanned
// once, then as 4 shards run one after another (`--shard 1/4` … `4/4`), each shard listing the
// commits with `git rev-list` and having git generate diffs for its own commits only.
// Target: the 4 shards together cost at most 1.2x the unsharded scan (sharding must not
// multiply work). Rounds are interleaved (a busy machine slows both alike); CPU time from
// /usr/bin/time, when installed, barely moves with machine load. The load average is printed:
// only trust the wall-time ratio on an idle machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, fixtureRepo, fmt, usage } from './gitFixture.js';

const COMMITS = 100000;
const repo = await fixtureRepo({ files: 2000, commits: COMMITS });
// A regular file: keyfence writes reports atomically (temp file + rename) and refuses /dev/null.
const out = path.join(mkdtempSync(path.join(tmpdir(), 'keyfence-shards-')), 'report.json');
const scanArgs = ['scan', '--history', '--quiet', '--format', 'json', '--output', out];
const shardArgs = (k) => [...scanArgs, '--shard', `${k}/4`];
const time = (args) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`keyfence ${args.join(' ')}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
};

const load = loadavg()[0];
const runs = 3;
const whole = [];
const sharded = [];
for (let round = 0; round <= runs; round++) {
  const w = time(scanArgs);
  let s = 0;
  for (let k = 1; k <= 4; k++) s += time(shardArgs(k));
  if (round > 0) {
    whole.push(w);
    sharded.push(s);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratios = whole.map((w, i) => sharded[i] / w);
console.log(
  `history, ${COMMITS} commits / 2000 files (${runs} interleaved rounds, median; load average ${load.toFixed(2)} on ${availableParallelism()} CPUs at start, ${loadavg()[0].toFixed(2)} at end):`,
);
console.log(`  unsharded scan --history          ${fmt(median(whole)).padStart(10)}`);
console.log(`  4 shards one after another        ${fmt(median(sharded)).padStart(10)}`);
console.log(`  wall ratio ${median(ratios).toFixed(2)}x (median of per-round ratios; target <= 1.2x)`);
const cpu = (argsList) => argsList.reduce((s, args) => s + (usage(process.execPath, [BIN, ...args], { cwd: repo })?.cpuS ?? NaN), 0);
const wCpu = cpu([scanArgs]);
const sCpu = cpu([1, 2, 3, 4].map(shardArgs));
// What any keyfence process costs before it reads a commit (start-up, rules, config, rev-list):
// 4 shards pay it 4 times, the only work sharding adds.
const fixed = cpu([[...scanArgs.slice(0, 2), 'HEAD..HEAD', ...scanArgs.slice(2), '--shard', '1/1']]);
if (Number.isFinite(wCpu) && Number.isFinite(sCpu)) {
  console.log(
    `  CPU (git included): unsharded ${wCpu.toFixed(2)} s, 4 shards ${sCpu.toFixed(2)} s: ratio ${(sCpu / wCpu).toFixed(2)}x; a keyfence process's fixed cost ${fixed.toFixed(2)} s`,
  );
}
