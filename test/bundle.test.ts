// The bins run the CLI from its one-file bundle (dist/bundle/keyfence.cjs, scripts/bundle.js),
// compiled with V8's code cache (bin/loadBundle.js), and tree scans' worker threads from theirs
// (dist/sources/treeWorker.js, bundled in place). Each test runs a copy of the package that
// holds the bins, the two bundles, the word list beside them (dist/bundle/words.txt), rules/,
// schema/ and package.json and NO other dist/ module: a scan that works there ran from the bundles.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeKeyId } from '../src/rules/examples.js';
import { PARALLEL_MIN_FILES, PARALLEL_START_BYTES } from '../src/sources/tree.js';
import { cli, git, secretFile, tempDir, tempRepo, WORKTREE, write } from './gitRepo.js';

/** A copy of the package with only the bundle in dist/ (node_modules linked to this checkout's). */
function bundleOnlyPackage(): string {
  const pkg = tempDir('keyfence-bundled-');
  for (const p of ['bin', 'rules', 'schema', 'package.json', 'dist/bundle/keyfence.cjs', 'dist/bundle/words.txt', 'dist/sources/treeWorker.js'])
    cpSync(path.join(WORKTREE, p), path.join(pkg, p), { recursive: true });
  symlinkSync(path.join(WORKTREE, 'node_modules'), path.join(pkg, 'node_modules'));
  return pkg;
}

