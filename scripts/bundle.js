#!/usr/bin/env node
// `npm run build`'s last step (after tsc): bundles the CLI (dist/cli/main.js, the git-secrets
// drop-in's dist/gitsecrets/main.js and every module they can reach) into ONE file,
// dist/bundle/keyfence.cjs, which bin/keyfence.js and bin/git-secrets.js run. Loading ~60
// modules one by one (resolve, read, compile, link each) was most of what keyfence added to
// Node's start on the pre-commit hook; one file, compiled from V8's code cache (see
// bin/loadBundle.js), costs a fraction of that. The library entry (dist/index.js) and the tree
// worker (dist/sources/treeWorker.js) stay tsc's modules.
//
// The file is a CommonJS function expression, not a module:
//
//   // keyfence bundle <sha256 of the rest>
//   (function (exports, require, module, __kfUrl, __kfImport) { …esbuild's CJS output… })
//
// so that bin/loadBundle.js can compile it with vm.Script and V8's code cache (Node 20 caches
// no ES module). Inside it:
// - `import.meta.url` of each module is the URL its tsc file has (`new URL('../version.js',
//   __kfUrl)`), so every path computed from it (rules/, schema/, package.json, the tree worker)
//   is the same as from dist/;
// - the packages (yargs, simple-git, re2js…) stay outside, loaded with `import()` when a
//   command needs them; a vm.Script cannot run `import()` without an experimental flag, so each
//   becomes `__kfImport("…")`, an `import()` the loader passes in. micromatch and aws4, which
//   modules import statically, are bundled: an external static import would load them on every
//   run, where bundled they are evaluated only when a module that uses them is.
// The first line's hash names this build: a code cache made for another build is not used.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = path.join(root, 'dist', 'bundle');
const outFile = path.join(outDir, 'keyfence.cjs');
/** Packages only ever loaded with `import()` (or createRequire): left out of the bundle. */
const LAZY_PACKAGES = ['yargs', 'simple-git', 'picocolors', 'cli-progress', 'https-proxy-agent', 're2js'];

/**
 * Each dist module's `import.meta.url` as the URL of its own file (see above), from `base`, the
 * URL of the output file (an expression), written in `dir`.
 */
