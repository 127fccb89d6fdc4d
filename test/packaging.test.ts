// The package as a consumer gets it: `npm pack`, installed into a fresh project, and the
// pre-commit framework installing the hooks from a clone (`language: node`). Slow (npm installs):
// kept in this file so the rest of the suite stays quick.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commit, git, secretFile, tempDir, tempRepo, WORKTREE, write } from './gitRepo.js';

const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

describe('the npm package', () => {
  it('installs into a fresh project with no install script (no npm warning), ships dist/ and LICENSE, runs its bins', () => {
    const packDir = tempDir('keyfence-pack-');
    // --ignore-scripts: dist/ is built already (pretest), and rebuilding it here would race the
    // other test files that load it; the prepack build is exercised by the framework test below.
    const packed = run('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], WORKTREE);
    expect(packed.status, packed.stderr).toBe(0);
    const tarball = path.join(packDir, packed.stdout.trim());
    expect(existsSync(tarball)).toBe(true);

    const project = tempDir('keyfence-consumer-');
    expect(run('npm', ['init', '-y'], project).status).toBe(0);
    const inst = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-dev', tarball], project);
    expect(inst.status, inst.stderr).toBe(0);
    expect(inst.stdout + inst.stderr).not.toMatch(/install.scripts|postinstall|prepare/i);
    const pkg = path.join(project, 'node_modules', 'keyfence');
    const manifest = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
      dependencies: Record<string, string>;
    };
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) expect(manifest.scripts?.[s]).toBeUndefined();
    expect(manifest.dependencies.ajv).toBeUndefined();
    expect(existsSync(path.join(project, 'node_modules', 'ajv'))).toBe(false);
    expect(readFileSync(path.join(pkg, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} keyfence contributors\n/);
    expect(readdirSync(path.join(pkg, 'dist', 'cli'))).toContain('main.js');
    expect(existsSync(path.join(pkg, 'src'))).toBe(false);

    const version = run(path.join(project, 'node_modules', '.bin', 'keyfence'), ['--version'], project);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(WORKTREE, 'package.json'), 'utf8')).version);
    write(project, 'creds.ini', secretFile().text);
    const scan = run(path.join(project, 'node_modules', '.bin', 'keyfence'), ['scan', '--no-git', 'creds.ini'], project);
    expect(scan.status).toBe(1);
    expect(scan.stdout).toContain('creds.ini:2:');
    const gs = run(path.join(project, 'node_modules', '.bin', 'git-secrets'), ['--scan', 'creds.ini'], project);
    expect(gs.status).toBe(0); // no patterns registered: git-secrets finds nothing

    // README "Moving from git-secrets": a global bin dir that already has a git-secrets makes
    // `npm install -g` fail with EEXIST; a prefix of one's own first on PATH works.
    const taken = tempDir('keyfence-global-');
    write(taken, 'bin/git-secrets', '#!/bin/sh\necho another git-secrets\n');
    const clash = run('npm', ['install', '-g', '--prefer-offline', '--no-audit', '--no-fund', '--prefix', taken, tarball], project);
    expect(clash.status).not.toBe(0);
    expect(clash.stderr).toContain('EEXIST');
    const own = tempDir('keyfence-prefix-');
    const ok = run('npm', ['install', '-g', '--prefer-offline', '--no-audit', '--no-fund', '--prefix', own, tarball], project);
    expect(ok.status, ok.stderr).toBe(0);
    const repo = tempRepo();
    const env = { PATH: `${path.join(own, 'bin')}:${path.join(taken, 'bin')}:${process.env.PATH}` };
    expect(run('sh', ['-c', 'command -v git-secrets'], repo, env).stdout.trim()).toBe(path.join(own, 'bin', 'git-secrets'));
    expect(run('git', ['secrets', '--register-aws'], repo, env).stdout).toBe('OK\n');
    write(repo, 'creds.ini', secretFile().text);
    const viaGit = run('git', ['secrets', '--scan', 'creds.ini'], repo, env);
    expect(viaGit.status).toBe(1);
    expect(viaGit.stderr).toContain('creds.ini:2:');
  }, 120_000);
});

describe('installing from this repository by git URL (README Quick start)', () => {
  it('npm clones it, builds dist/ (postprepare) and installs it with no install script left in the package', () => {
    const head = git(WORKTREE, 'rev-parse', 'HEAD').trim();
    const project = tempDir('keyfence-consumer-');
    expect(run('npm', ['init', '-y'], project).status).toBe(0);
    const inst = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-dev', `git+file://${WORKTREE}#${head}`], project);
    expect(inst.status, inst.stderr).toBe(0);
    expect(inst.stdout + inst.stderr).not.toMatch(/install.scripts/i);
    const version = run(path.join(project, 'node_modules', '.bin', 'keyfence'), ['--version'], project);
    expect(version.status, version.stderr).toBe(0);
    expect(readdirSync(path.join(project, 'node_modules', 'keyfence', 'dist', 'cli'))).toContain('main.js');
  }, 300_000);
});

const hasPreCommit = spawnSync('pre-commit', ['--version']).status === 0;

describe.runIf(hasPreCommit)('the pre-commit framework installs the hooks from a clone (language: node)', () => {
  it('npm pack in the clone prints only the tarball name, and the installed hook finds a committed key with --all-files', () => {
    const head = git(WORKTREE, 'rev-parse', 'HEAD').trim();
    const repo = tempRepo();
    write(repo, '.pre-commit-config.yaml', `repos:\n  - repo: file://${WORKTREE}\n    rev: ${head}\n    hooks:\n      - id: keyfence\n`);
    write(repo, 'creds.ini', secretFile().text);
    git(repo, 'add', '.');
    commit(repo, 'key');
    const r = run('pre-commit', ['run', '--all-files'], repo, { PRE_COMMIT_HOME: tempDir('pre-commit-home-'), npm_config_prefer_offline: 'true' });
    expect(r.stdout + r.stderr).toContain('creds.ini:2:');
    expect(r.status).toBe(1);
  }, 300_000);
});
