// Loads the CLI's one-file bundle, dist/bundle/keyfence.cjs (built by scripts/bundle.js; its
// format is described there), compiled with V8's code cache when there is one for this build.
//
// The code cache, dist/bundle/keyfence.cjs.cache, is made by the build (scripts/code-cache.js
// runs each kind of hook run once in a temporary repository), after the run, so it holds the
// functions a hook's run compiles, not only the top level; compiling the bundle from it instead
// of from source saves most of the compile time of every hook run. Format:
//
//   // keyfence bundle <sha256>      ← the bundle's first line: a cache for another build is not used
//   <kind>,<kind>…                   ← the kinds of hook run whose functions it holds (see hookKind)
//   <V8's cached data>
//
// (V8 itself checks only the source's length, and rejects data made by another Node or with
// other flags: `cachedDataRejected`; then the bundle is compiled from source.) A run writes the
// cache only when KEYFENCE_WRITE_CODE_CACHE=1, which only the build sets: no keyfence run writes
// anything outside the repository it scans or a path it was given. With it set, a run writes the
// cache when there is none for this build, or, for a hook's run, none holding its kind (each kind
// adds its functions to what the cache gave); atomically (a new file opened exclusively, so
// never through a symlink, then renamed over the old one), best effort.
'use strict';
const { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

const BUNDLE = path.join(__dirname, '..', 'dist', 'bundle', 'keyfence.cjs');
const CACHE = `${BUNDLE}.cache`;

/** The hooks' invocations: the runs the code cache is kept holding (see hookKind). */
const HOOK_FLAGS = {
  keyfence: ['--staged', '--commit-msg', '--pre-push'],
  'git-secrets': ['--pre_commit_hook', '--commit_msg_hook', '--prepare_commit_msg_hook'],
};

/**
 * The kind of run, when it is one a git hook makes (`scan --staged`, `scan --commit-msg`,
 * `git-secrets --pre_commit_hook`…); undefined for any other run.
 */
function hookKind(bin, argv) {
  if (bin === 'keyfence' && argv[0] !== 'scan') return undefined;
  const flag = HOOK_FLAGS[bin].find((f) => argv.includes(f));
  return flag && `${bin === 'keyfence' ? 'scan' : bin} ${flag}`;
}

/**
 * Compiles and runs the bundle for a run of `bin` ('keyfence' or 'git-secrets') with `argv`.
 * Returns its exports ({ main, gitSecretsMain }) and saveCache(), to call once the command has
 * run (in the build's cache step only, it writes the code cache when there was none to use, or,
 * for a hook's run, none holding this kind of hook run). Exits 2 with one line on stderr when the bundle is missing (a
 * checkout that was not built).
 */
function loadBundle(bin, argv) {
  const kind = hookKind(bin, argv);
  let source;
  try {
    source = readFileSync(BUNDLE, 'latin1'); // ASCII: esbuild escapes the rest (charset: 'ascii')
  } catch (err) {
    process.stderr.write(`keyfence: cannot read ${BUNDLE} (${err.code ?? err.message}): run npm run build\n`);
    process.exit(2);
  }
  const id = source.slice(0, source.indexOf('\n') + 1);
  let cachedData;
  let kinds = [];
  try {
    const cache = readFileSync(CACHE);
    const nl = cache.indexOf(10, id.length);
    if (nl > 0 && cache.toString('latin1', 0, id.length) === id) {
      kinds = cache.toString('latin1', id.length, nl).split(',').filter(Boolean);
      cachedData = cache.subarray(nl + 1);
    }
  } catch {
    // no cache yet (or unreadable): compile from source
  }
  const script = new Script(source, { filename: BUNDLE, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, pathToFileURL(BUNDLE).href, (specifier) => import(specifier));
  const saveCache = () => {
    if (process.env.KEYFENCE_WRITE_CODE_CACHE !== '1') return;
    const used = cachedData && !script.cachedDataRejected;
    if (used && (kind === undefined || kinds.includes(kind))) return;
    const header = `${id}${[...(used ? kinds : []), ...(kind ? [kind] : [])].join(',')}\n`;
    const tmp = `${CACHE}.${process.pid}.tmp`;
    let fd;
    try {
      fd = openSync(tmp, 'wx', 0o644);
      writeFileSync(fd, Buffer.concat([Buffer.from(header, 'latin1'), script.createCachedData()]));
      closeSync(fd);
      fd = undefined;
      renameSync(tmp, CACHE);
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

module.exports = { loadBundle };
