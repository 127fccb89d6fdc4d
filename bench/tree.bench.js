// Tree scan speed: a synthetic tree (20k files, ~300 MB, planted keys) scanned by
// `keyfence scan --no-git`, ripgrep and git-secrets with the same AWS patterns.
// Targets: no slower than git-secrets, within 2x of ripgrep, peak RSS under 200 MB.
// Usage: node bench/tree.bench.js [files] [avgKB]   (the tree is cached under .bench/)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE32, BASE64, fmt, measure, pick, seeded, which } from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const files = Number(process.argv[2] ?? 20000);
const avgKB = Number(process.argv[3] ?? 15);
const dir = path.join(root, '.bench', `tree-v2-${files}-${avgKB}`);
const PLANTED = 40;

// Code-like vocabulary; the words that wake rules up (secret, session, token, account) are
// rarer, as in real code, but present throughout.
const COMMON = ['const', 'function', 'return', 'import', 'export', 'config', 'value', 'client', 'request', 'response',
  'region', 'bucket', 'handler', 'user', 'data', 'error', 'await', 'async', 'this', 'props', 'state', 'index', 'length',
  'push', 'map', 'filter', 'options', 'result', 'path', 'name', 'type', 'string', 'number', 'object', 'array', 'node'];
const RARE = ['secret', 'token', 'session', 'account', 'secretKey', 'sessionToken'];
const word = (rand) => (rand() < 0.02 ? RARE[Math.floor(rand() * RARE.length)] : COMMON[Math.floor(rand() * COMMON.length)]);

function line(rand) {
  const r = rand();
  if (r < 0.03) return `  "integrity": "sha512-${pick(rand, BASE64, 86)}==",`;
  if (r < 0.06) return `commit ${pick(rand, '0123456789abcdef', 40)}`;
  if (r < 0.08) return `  blob: "${pick(rand, BASE64, 120)}",`;
  const n = 4 + Math.floor(rand() * 10);
  let s = '  ';
  for (let i = 0; i < n; i++) s += `${word(rand)}${rand() < 0.3 ? '.' : ' '}`;
  return `${s}= ${Math.floor(rand() * 1e6)};`;
}

function generate() {
  if (existsSync(path.join(dir, '.done'))) return;
  rmSync(dir, { recursive: true, force: true });
  const rand = seeded(42);
  const plantAt = new Set();
  while (plantAt.size < PLANTED) plantAt.add(Math.floor(rand() * files));
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, `pkg${i % 50}`, `mod${i % 7}`);
    mkdirSync(sub, { recursive: true });
    const target = Math.floor(avgKB * 1024 * (0.2 + rand() * 1.6));
    const lines = [];
    let size = 0;
    while (size < target) {
      const l = line(rand);
      lines.push(l);
      size += l.length + 1;
    }
    if (plantAt.has(i)) {
      const at = Math.floor(rand() * lines.length);
      lines.splice(at, 0, `aws_access_key_id = AKIA${pick(rand, 'QRSTUVWXYZ', 1)}${pick(rand, BASE32, 15)}`);
    }
    writeFileSync(path.join(sub, `file${i}.js`), `${lines.join('\n')}\n`);
  }
  writeFileSync(path.join(dir, '.done'), '');
}

const t0 = Date.now();
generate();
const du = spawnSync('du', ['-sm', dir], { encoding: 'utf8' }).stdout.split('\t')[0];
console.log(`tree: ${files} files, ${du} MB, ${PLANTED} planted keys (${dir}; generated/checked in ${fmt(Date.now() - t0)})`);

const kf = measure(process.execPath, [path.join(root, 'bin/keyfence.js'), 'scan', '--no-git', '-f', 'json', dir]);
const found = kf.stdout ? JSON.parse(kf.stdout).findings.length : 'error';
console.log(`keyfence scan --no-git: ${fmt(kf.ms)}, peak RSS ${kf.rssMB?.toFixed(0) ?? '?'} MB, ${found} findings (exit ${kf.status})`);

// git-secrets' AWS patterns (git secrets --register-aws), used for ripgrep too.
const AWS = [
  '(A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}',
  `("|')?(AWS|aws|Aws)?_?(SECRET|secret|Secret)?_?(ACCESS|access|Access)?_?(KEY|key|Key)("|')?\\s*(:|=>|=)\\s*("|')?[A-Za-z0-9/\\+=]{40}("|')?`,
  `("|')?(AWS|aws|Aws)?_?(ACCOUNT|account|Account)_?(ID|id|Id)?("|')?\\s*(:|=>|=)\\s*("|')?[0-9]{4}\\-?[0-9]{4}\\-?[0-9]{4}("|')?`,
];

if (which('rg')) {
  const rg = measure('rg', ['--hidden', '--no-ignore', '-c', ...AWS.flatMap((p) => ['-e', p]), dir]);
  console.log(`ripgrep, same patterns:  ${fmt(rg.ms)}, peak RSS ${rg.rssMB?.toFixed(0) ?? '?'} MB  → keyfence/ripgrep = ${(kf.ms / rg.ms).toFixed(2)}x (target ≤ 2x)`);
} else console.log('ripgrep: not installed (apt-get install ripgrep), skipped');

if (which('git-secrets')) {
  const home = mkdtempSync(path.join(tmpdir(), 'kf-bench-home-'));
  const env = { ...process.env, HOME: home, GIT_CONFIG_NOSYSTEM: '1' };
  spawnSync('git', ['secrets', '--register-aws', '--global'], { env });
  const gs = measure('git', ['secrets', '--scan', '--no-index'], { cwd: dir, env, runs: 1 });
  console.log(`git-secrets --scan --no-index: ${fmt(gs.ms)}, peak RSS ${gs.rssMB?.toFixed(0) ?? '?'} MB → keyfence/git-secrets = ${(kf.ms / gs.ms).toFixed(2)}x (target ≤ 1x)`);
  rmSync(home, { recursive: true, force: true });
} else console.log('git-secrets: not installed (apt-get install git-secrets), skipped');
