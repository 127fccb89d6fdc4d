// The pre-commit path: `keyfence scan --staged` on a real-sized repository (2,000 files,
// 10,000 commits, built by gitFixture.js) with a one-line staged change, next to `node -e 0`
// (the runtime's floor) and git-secrets' own pre-commit hook when git-secrets is installed.
// Target: under 100 ms, i.e. keyfence adds less than ~40 ms to starting Node. Runs are
// interleaved so a busy machine slows every command alike.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, compare, fixtureRepo, fmt } from './gitFixture.js';

const repo = await fixtureRepo();
const file = path.join(repo, 'src', 'mod7', 'file7.js');
appendFileSync(file, '  const added = "one line";\n');
execFileSync('git', ['add', file], { cwd: repo });

const commands = [
  { name: 'node -e 0 (floor)', cmd: process.execPath, args: ['-e', '0'] },
  { name: 'git diff --cached -U0 (one git process)', cmd: 'git', args: ['diff', '--cached', '-U0'] },
  { name: 'keyfence scan --staged', cmd: process.execPath, args: [BIN, 'scan', '--staged', '--quiet'] },
];
const hasGitSecrets = spawnSync('sh', ['-c', 'command -v git-secrets'], { stdio: 'ignore' }).status === 0;
if (hasGitSecrets) {
  const registered = spawnSync('git', ['config', '--get-all', 'secrets.patterns'], { cwd: repo, encoding: 'utf8' }).stdout.trim();
  if (!registered) execFileSync('git', ['secrets', '--register-aws'], { cwd: repo });
  commands.push({ name: 'git secrets --pre_commit_hook', cmd: 'git', args: ['secrets', '--pre_commit_hook'] });
} else {
  console.log('(git-secrets not installed: apt-get install -y git-secrets to compare)');
}
const results = compare(commands, { cwd: repo, runs: 20 });
execFileSync('git', ['reset', '-q'], { cwd: repo });
execFileSync('git', ['checkout', '-q', '--', '.'], { cwd: repo });

const [floor, , kf] = results;
if (kf.status !== 0) console.error(`keyfence exited ${kf.status}: ${kf.stderr}`);
console.log('pre-commit, one staged line, repo of 2000 files / 10000 commits (20 interleaved runs each, after a warm-up):');
for (const r of results) console.log(`  ${r.name.padEnd(42)} median ${fmt(r.median).padStart(9)}  mean ${fmt(r.mean).padStart(9)}  min ${fmt(r.min).padStart(9)}`);
console.log(`  keyfence adds ${fmt(kf.diffTo(floor))} to node's start (median of per-run differences; target < 40 ms)`);
console.log(`  total: median ${fmt(kf.median)}, min ${fmt(kf.min)} (target < 100 ms)`);
