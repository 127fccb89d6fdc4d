#!/usr/bin/env node
// `npm run build`'s last step (after scripts/bundle.js): makes the bundle's V8 code caches,
// dist/bundle/keyfence.cjs.<kind>.cache (format and use: bin/loadBundle.js), by running each kind
// of hook run once, and one other scan, in a temporary repository with one staged file, with
// KEYFENCE_WRITE_CODE_CACHE=1. That variable is the only way the cache is written: a keyfence
// run never writes outside the repository it scans, so the cache is the build's, made here.
// Without git (a build on a machine without it) there is no cache, and a note says so: the CLI
// runs the same, compiling from source.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundleDir = path.join(root, 'dist', 'bundle');
const keyfence = path.join(root, 'bin', 'keyfence.js');
const gitSecrets = path.join(root, 'bin', 'git-secrets.js');

for (const f of readdirSync(bundleDir)) if (f.endsWith('.cache')) rmSync(path.join(bundleDir, f), { force: true });
const dir = mkdtempSync(path.join(tmpdir(), 'keyfence-code-cache-'));
try {
  // A repository no user config reaches (its git-secrets patterns would change nothing here,
  // but a failing include or hook should not fail the build).
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: path.join(dir, 'gitconfig'), HOME: dir };
  const git = (...args) => spawnSync('git', args, { cwd: dir, env, stdio: 'ignore' });
  if (git('init', '-q').status !== 0) {
    console.error('code cache: git is not available, so no code cache is made (the CLI compiles from source)');
    process.exit(0);
  }
  writeFileSync(path.join(dir, 'app.js'), 'export const region = "eu-west-1";\n');
  git('add', 'app.js');
  const msg = path.join(dir, 'COMMIT_EDITMSG');
  writeFileSync(msg, 'Add the region\n');
  const runs = [
    [keyfence, 'scan', '--staged', '--quiet'],
    [keyfence, 'scan', '--commit-msg', msg, '--quiet'],
    [keyfence, 'scan', '--pre-push', 'origin', '--quiet'],
    [gitSecrets, '--pre_commit_hook'],
    [gitSecrets, '--commit_msg_hook', msg],
    [gitSecrets, '--prepare_commit_msg_hook', msg],
    [keyfence, 'scan', '--quiet'], // every other run
  ];
  for (const args of runs) {
    const r = spawnSync(process.execPath, args, { cwd: dir, env: { ...env, KEYFENCE_WRITE_CODE_CACHE: '1' }, input: '', encoding: 'utf8' });
    if (r.status !== 0) console.error(`code cache: ${args.slice(1).join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
