// The precision corpus: a fixed, pinned list of popular packages installed into .bench/precision/
// (git-ignored, reused while the list is unchanged). The precision benchmark scans it for noise;
// the speed benchmark times tree audits and repository scans on it (a real third-party tree of
// ~600 MB / 26k files).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = fileURLToPath(new URL('../.bench/precision', import.meta.url));
const dir = CORPUS_DIR;

/** The corpus. Pinned, so figures are comparable from run to run. */
export const PACKAGES = {
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

export function installCorpus() {
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
