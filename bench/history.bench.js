// History scans: `keyfence scan --history` (one streaming git log -p -U0 --all) next to the same
// `git log -p -U0 --all` alone, on the fixture repo (2,000 files, 10,000 commits) and on a
// quarter of it, with peak RSS so flat memory shows and CPU time, which a busy machine does
// not skew (both from /usr/bin/time -v when installed).
// Target: within 1.5x of git log alone. Runs are interleaved (a busy machine slows both alike).
import { BIN, compare, fixtureRepo, fmt, usage } from './gitFixture.js';

const mem = (u) => (u === undefined ? 'peak RSS n/a' : `peak RSS ${u.rssMb.toFixed(0)} MB, CPU ${u.cpuS.toFixed(2)} s`);
for (const commits of [2500, 10000]) {
  const repo = await fixtureRepo({ files: 2000, commits });
  const gitArgs = ['log', '-p', '-U0', '--all'];
  const kfArgs = [BIN, 'scan', '--history', '--quiet', '--format', 'json', '--output', '/dev/null'];
  const [g, k] = compare(
    [
      { name: 'git', cmd: 'git', args: gitArgs },
      { name: 'keyfence', cmd: process.execPath, args: kfArgs },
    ],
    { cwd: repo, runs: 5 },
  );
  const summary = k.stderr.trim().split('\n').at(-1);
  console.log(`history, ${commits} commits / 2000 files (5 interleaved runs, median):`);
  const gu = usage('git', gitArgs, { cwd: repo });
  const ku = usage(process.execPath, kfArgs, { cwd: repo });
  console.log(`  git log -p -U0 --all alone   ${fmt(g.median).padStart(10)}  min ${fmt(g.min).padStart(10)}  ${mem(gu)}  (${(g.stdout.length / 1e6).toFixed(1)} MB of patches)`);
  console.log(`  keyfence scan --history      ${fmt(k.median).padStart(10)}  min ${fmt(k.min).padStart(10)}  ${mem(ku)} (git included)`);
  console.log(`  wall ratio ${k.ratioTo(g).toFixed(2)}x (median of per-round ratios; target <= 1.5x)${gu && ku ? `, CPU ratio ${(ku.cpuS / gu.cpuS).toFixed(2)}x` : ''}`);
  console.log(`  ${summary}`);
}
