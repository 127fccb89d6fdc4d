#!/usr/bin/env node
// `postprepare`: npm runs it after `npm install`/`npm ci` in a checkout of this repository (a
// developer's clone, CI's, the clone npm makes to install keyfence from a git URL, the one the
// pre-commit framework installs from). It builds dist/ and, in a git work tree, sets up husky's
// hooks. npm never runs it on a consumer's install of the package (registry or tarball: npm
// runs only preinstall, install, postinstall and prepare there), so the published package has
// no install script and npm has nothing to warn about; `prepack` builds dist/ before a pack or
// publish.
//
// npm (10.5+) prints lifecycle banners on stdout during `npm pack`, and the pre-commit framework
// reads the tarball's name from that stdout: the repository's .npmrc sets foreground-scripts=false,
// which keeps prepack's banner (and the build's output, unless it fails) off stdout.
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
