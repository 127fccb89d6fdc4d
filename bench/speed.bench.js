// Speed: every target of issue 12 measured in one run, each next to the anchor it is judged
// against, with wall time, CPU time (user + system, children such as git included) and peak RSS,
// and a summary table at the end. Runs are interleaved (each round runs every command of a case
// once, after a warm-up round), so a busy machine slows both sides alike; on a busy machine
// quote the CPU ratios, which load barely moves.
//
//   tree audit        keyfence scan --no-git <corpus>   vs git secrets --scan -r, ripgrep (same AWS patterns),
//                     and the same audit under LEAN_HEAP (what the memory target costs in time),
//                     and Node's floors (bench/nodeFloor.js: reading alone, strings, one regex, git-secrets' patterns)
//   repository scan   keyfence scan                     vs git secrets --scan     (corpus packages as a git repo)
//   pre-commit        keyfence scan --staged --quiet    vs node -e 0              (one staged line, 10k commits)
//   commit-msg        keyfence scan --commit-msg F      vs node -e 0
//   history           keyfence scan --history           vs git log -p -U0 --all   (10k commits)
//
// The corpus is the precision benchmark's pinned package set (bench/corpus.js, ~600 MB, installed
// once into .bench/precision/). Anchors that are not installed are skipped with a note; ripgrep
// is installed with apt-get when missing and this runs as root (said when it happens).
// Usage: node bench/speed.bench.js [case...]   (tree, repo, precommit, commitmsg, history; --quick: fewer runs)
// KEYFENCE_BIN=/other/checkout/bin/keyfence.js times another build (before/after comparisons).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CORPUS_DIR, installCorpus } from './corpus.js';
import { BIN, fixtureRepo, ROOT } from './gitFixture.js';
import { AWS, compare, hasTime, which } from './lib.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const wanted = argv.filter((a) => !a.startsWith('--'));
const want = (name) => wanted.length === 0 || wanted.includes(name);
const runs = (n) => (quick ? Math.max(2, Math.ceil(n / 3)) : n);
const NODE = process.execPath;
const rows = [];

const ms = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);
const mb = (x) => (Number.isFinite(x) ? `${x.toFixed(0)} MB` : 'n/a');
function line(r) {
  return `  ${r.name.padEnd(44)} wall ${ms(r.median).padStart(8)} (min ${ms(r.min).padStart(8)})  CPU ${ms(r.cpu).padStart(8)}  peak RSS ${mb(r.rssMB).padStart(7)}  exit ${r.status}`;
}
/** One summary row: keyfence against an anchor, as a ratio or (kind 'over') as ms over it. */
function row(job, kf, anchor, target, kind = 'ratio') {
  const over = kind === 'over';
  const wall = over ? kf.diffTo(anchor) : kf.ratioTo(anchor);
  const cpu = over ? kf.cpuDiffTo(anchor) : kf.cpuRatioTo(anchor);
  const f = (x) => (over ? `+${x.toFixed(0)} ms` : `${x.toFixed(2)}x`);
  rows.push({
    job,
    kf: `${ms(kf.median)} / ${ms(kf.cpu)} / ${mb(kf.rssMB)}`,
    anchor: `${anchor.name}: ${ms(anchor.median)} / ${ms(anchor.cpu)}`,
    wall: f(wall),
    cpu: f(cpu),
    target,
  });
  console.log(`  → ${over ? 'over' : 'ratio to'} ${anchor.name}: wall ${f(wall)}, CPU ${f(cpu)} (target ${target})`);
}

/** Node's floors for the tree audit (bench/nodeFloor.js), cheapest first. */
const FLOORS = ['read', 'strings', 'anchors', 'aws'];
const FLOOR = path.join(ROOT, 'bench', 'nodeFloor.js');

/** Node's V8 flags that keep the audit's heap small (the tree case times the audit with them too). */
const LEAN_HEAP = ['--max-semi-space-size=4', '--heap-growing-percent=20'];

function ripgrep() {
  if (which('rg')) return 'rg';
  const root = process.getuid?.() === 0;
  const candidate = spawnSync('apt-cache', ['policy', 'ripgrep'], { encoding: 'utf8' }).stdout ?? '';
  if (root && /Candidate: (?!\(none\))/.test(candidate)) {
    console.log('(ripgrep missing: installing it with apt-get install -y ripgrep, for the tree audit anchor)');
    spawnSync('apt-get', ['install', '-y', '-q', 'ripgrep'], { stdio: 'ignore' });
  }
  return which('rg');
}

