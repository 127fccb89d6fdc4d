// Loads the CLI's one-file bundle, dist/bundle/keyfence.cjs (built by scripts/bundle.js; its
// format is described there), compiled with V8's code cache when there is one for this build.
//
// The code cache: dist/bundle/keyfence.cjs.cache, made after a run (so it holds the functions
// that run compiled, not only the top level), then reused: compiling the bundle from it instead
// of from source saves most of its compile time on every hook run. Its first line is the
// bundle's first line (`// keyfence bundle <sha256>`): a cache made for another build is never
// used (V8 itself checks only the source's length, and rejects a cache made by another Node or
// with other flags: `cachedDataRejected`). It is written only there, in keyfence's own dist/,
// atomically (a new file opened exclusively, so never through a symlink, then renamed over the
// old one), and only when missing, for another build, or rejected. Writing is best effort: a
// read-only install runs the same, compiling from source each time.
'use strict';
const { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

const BUNDLE = path.join(__dirname, '..', 'dist', 'bundle', 'keyfence.cjs');
const CACHE = `${BUNDLE}.cache`;

/**
 * Compiles and runs the bundle. Returns its exports ({ main, gitSecretsMain }) and saveCache(),
 * to call once the command has run (it writes the code cache when there was none to use).
 * Exits 2 with one line on stderr when the bundle is missing (a checkout that was not built).
 */
function loadBundle() {
  let source;
  try {
    source = readFileSync(BUNDLE, 'latin1'); // ASCII: esbuild escapes the rest (charset: 'ascii')
  } catch (err) {
    process.stderr.write(`keyfence: cannot read ${BUNDLE} (${err.code ?? err.message}): run npm run build\n`);
    process.exit(2);
  }
  const header = Buffer.from(source.slice(0, source.indexOf('\n') + 1), 'latin1');
  let cachedData;
  try {
    const cache = readFileSync(CACHE);
    if (cache.subarray(0, header.length).equals(header)) cachedData = cache.subarray(header.length);
  } catch {
    // no cache yet (or unreadable): compile from source
  }
  const script = new Script(source, { filename: BUNDLE, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, pathToFileURL(BUNDLE).href, (specifier) => import(specifier));
  const saveCache = () => {
    if (cachedData && !script.cachedDataRejected) return;
    const tmp = `${CACHE}.${process.pid}.tmp`;
    let fd;
    try {
      fd = openSync(tmp, 'wx', 0o644);
      writeFileSync(fd, Buffer.concat([header, script.createCachedData()]));
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