const runBin = (pkg: string, name: string, args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, [path.join(pkg, 'bin', name), ...args], { cwd, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

describe('the bins run the bundle', () => {
  it('keyfence from a package whose dist/ holds only the bundle: a staged key is exit 1, clean is 0, a bad option is 2 with one line', () => {
    const pkg = bundleOnlyPackage();
    expect(existsSync(path.join(pkg, 'dist', 'cli'))).toBe(false);
    const repo = tempRepo();
    write(repo, 'app.js', 'const x = 1;\n');
    git(repo, 'add', 'app.js');
    expect(runBin(pkg, 'keyfence.js', ['scan', '--staged', '--quiet'], repo)).toEqual({ status: 0, stdout: '', stderr: '' });
    const { text, keyId } = secretFile();
    write(repo, 'creds.ini', text);
    git(repo, 'add', 'creds.ini');
    const found = runBin(pkg, 'keyfence.js', ['scan', '--staged', '--quiet', '--no-redact'], repo);
    expect(found.status).toBe(1);
    expect(found.stdout).toContain(`creds.ini:2:`);
    expect(found.stdout).toContain(keyId);
    const msg = path.join(repo, 'MSG');
    writeFileSync(msg, `Add the key ${keyId}\n`);
    expect(runBin(pkg, 'keyfence.js', ['scan', '--commit-msg', msg, '--quiet'], repo).status).toBe(1);
    // yargs (a package the bundle imports only for the full parser) loads from outside it.
    const bad = runBin(pkg, 'keyfence.js', ['scan', '--bogus-option'], repo);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^keyfence: [^\n]*bogus-option[^\n]*\n$/);
    expect(runBin(pkg, 'keyfence.js', ['--version'], repo).stdout.trim()).toBe(JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')).version);
  });

  it("reads the word gate's list from the file beside the bundle when a key ID candidate needs it; without the file, one line and exit 2", () => {
    const pkg = bundleOnlyPackage();
    const dir = tempDir();
    // A key ID look-alike whose body is spelled of words (built here: no such literal is committed).
    write(dir, 'words.env', `key = ${'ASIA'}${'PACIFIC'}${'SOUTHEAST'}\n`);
    write(dir, 'random.env', `key = ${fakeKeyId()}\n`);
    expect(runBin(pkg, 'keyfence.js', ['scan', '--no-git', '--quiet', 'words.env'], dir)).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(runBin(pkg, 'keyfence.js', ['scan', '--no-git', '--quiet', 'random.env'], dir).status).toBe(1);
    rmSync(path.join(pkg, 'dist', 'bundle', 'words.txt'));
    const broken = runBin(pkg, 'keyfence.js', ['scan', '--no-git', '--quiet', 'words.env'], dir);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/^keyfence: [^\n]*cannot read [^\n]*words\.txt \(ENOENT\): run npm run build\n$/);
  });

  it('carries the built-in rules as rules/ holds them (read at build time): the same list as the sources read', async () => {
    const pkg = bundleOnlyPackage();
    const dir = tempDir();
    const bundled = runBin(pkg, 'keyfence.js', ['rules', '--format', 'json'], dir);
    expect(bundled.status).toBe(0);
    const fromFiles = await cli(dir, 'rules', '--format', 'json');
    expect(JSON.parse(bundled.stdout)).toEqual(JSON.parse(fromFiles.stdout));
    expect(JSON.parse(bundled.stdout).length).toBeGreaterThan(20);
  });

  it('git-secrets runs from the same bundle, with its own exit codes', () => {
    const pkg = bundleOnlyPackage();
    const repo = tempRepo();
    write(repo, 'creds.ini', secretFile().text);
    expect(runBin(pkg, 'git-secrets.js', ['--scan', 'creds.ini'], repo).status).toBe(0); // nothing registered
    expect(runBin(pkg, 'git-secrets.js', ['--register-aws'], repo).status).toBe(0);
    expect(runBin(pkg, 'git-secrets.js', ['--scan', 'creds.ini'], repo).status).toBe(1);
  });

  it('a tree large enough for worker threads is scanned by workers started from their bundle', () => {
    const pkg = bundleOnlyPackage();
    const dir = tempDir('keyfence-big-tree-');
    // Enough files and bytes that worker threads start (as in test/tree.test.ts).
    const files = 2 * PARALLEL_MIN_FILES;
    const body = 'line one\n'.repeat(Math.ceil((2 * PARALLEL_START_BYTES) / files / 9));
    const planted: string[] = [];
    for (let i = 0; i < files; i++) {
      const id = i % 100 === 7 ? fakeKeyId() : undefined;
      if (id) planted.push(`f${i}.txt:${id}`);
      writeFileSync(path.join(dir, `f${i}.txt`), id ? `${body}key = ${id}\n` : body);
    }
    const r = runBin(pkg, 'keyfence.js', ['scan', '--no-git', '.', '--format', 'json', '--no-redact'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { path: string; secret: string }[]; stats: { filesScanned: number } };
    expect(report.stats.filesScanned).toBe(files);
    expect(report.findings.map((f) => `${f.path}:${f.secret}`).sort()).toEqual(planted.sort());
  });

  it('without a bundle (a checkout that was not built) the bin says so in one line, exit 2', () => {
    const pkg = bundleOnlyPackage();
    rmSync(path.join(pkg, 'dist'), { recursive: true });
    const r = runBin(pkg, 'keyfence.js', ['scan', '--staged'], tempRepo());
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^keyfence: cannot read .*keyfence\.cjs \(ENOENT\): run npm run build\n$/);
  });
});

describe("the bundle's code caches", () => {
  /** A package copy (with the build's cache step) and a repository with a staged key (every scan below exits 1). */
  function setup() {
    const pkg = bundleOnlyPackage();
    cpSync(path.join(WORKTREE, 'scripts', 'code-cache.js'), path.join(pkg, 'scripts', 'code-cache.js'));
    const repo = tempRepo();
    write(repo, 'creds.ini', secretFile().text);
    git(repo, 'add', 'creds.ini');
    const bundle = path.join(pkg, 'dist', 'bundle', 'keyfence.cjs');
    const firstLine = readFileSync(bundle, 'utf8').split('\n')[0]!;
    const scan = (env: NodeJS.ProcessEnv = {}) =>
      spawnSync(process.execPath, [path.join(pkg, 'bin', 'keyfence.js'), 'scan', '--staged', '--quiet'], { cwd: repo, env: { ...process.env, ...env } }).status;
    const caches = () => readdirSync(path.dirname(bundle)).filter((f) => f.endsWith('.cache'));
    return { pkg, cache: `${bundle}.scan-staged.cache`, firstLine, scan, caches };
  }
  const WRITE = { KEYFENCE_WRITE_CODE_CACHE: '1' };
  const header = (file: string) => readFileSync(file).toString('latin1').split('\n')[0];

  it("are made by the build's step, one for each kind of hook run and one for other runs, named after the build; runs use them and never write them", () => {
    const { pkg, cache, firstLine, scan, caches } = setup();
    expect(scan()).toBe(1);
    expect(caches()).toEqual([]); // a run writes nothing outside the repository it scans
    expect(spawnSync(process.execPath, [path.join(pkg, 'scripts', 'code-cache.js')], { encoding: 'utf8' }).status).toBe(0);
    expect(caches().sort()).toEqual(
      [
        'git-secrets-commit_msg_hook',
        'git-secrets-pre_commit_hook',
        'git-secrets-prepare_commit_msg_hook',
        'other',
        'scan-commit-msg',
        'scan-pre-push',
        'scan-staged',
      ].map((k) => `keyfence.cjs.${k}.cache`),
    );
    const made = readFileSync(cache);
    expect(header(cache)).toBe(firstLine);
    expect(made.length).toBeGreaterThan(firstLine.length + 1000);
    expect(scan()).toBe(1);
    expect(readFileSync(cache).equals(made)).toBe(true);
  });

  it("with the build's variable, a run whose kind has no cache writes it, once; it is no other kind's", () => {
    const { pkg, cache, firstLine, scan, caches } = setup();
    const dir = tempDir();
    expect(spawnSync(process.execPath, [path.join(pkg, 'bin', 'keyfence.js'), '--version'], { cwd: dir, env: { ...process.env, ...WRITE } }).status).toBe(0);
    expect(caches()).toEqual(['keyfence.cjs.other.cache']);
    expect(scan(WRITE)).toBe(1);
    const staged = readFileSync(cache);
    expect(header(cache)).toBe(firstLine);
    expect(caches().sort()).toEqual(['keyfence.cjs.other.cache', 'keyfence.cjs.scan-staged.cache']);
    expect(scan(WRITE)).toBe(1);
    writeFileSync(path.join(dir, 'a.txt'), 'nothing\n');
    expect(
      spawnSync(process.execPath, [path.join(pkg, 'bin', 'keyfence.js'), 'scan', '--no-git', dir], { cwd: dir, env: { ...process.env, ...WRITE } }).status,
    ).toBe(0);
    expect(readFileSync(cache).equals(staged)).toBe(true);
  });

  it("another build's cache, or a damaged one, is not used: the scan behaves, and only the build's step makes it again", () => {
    const { cache, firstLine, scan } = setup();
    expect(scan(WRITE)).toBe(1);
    const good = readFileSync(cache);
    const data = good.subarray(firstLine.length + 1); // V8's data
    // Another build: the same data under another build's line.
    const other = Buffer.concat([Buffer.from(`// keyfence bundle ${'0'.repeat(64)}\n`), data]);
    writeFileSync(cache, other);
    expect(scan()).toBe(1);
    expect(readFileSync(cache).equals(other)).toBe(true);
    expect(scan(WRITE)).toBe(1);
    expect(header(cache)).toBe(firstLine);
    // This build's line over bytes V8 refuses.
    writeFileSync(cache, Buffer.concat([Buffer.from(`${firstLine}\n`), Buffer.alloc(data.length, 0x5a)]));
    expect(scan()).toBe(1);
    expect(scan(WRITE)).toBe(1);
    const remade = readFileSync(cache);
    expect(header(cache)).toBe(firstLine);
    expect(remade.subarray(firstLine.length + 1).some((b) => b !== 0x5a)).toBe(true);
  });

  it('is never written through a symlink: a link at its place is replaced, its target untouched', () => {
    const { cache, scan } = setup();
    const outside = path.join(tempDir('keyfence-outside-'), 'target');
    writeFileSync(outside, 'not keyfence\n');
    mkdirSync(path.dirname(cache), { recursive: true });
    symlinkSync(outside, cache);
    expect(scan(WRITE)).toBe(1);
    expect(readFileSync(outside, 'utf8')).toBe('not keyfence\n');
    expect(lstatSync(cache).isFile()).toBe(true);
  });
});
