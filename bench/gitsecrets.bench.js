#!/usr/bin/env node
// `keyfence git-secrets` against awslabs/git-secrets on the same generated repository: thousands
// of files and commits (built with git fast-import), git-secrets' AWS patterns registered, a few
// keys buried in history. Times the whole commands as a user runs them (median of 5):
//   git secrets --scan, --scan-history, --scan -r <dir>, and the pre-commit hook with a staged change.
// git-secrets' side is skipped (with a note) when no git-secrets other than ours is on PATH.
// Both sides must report the same lines; a mismatch is printed. Figures, not assertions.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FILES = Number(process.env.GS_BENCH_FILES ?? 3000);
const COMMITS = Number(process.env.GS_BENCH_COMMITS ?? 3000);
const LINES = Number(process.env.GS_BENCH_LINES ?? 150);
const ours = fileURLToPath(new URL('../bin/git-secrets.js', import.meta.url));

function findRealGitSecrets() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, 'git-secrets');
    try {
      accessSync(p, constants.X_OK);
      if (execFileSync('head', ['-c', '200', p]).toString().includes('bash')) return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const fakeKey = () => 'AKIA' + [...randomBytes(16)].map((b) => B32[b % 32]).join('');
const words = ['alpha', 'apiKey', 'gamma', 'account', 'config', 'value', 'return', 'key', 'import', 'export'];
function fileText(seed, lines = LINES) {
  let s = '';
  for (let i = 0; i < lines; i++) s += `${words[(seed + i) % 10]} ${words[(seed * 7 + i) % 10]} = "${seed}-${i}" // line ${i}\n`;
  return s;
}

function buildRepo() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kf-gsbench-'));
  const git = (...args) => execFileSync('git', args, { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  git('init', '-q', '.');
  git('config', 'user.email', 'bench@example.com');
  git('config', 'user.name', 'bench');
  // The stream: first commit adds FILES files, then each commit changes 3 files; a few add keys.
  let stream = '';
  const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const keyCommits = new Set([Math.floor(COMMITS / 3), Math.floor(COMMITS / 2), COMMITS - 5]);
  for (let c = 0; c < COMMITS; c++) {
    stream += `commit refs/heads/master\ncommitter bench <bench@example.com> ${1_600_000_000 + c * 60} +0000\n${data(`commit ${c}`)}`;
    const touched = c === 0 ? Array.from({ length: FILES }, (_, i) => i) : [c % FILES, (c * 31) % FILES, (c * 97) % FILES];
    for (const f of touched) {
      let text = fileText(f * 13 + c);
      if (keyCommits.has(c) && f === touched[0]) text += `aws_key = ${fakeKey()}\n`;
      stream += `M 100644 inline src/d${f % 50}/file${f}.txt\n${data(text)}`;
    }
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: stream, maxBuffer: 1 << 30 });
  git('checkout', '-q', '-f', 'master');
  return dir;
}

function time(cmd, args, cwd, env) {
  const runs = [];
  let last;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    last = spawnSync(cmd, args, { cwd, env, maxBuffer: 1 << 28 });
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  return { ms: runs[2], status: last.status, out: last.stderr.toString() + last.stdout.toString() };
}

const real = findRealGitSecrets();
const repo = buildRepo();
try {
  // Register the AWS patterns as git-secrets 1.3.0 does (keyfence's --register-aws adds upstream's
  // Bedrock patterns too; registering with ours would give the two tools different patterns).
  const registrar = real ?? ours;
  execFileSync(registrar === ours ? process.execPath : registrar, registrar === ours ? [ours, '--register-aws'] : ['--register-aws'], { cwd: repo });
  const staged = path.join(repo, 'src/d1/file1.txt');
  writeFileSync(staged, fileText(99) + `aws_key = ${fakeKey()}\n`);
  execFileSync('git', ['add', staged], { cwd: repo });

  const cases = [
    ['--scan (tracked files)', ['--scan']],
    ['--scan -r src', ['--scan', '-r', 'src']],
    ['--scan-history', ['--scan-history']],
    ['--pre_commit_hook (1 staged file)', ['--pre_commit_hook', '--']],
  ];
  console.log(`repo: ${FILES} files of ${LINES} lines, ${COMMITS} commits (GS_BENCH_FILES, GS_BENCH_LINES, GS_BENCH_COMMITS)`);
  if (!real) console.log('note: awslabs git-secrets is not installed (apt-get install git-secrets); timing keyfence only');
  console.log(`${'command'.padEnd(36)} ${'keyfence'.padStart(10)} ${real ? 'git-secrets'.padStart(12) : ''} ${real ? 'speed-up'.padStart(9) : ''}`);
  for (const [name, args] of cases) {
    const k = time(process.execPath, [ours, ...args], repo, process.env);
    let line = `${name.padEnd(36)} ${`${k.ms.toFixed(0)} ms`.padStart(10)}`;
    if (real) {
      const r = time(real, args, repo, process.env);
      line += ` ${`${r.ms.toFixed(0)} ms`.padStart(12)} ${`${(r.ms / k.ms).toFixed(1)}x`.padStart(9)}`;
      if (r.out !== k.out || r.status !== k.status) line += `  MISMATCH (exit ${k.status} vs ${r.status})`;
    }
    console.log(line);
  }
} finally {
  rmSync(repo, { recursive: true, force: true });
}
