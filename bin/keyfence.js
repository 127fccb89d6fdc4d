#!/usr/bin/env node
// keyfence: a secret scanner for git.
// Exit codes: 0 clean, 1 findings, 2 usage, configuration or runtime error.
// All the work happens in main() (src/cli/main.ts, run from the one-file bundle: see
// loadBundle.js), which runs the CLI (run(), which returns what to print) and writes its output;
// this file only starts it (runBundle sets the exit code it returns). CommonJS
// (bin/package.json): an ES module entry costs the pre-commit hook a few milliseconds of Node's
// module loader for nothing.
'use strict';
require('./loadBundle.js').runBundle('keyfence', 'main');
