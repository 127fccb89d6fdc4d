// The git repository the pre-commit and history benchmarks run on: FILES text files and
// COMMITS commits (each edits a few lines of one file; every 500th adds a fake AWS key pair),
// built once with `git fast-import` under bench/.bench/ (git-ignored) and reused. Fake
// credentials come from dist/rules/examples.js at run time; none is ever committed here.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seeded } from './lib.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The CLI the benches time: this checkout's, or KEYFENCE_BIN's (to time another build beside it). */
export const BIN = process.env.KEYFENCE_BIN ?? path.join(ROOT, 'bin', 'keyfence.js');

const WORDS = 'const let return function import export from await async value config region bucket handler request response error result items index'.split(
  ' ',
);

function line(rand) {
  const n = 3 + Math.floor(rand() * 8);
  let s = '  ';
  for (let i = 0; i < n; i++) s += WORDS[Math.floor(rand() * WORDS.length)] + ' ';
  return `${s}= ${Math.floor(rand() * 1e6)};`;
}

/**
 * Returns the path of the fixture repo (work tree at the last commit, clean index), building it
 * when missing. `files` text files of ~40 lines, `commits` commits in total.
 */
export async function fixtureRepo({ files = 2000, commits = 10000 } = {}) {
  const dir = path.join(ROOT, 'bench', '.bench', `repo-${files}f-${commits}c`);
  if (existsSync(path.join(dir, '.git', 'keyfence-fixture-done'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { fakeKeyId, fakeSecretKey } = await import(path.join(ROOT, 'dist', 'rules', 'examples.js'));
  const rand = seeded(42);
  const git = (...args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Bench');
  git('config', 'user.email', 'bench@example.com');
  const contents = [];
  const names = [];
  for (let i = 0; i < files; i++) {
    names.push(`src/mod${i % 50}/file${i}.js`);
    contents.push(Array.from({ length: 40 }, () => line(rand)));
  }
  const chunks = [];
  const blob = (text) => {
    const b = Buffer.from(text);
    chunks.push(Buffer.from(`data ${b.length}\n`), b, Buffer.from('\n'));
  };
  let time = 1_700_000_000;
  const header = (n, msg) => {
    chunks.push(Buffer.from(`commit refs/heads/main\nmark :${n}\ncommitter Bench <bench@example.com> ${time++} +0000\n`));
    blob(msg);
    if (n > 1) chunks.push(Buffer.from(`from :${n - 1}\n`));
  };
  header(1, 'initial import');
  for (let i = 0; i < files; i++) {
    chunks.push(Buffer.from(`M 100644 inline ${names[i]}\n`));
    blob(contents[i].join('\n') + '\n');
  }
  for (let c = 2; c <= commits; c++) {
    const f = Math.floor(rand() * files);
    const lines = contents[f];
    for (let k = 0; k < 3; k++) lines[Math.floor(rand() * lines.length)] = line(rand);
    if (c % 500 === 0) lines.splice(5, 0, `  const awsKey = "${fakeKeyId()}";`, `  const aws_secret_access_key = "${fakeSecretKey()}";`);
    header(c, `change ${c}`);
    chunks.push(Buffer.from(`M 100644 inline ${names[f]}\n`));
    blob(lines.join('\n') + '\n');
  }
  const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, input: Buffer.concat(chunks), maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git fast-import failed: ${r.stderr}`);
  git('checkout', '-q', '-f', 'main');
  git('gc', '-q');
  execFileSync('touch', [path.join(dir, '.git', 'keyfence-fixture-done')]);
  return dir;
}

// compare() and usage() moved to lib.js with the rest of the timing; re-exported for the benches that
// import them from here.
export { compare, usage } from './lib.js';

export const fmt = (ms) => `${ms.toFixed(1)} ms`;
