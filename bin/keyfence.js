#!/usr/bin/env node
// keyfence: a secret scanner for git.
// Exit codes: 0 clean, 1 findings, 2 usage, configuration or runtime error.
// All the work happens in run() (dist/cli/run.js), which returns what to print; this file only
// wires it to the process.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