const metaUrl = (dir, base) => ({
  name: 'import-meta-url',
  setup(build) {
    build.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (args) => {
      const rel = path.relative(dir, args.path).split(path.sep).join('/');
      const text = readFileSync(args.path, 'utf8').replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, ${base}).href`);
      return { contents: text, loader: 'js' };
    });
  },
});

/**
 * node:crypto loaded on first use: the detector hashes fingerprints only for findings, and
 * loading crypto costs every hook run ~2 ms. Only our modules' named imports (a name not listed here
 * fails the build); a bundled package's require() gets crypto itself.
 */
const lazyCrypto = {
  name: 'lazy-crypto',
  setup(build) {
    // Only our modules' `import { … } from 'node:crypto'` (a package's require() gets crypto itself).
    build.onResolve({ filter: /^(node:)?crypto$/ }, (args) =>
      args.kind === 'import-statement' && args.namespace === 'file' && /[\\/]dist[\\/]/.test(args.importer)
        ? { path: 'crypto', namespace: 'lazy-crypto' }
        : { path: 'node:crypto', external: true },
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-crypto' }, () => ({
      contents: [
        'let crypto;',
        "const load = () => (crypto ??= require('node:crypto'));",
        'export const createHash = (...args) => load().createHash(...args);',
        'export const randomBytes = (...args) => load().randomBytes(...args);',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

/**
 * The key ID word gate's 20,000 words (src/detect/words.generated.ts) travel beside the bundles
 * as dist/bundle/words.txt, read on first use, instead of as a 170 KB literal in the code every
 * run reads and compiles (~1 ms of each hook run, which never needs them on a clean commit).
 * `url` is the expression the bundle finds the file by.
 */
const WORDS_FILE = path.join(outDir, 'words.txt');
const wordsFile = (url) => ({
  name: 'words-file',
  setup(build) {
    build.onLoad({ filter: /[\\/]dist[\\/]detect[\\/]words\.generated\.js$/ }, () => ({
      contents: [
        "import { readFileSync } from 'node:fs';",
        'let text;',
        'export function words() {',
        `  const file = ${url};`,
        '  try {',
        "    return (text ??= readFileSync(file, 'latin1'));",
        '  } catch (err) {',
        '    throw new Error(`cannot read ${file.pathname} (${err.code ?? err.message}): run npm run build`);',
        '  }',
        '}',
      ].join('\n'),
      loader: 'js',
    }));
  },
});

/** rules/*.json in file-name order, as the JSON text of a RuleFile array (src/rules/load.ts). */
function builtinRules() {
  const dir = path.join(root, 'rules');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  // Without their examples (two thirds of the text): only the tests read them, from rules/.
  const withoutExamples = (file) => ({ ...file, rules: file.rules.map(({ examples, ...rule }) => rule) });
  return JSON.stringify(files.map((f) => withoutExamples(JSON.parse(readFileSync(path.join(dir, f), 'utf8')))));
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
writeFileSync(WORDS_FILE, (await import(new URL('../dist/detect/words.generated.js', import.meta.url).href)).words());
const result = await esbuild.build({
  stdin: {
    // The drop-in's modules are initialised only when it runs (esbuild keeps an inlined import() lazy).
    contents: [
      "export { main } from './cli/main.js';",
      "export const gitSecretsMain = async (argv) => (await import('./gitsecrets/main.js')).gitSecretsMain(argv);",
    ].join('\n'),
    resolveDir: path.join(root, 'dist'),
    sourcefile: 'bundle-entry.js',
    loader: 'js',
  },
  bundle: true,
  write: false,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  charset: 'ascii',
  // Whitespace only (names stay, so stack traces still name functions): a quarter less text to
  // read, and ~1 ms off every hook run.
  minifyWhitespace: true,
  external: LAZY_PACKAGES,
  // The built-in rules travel in the bundle (src/rules/load.ts): rebuild after editing rules/.
  define: { KEYFENCE_BUILTIN_RULES: JSON.stringify(builtinRules()) },
  plugins: [wordsFile("new URL('./words.txt', __kfUrl)"), metaUrl(outDir, '__kfUrl'), lazyCrypto],
  logLevel: 'warning',
  outfile: outFile,
});
let code = result.outputFiles[0].text;
// The only `import(` left are the packages' (esbuild inlines our own modules' dynamic imports).
const calls = code.split('import(').length - 1;
code = code.replace(/\bimport\(("[^"\\]+")\)/g, (_, spec) => `__kfImport(${spec})`);
if (code.includes('import(') || code.includes('import.meta')) {
  console.error(`bundle: ${calls} import() calls, not all of the form import("package"): cannot run in a vm.Script`);
  process.exit(1);
}
const body = `(function (exports, require, module, __kfUrl, __kfImport) {\n${code}})\n`;
const hash = createHash('sha256').update(body).digest('hex');
writeFileSync(outFile, `// keyfence bundle ${hash}\n${body}`);

// The tree scan's worker thread (dist/sources/treeWorker.js, started by treeWorkers.js) becomes
// one ES module too, in place: a worker loads it instead of ~40 modules, and is ready ~10 ms
// sooner (a worker that loads nothing takes ~20 ms, tsc's ~35, the bundle ~25, on this
// project's 2-core machine). It shares no object with the thread that starts it (messages are
// copied), so its own copy of the modules it uses is no concern. Run again over its own output
// (bundle.js without tsc), it bundles the same code again.
const worker = path.join(root, 'dist', 'sources', 'treeWorker.js');
const workerResult = await esbuild.build({
  entryPoints: [worker],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  charset: 'ascii',
  external: LAZY_PACKAGES,
  plugins: [wordsFile("new URL('../bundle/words.txt', import.meta.url)"), metaUrl(path.dirname(worker), 'import.meta.url')],
  logLevel: 'warning',
  outfile: worker,
  allowOverwrite: true,
});
writeFileSync(worker, `// Bundled by scripts/bundle.js from tsc's treeWorker.js and the modules it imports.\n${workerResult.outputFiles[0].text}`);
