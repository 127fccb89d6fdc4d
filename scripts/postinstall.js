#!/usr/bin/env node
// After `npm install` / `npm ci` of keyfence itself. In a source checkout (src/ is present: a
// developer's clone, CI's, or the copy the pre-commit framework installs from) it builds dist/
// and, in a git work tree, sets up husky's hooks. In an installed package (no src/; dist/ is
// shipped) it does nothing.
//
// Why not `prepare`: npm (10.5+) prints lifecycle banners on stdout during `npm pack`, and the
// pre-commit framework reads the tarball's name from that stdout, so a `prepare` script breaks
// `language: node` hooks. `prepublishOnly` still rebuilds before a publish.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${root}src`)) process.exit(0);
const npm = process.env.npm_execpath;
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
const built = npm ? run(process.execPath, [npm, 'run', 'build', '--silent']) : run('npm', ['run', 'build', '--silent']);
if (built !== 0) process.exit(built);
if (existsSync(`${root}.git`) && existsSync(`${root}node_modules/husky`)) run(process.execPath, [`${root}node_modules/husky/bin.js`]);
