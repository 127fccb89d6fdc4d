// Precision benchmark: how much noise does keyfence make on a real tree written by other people?
//
// Installs a fixed, pinned list of popular packages (AWS SDK v2 and v3 clients, next, typescript,
// webpack, jest, eslint: hundreds of MB holding AWS's own example keys in many spellings,
// base64 wasm blobs, account IDs in API examples, hashes everywhere) into .bench/precision/
// (git-ignored, reused while the list is unchanged), then runs
// `node bin/keyfence.js scan --no-git <dir> --format json` over it and prints every finding
// with the figures: files, MB, time. The target is zero findings, reached by fixing causes in
// the rules and gates, never by skipping vendor paths. Then the same over this repository's own
// history when `scan --history` exists. Figures are printed, not asserted.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = `${root}bin/keyfence.js`;
const dir = `${root}.bench/precision`;

/** The corpus. Pinned, so figures are comparable from run to run. */
const PACKAGES = {
  'aws-sdk': '2.1693.0',
  '@aws-sdk/client-s3': '3.1169.0',
  '@aws-sdk/client-sts': '3.1169.0',
  '@aws-sdk/client-dynamodb': '3.1162.0',
  '@aws-sdk/client-lambda': '3.1162.0',
  '@aws-sdk/credential-providers': '3.1169.0',
  next: '16.4.6',
  typescript: '5.9.3',
  webpack: '5.112.2',
  jest: '30.5.2',
  eslint: '10.15.0',
};

function install() {
  const manifest = JSON.stringify({ name: 'keyfence-precision-corpus', private: true, dependencies: PACKAGES }, null, 2);
  const marker = `${dir}/node_modules/.keyfence-corpus.json`;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === manifest) return 'cached';
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, manifest);
  // --ignore-scripts: the corpus is data to read, nothing of it runs here.
  execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  writeFileSync(marker, manifest);
  return 'installed';
}

/** Runs the built CLI; returns its parsed JSON report and the wall-clock time. */
function scanJson(args, cwd) {
  const started = performance.now();
  const r = spawnSync(process.execPath, [bin, 'scan', ...args, '--format', 'json'], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - started;
  if (r.status !== 0 && r.status !== 1) throw new Error(`keyfence exited ${r.status}: ${r.stderr.trim()}`);
  return { report: JSON.parse(r.stdout), ms };
}

function print(title, { report, ms }) {
  const { findings, suppressed, stats } = report;
  for (const f of findings) {
    const decoded = f.decodedFrom ? `  (decoded from ${f.decodedFrom})` : '';
    console.log(`  ${f.path}:${f.line}:${f.column}  ${f.ruleId}  ${f.secret}${decoded}\n      ${f.lineText.slice(0, 240)}`);
  }
  const mb = (stats.bytesScanned / 1e6).toFixed(1);
  const commits = stats.commitsScanned === undefined ? '' : `, ${stats.commitsScanned} commits`;
  console.log(
    `${title}: ${findings.length} findings, ${suppressed.length} suppressed in ${stats.filesScanned} files` +
      `${commits} (${mb} MB, ${stats.binarySkipped} binary skipped) — scan ${stats.durationMs} ms, wall ${Math.round(ms)} ms`,
  );
}

const how = install();
console.log(`corpus: ${Object.entries(PACKAGES).map(([n, v]) => `${n}@${v}`).join(' ')} (${how}, ${dir})`);
print('precision (npm corpus)', scanJson(['--no-git', dir], root));

const help = spawnSync(process.execPath, [bin, 'scan', '--help'], { encoding: 'utf8' }).stdout;
if (help.includes('--history')) print('precision (this repository, history)', scanJson(['--history'], root));
else console.log('precision (this repository, history): skipped: `scan --history` is not available in this build');
