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
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CORPUS_DIR as dir, installCorpus as install, PACKAGES } from './corpus.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = `${root}bin/keyfence.js`;

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
console.log(
  `corpus: ${Object.entries(PACKAGES)
    .map(([n, v]) => `${n}@${v}`)
    .join(' ')} (${how}, ${dir})`,
);
print('precision (npm corpus)', scanJson(['--no-git', dir], root));

const help = spawnSync(process.execPath, [bin, 'scan', '--help'], { encoding: 'utf8' }).stdout;
if (help.includes('--history')) print('precision (this repository, history)', scanJson(['--history'], root));
else console.log('precision (this repository, history): skipped: `scan --history` is not available in this build');
