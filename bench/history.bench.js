// History scans: `keyfence scan --history` (one streaming git log -p -U0 --all) next to the same
// `git log -p -U0 --all` alone, on the fixture repo (2,000 files, 10,000 commits) and on a
// quarter of it, with peak RSS so flat memory shows (from /usr/bin/time -v when installed).
// Target: within 1.5x of git log alone. Runs are interleaved (a busy machine slows both alike).
import { BIN, compare, fixtureRepo, fmt, peakRss } from './gitFixture.js';

const mb = (v) => (v === undefined ? 'n/a' : `${v.toFixed(0)} MB`);
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
  console.log(`  git log -p -U0 --all alone   ${fmt(g.median).padStart(10)}  min ${fmt(g.min).padStart(10)}  peak RSS ${mb(peakRss('git', gitArgs, { cwd: repo }))}  (${(g.stdout.length / 1e6).toFixed(1)} MB of patches)`);
  console.log(`  keyfence scan --history      ${fmt(k.median).padStart(10)}  min ${fmt(k.min).padStart(10)}  peak RSS ${mb(peakRss(process.execPath, kfArgs, { cwd: repo }))}  ratio ${k.ratioTo(g).toFixed(2)}x (target <= 1.5x)`);
  console.log(`  ${summary}`);
}