/** A HOME whose global git config registers git-secrets' AWS patterns (and nothing else). */
function gitSecretsEnv() {
  if (!which('git-secrets')) return undefined;
  const home = mkdtempSync(path.join(tmpdir(), 'kf-bench-home-'));
  const env = { ...process.env, HOME: home, GIT_CONFIG_NOSYSTEM: '1' };
  execFileSync('git', ['secrets', '--register-aws', '--global'], { env, stdio: 'ignore' });
  return env;
}

console.log(
  `${BIN}: node ${process.version}, ${hasTime ? 'CPU time and peak RSS from /usr/bin/time' : '/usr/bin/time missing: no CPU time or RSS'}; load average ${(
    await import('node:os')
  )
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
const gsEnv = gitSecretsEnv();
if (!gsEnv) console.log('(git-secrets not installed: apt-get install git-secrets to compare; its anchors are skipped)');
let corpus;
if (want('tree') || want('repo')) {
  installCorpus();
  corpus = path.join(CORPUS_DIR, 'node_modules');
}

if (want('tree')) {
  const files = Number(execFileSync('sh', ['-c', `find '${corpus}' -type f | wc -l`], { encoding: 'utf8' }));
  const size = execFileSync('du', ['-sm', corpus], { encoding: 'utf8' }).split('\t')[0];
  console.log(`\n== tree audit: ${files} files, ${size} MB (${corpus})`);
  const audit = [BIN, 'scan', '--no-git', '--quiet', '-f', 'json', corpus];
  const cmds = [{ name: 'keyfence scan --no-git', cmd: NODE, args: audit }];
  // The same audit with V8's heap kept small (a smaller young generation, a slower-growing
  // heap): what the memory target costs in time (see the README's Benchmarks).
  cmds.push({ name: `the same, node ${LEAN_HEAP.join(' ')}`, cmd: NODE, args: [...LEAN_HEAP, ...audit] });
  if (gsEnv) cmds.push({ name: 'git secrets --scan -r', cmd: 'git', args: ['secrets', '--scan', '-r', corpus], env: gsEnv });
  const rg = ripgrep();
  if (rg) cmds.push({ name: 'ripgrep, same AWS patterns', cmd: rg, args: ['--hidden', '--no-ignore', '-c', ...AWS.flatMap((p) => ['-e', p]), corpus] });
  else console.log('  (ripgrep not installed and not installable: skipped)');
  // Node's floors (bench/nodeFloor.js): what Node itself costs to read every file, to make each
  // a string, to run the cheapest regex over every text, and git-secrets' own patterns.
  for (const mode of FLOORS) cmds.push({ name: `node floor: ${mode}`, cmd: NODE, args: [FLOOR, mode, corpus] });
  const res = compare(cmds, { cwd: tmpdir(), runs: runs(3) });
  res.forEach((r) => console.log(line(r)));
  const kf = res[0];
  const gs = res.find((r) => r.name.startsWith('git secrets'));
  const rgr = res.find((r) => r.name.startsWith('ripgrep'));
  if (gs) row('tree audit', kf, gs, '≤ 1.0x');
  if (rgr) row('tree audit', kf, rgr, '≤ 2x');
  for (const floor of res.filter((r) => r.name.startsWith('node floor'))) row('tree audit over a floor', kf, floor, '(no target)');
  rows.push({ job: 'tree audit peak RSS', kf: mb(kf.rssMB), anchor: '', wall: '', cpu: '', target: '< 200 MB' });
  const lean = res[1];
  rows.push({
    job: 'tree audit, lean heap',
    kf: `${ms(lean.median)} / ${ms(lean.cpu)} / ${mb(lean.rssMB)}`,
    anchor: `default heap: ${ms(kf.median)} / ${ms(kf.cpu)}`,
    wall: `${lean.ratioTo(kf).toFixed(2)}x`,
    cpu: `${lean.cpuRatioTo(kf).toFixed(2)}x`,
    target: '< 200 MB',
  });
}

/** The corpus's mid-sized packages committed into a git repository (a few thousand files, ~40 MB). */
function corpusRepo() {
  const dir = path.join(ROOT, '.bench', 'repo-scan');
  if (existsSync(path.join(dir, '.git', 'keyfence-fixture-done'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const have = new Set(readdirSync(corpus));
  for (const p of ['eslint', 'webpack', '@babel', '@jest', '@eslint', '@smithy', 'ajv']) {
    if (have.has(p)) cpSync(path.join(corpus, p), path.join(dir, p), { recursive: true, verbatimSymlinks: true });
  }
  const git = (...args) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A', '-f');
  git('-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '--no-verify', '-m', 'corpus');
  writeFileSync(path.join(dir, '.git', 'keyfence-fixture-done'), '');
  return dir;
}

if (want('repo')) {
  const repo = corpusRepo();
  const files = execFileSync('git', ['ls-files'], { cwd: repo, encoding: 'utf8' }).split('\n').length - 1;
  const size = execFileSync('du', ['-sm', '--exclude=.git', repo], { encoding: 'utf8' }).split('\t')[0];
  console.log(`\n== repository scan: ${files} tracked files, ${size} MB (${repo})`);
  const cmds = [
    { name: 'keyfence scan', cmd: NODE, args: [BIN, 'scan', '--quiet', '-f', 'json'] },
    { name: 'node -e 0', cmd: NODE, args: ['-e', '0'] },
  ];
  if (gsEnv) cmds.push({ name: 'git secrets --scan', cmd: 'git', args: ['secrets', '--scan'], env: gsEnv });
  const res = compare(cmds, { cwd: repo, runs: runs(7) });
  res.forEach((r) => console.log(line(r)));
  if (res[2]) row('repository scan', res[0], res[2], '≤ 1.5x');
}

if (want('precommit') || want('commitmsg')) {
  const repo = await fixtureRepo();
  const file = path.join(repo, 'src', 'mod7', 'file7.js');
  const msg = path.join(repo, '.git', 'KEYFENCE_BENCH_MSG');
  writeFileSync(msg, 'Add the frobnicator\n\nIt frobnicates.\n');
  execFileSync('sh', ['-c', `echo '  const added = "one line";' >> '${file}' && git add '${file}'`], { cwd: repo });
  try {
    console.log(`\n== hooks: one staged line, repository of 2000 files / 10000 commits (${repo})`);
    const floor = { name: 'node -e 0', cmd: NODE, args: ['-e', '0'] };
    const cmds = [floor];
    if (want('precommit')) cmds.push({ name: 'keyfence scan --staged --quiet', cmd: NODE, args: [BIN, 'scan', '--staged', '--quiet'] });
    if (want('commitmsg')) cmds.push({ name: 'keyfence scan --commit-msg --quiet', cmd: NODE, args: [BIN, 'scan', '--commit-msg', msg, '--quiet'] });
    if (gsEnv) cmds.push({ name: 'git secrets --pre_commit_hook', cmd: 'git', args: ['secrets', '--pre_commit_hook'], env: gsEnv });
    const res = compare(cmds, { cwd: repo, runs: runs(20) });
    res.forEach((r) => console.log(line(r)));
    for (const r of res.slice(1))
      if (r.name.startsWith('keyfence')) row(r.name.includes('staged') ? 'pre-commit' : 'commit-msg', r, res[0], '≤ +15 ms', 'over');
  } finally {
    execFileSync('git', ['reset', '-q'], { cwd: repo });
    execFileSync('git', ['checkout', '-q', '--', '.'], { cwd: repo });
    rmSync(msg, { force: true });
  }
}

if (want('history')) {
  const repo = await fixtureRepo();
  console.log(`\n== history: 10000 commits / 2000 files (${repo})`);
  const res = compare(
    [
      { name: 'keyfence scan --history', cmd: NODE, args: [BIN, 'scan', '--history', '--quiet', '-f', 'json'] },
      { name: 'git log -p -U0 --all', cmd: 'git', args: ['log', '-p', '-U0', '--all'] },
    ],
    { cwd: repo, runs: runs(5) },
  );
  res.forEach((r) => console.log(line(r)));
  row('history', res[0], res[1], '≤ 1.5x');
}

if (gsEnv) rmSync(gsEnv.HOME, { recursive: true, force: true });
if (rows.length) {
  console.log('\n== summary (keyfence: median wall / mean CPU / peak RSS; anchor: median wall / mean CPU)');
  const cols = [
    ['job', 'job'],
    ['keyfence', 'kf'],
    ['anchor', 'anchor'],
    ['wall', 'wall'],
    ['CPU', 'cpu'],
    ['target', 'target'],
  ];
  const width = cols.map(([h, k]) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const fmtRow = (vals) => `| ${vals.map((v, i) => v.padEnd(width[i])).join(' | ')} |`;
  console.log(fmtRow(cols.map(([h]) => h)));
  console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(fmtRow(cols.map(([, k]) => r[k])));
}
