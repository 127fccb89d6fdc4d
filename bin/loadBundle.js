// Loads the CLI's one-file bundle, dist/bundle/keyfence.cjs (built by scripts/bundle.js; its
// format is described there), compiled with V8's code cache when there is one for this build.
//
// The code caches, dist/bundle/keyfence.cjs.<kind>.cache, are made by the build
// (scripts/code-cache.js runs each kind of run once in a temporary repository), after the run,
// so each holds the functions its kind of run compiles, not only the top level: one per kind of
// hook run (`scan-staged`, `git-secrets-pre_commit_hook`…, see runKind) and `other` for every
// other run. A hook run deserialises only what it compiles (one cache for every kind cost the
// pre-commit hook ~0.6 ms more). Compiling the bundle from its cache instead of from source saves
// most of the compile time of every hook run. Format:
//
//   // keyfence bundle <sha256>      ← the bundle's first line: a cache for another build is not used
//   <V8's cached data>
//
// (V8 itself checks only the source's length, and rejects data made by another Node or with
// other flags: `cachedDataRejected`; then the bundle is compiled from source.) A run writes its
// kind's cache only when KEYFENCE_WRITE_CODE_CACHE=1, which only the build sets: no keyfence run
// writes anything outside the repository it scans or a path it was given. With it set, a run
// writes its kind's cache when there is none for this build; atomically (a new file opened
// exclusively, so never through a symlink, then renamed over the old one), best effort.
'use strict';
const { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

const BUNDLE = path.join(__dirname, '..', 'dist', 'bundle', 'keyfence.cjs');

/** The hooks' invocations: each has its own code cache (see runKind). */
const HOOK_FLAGS = {
  keyfence: ['--staged', '--commit-msg', '--pre-push'],
  'git-secrets': ['--pre_commit_hook', '--commit_msg_hook', '--prepare_commit_msg_hook'],
};

/**
 * The kind of run, which names its code cache: the run a git hook makes (`scan-staged`,
 * `scan-commit-msg`, `git-secrets-pre_commit_hook`…), or `other`.
 */
function runKind(bin, argv) {
  if (bin === 'keyfence' && argv[0] !== 'scan') return 'other';
  const flag = HOOK_FLAGS[bin].find((f) => argv.includes(f));
  return flag ? `${bin === 'keyfence' ? 'scan' : bin}-${flag.replace(/^--/, '')}` : 'other';
}

/**
 * Compiles and runs the bundle for a run of `bin` ('keyfence' or 'git-secrets') with `argv`.
 * Returns its exports ({ main, gitSecretsMain }) and saveCache(), to call once the command has
 * run (in the build's cache step only, it writes this kind of run's code cache when there was
 * none to use). Exits 2 with one line on stderr when the bundle is missing (a checkout that was
 * not built).
 */
function loadBundle(bin, argv) {
  const cacheFile = `${BUNDLE}.${runKind(bin, argv)}.cache`;
  let source;
  try {
    source = readFileSync(BUNDLE, 'latin1'); // ASCII: esbuild escapes the rest (charset: 'ascii')
  } catch (err) {
    process.stderr.write(`keyfence: cannot read ${BUNDLE} (${err.code ?? err.message}): run npm run build\n`);
    process.exit(2);
  }
  const id = source.slice(0, source.indexOf('\n') + 1);
  let cachedData;
  try {
    const cache = readFileSync(cacheFile);
    if (cache.toString('latin1', 0, id.length) === id) cachedData = cache.subarray(id.length);
  } catch {
    // no cache yet (or unreadable): compile from source
  }
  const script = new Script(source, { filename: BUNDLE, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, pathToFileURL(BUNDLE).href, (specifier) => import(specifier));
  const saveCache = () => {
    if (process.env.KEYFENCE_WRITE_CODE_CACHE !== '1' || (cachedData && !script.cachedDataRejected)) return;
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    let fd;
    try {
      fd = openSync(tmp, 'wx', 0o644);
      writeFileSync(fd, Buffer.concat([Buffer.from(id, 'latin1'), script.createCachedData()]));
      closeSync(fd);
      fd = undefined;
      renameSync(tmp, cacheFile);
    } catch {
      if (fd !== undefined) closeSync(fd);
      try {
        unlinkSync(tmp);
      } catch {
        // nothing was created (read-only install, or another run's file)
      }
    }
  };
  return { exports: module.exports, saveCache };
}

/**
 * What each bin does: runs `entry` of the bundle (`main` or `gitSecretsMain`) for a run of
 * `bin` with this process's arguments, sets the exit code it resolves with, then lets the
 * build's cache step save the code cache (see saveCache).
 */
function runBundle(bin, entry) {
  const argv = process.argv.slice(2);
  const bundle = loadBundle(bin, argv);
  bundle.exports[entry](argv).then((code) => {
    process.exitCode = code;
    bundle.saveCache();
  });
}

module.exports = { runBundle };
