#!/usr/bin/env node
// keyfence: a secret scanner for git.
// Exit codes: 0 clean, 1 findings, 2 usage, configuration or runtime error.
// All the work happens in main() (dist/cli/main.js), which runs the CLI (run(), which returns
// what to print) and writes its output; this file only sets the exit code.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
