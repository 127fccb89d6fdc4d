// The pre-commit framework (Debian's `pre-commit`) running keyfence's hook definition from
// .pre-commit-hooks.yaml: in a commit the index counts; `pre-commit run --all-files` and
// `--files` scan the files it names. Runs the hook as a `repo: local` hook (language: system,
// the built bin) with the same entry arguments and file passing as the shipped definition, so
// it needs no download; test/precommitInstall.test.ts installs it as `language: node`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, commit, git, gitTry, secretFile, tempDir, tempRepo, WORKTREE, write } from './gitRepo.js';

interface HookDef {
  id: string;
  entry: string;
  pass_filenames?: boolean;
  always_run?: boolean;
  stages?: string[];
}
const shipped = parse(readFileSync(path.join(WORKTREE, '.pre-commit-hooks.yaml'), 'utf8')) as HookDef[];

/** shipped hook `id` as a local hook that runs this checkout's built bin. */
function localHook(id: string): Record<string, unknown> {
  const def = shipped.find((h) => h.id === id)!;
  const args = def.entry.split(' ').slice(1);
  expect(def.entry.split(' ')[0]).toBe('keyfence');
  return { ...def, entry: `${process.execPath} ${BIN} ${args.join(' ')}`, language: 'system' };
}

const hasPreCommit = spawnSync('pre-commit', ['--version']).status === 0;

function frameworkRepo() {
  const repo = tempRepo();
  const config = { repos: [{ repo: 'local', hooks: [localHook('keyfence'), localHook('keyfence-commit-msg')] }] };
  write(repo, '.pre-commit-config.yaml', JSON.stringify(config, null, 2));
  const key = secretFile();
  write(repo, 'creds.ini', key.text);
  write(repo, 'README.md', '# app\n');
  git(repo, 'add', '.');
  commit(repo, 'a key committed before the hook existed');
  const env = { PRE_COMMIT_HOME: tempDir('pre-commit-home-') };
  return { repo, env, key };
}

const preCommit = (repo: string, args: string[], env: NodeJS.ProcessEnv) => {
  const r = spawnSync('pre-commit', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
};

describe.runIf(hasPreCommit)("pre-commit framework: keyfence's hook definition", () => {
  it('`pre-commit run --all-files` and `run --files` find a key that is already committed', () => {
    const { repo, env } = frameworkRepo();
    const all = preCommit(repo, ['run', '--all-files'], env);
    expect(all.status, all.out).toBe(1);
    expect(all.out).toContain('creds.ini:2:');
    const one = preCommit(repo, ['run', '--files', 'creds.ini'], env);
    expect(one.status, one.out).toBe(1);
    expect(one.out).toContain('creds.ini:2:');
    const other = preCommit(repo, ['run', '--files', 'README.md'], env);
    expect(other.status, other.out).toBe(0);
  });

  it('in a commit, only what the commit adds counts: an old key in a touched file passes, a new one is blocked', () => {
    const { repo, env } = frameworkRepo();
    const inst = preCommit(repo, ['install', '--hook-type', 'pre-commit', '--hook-type', 'commit-msg'], env);
    expect(inst.status, inst.out).toBe(0);
    write(repo, 'creds.ini', `${readFileSync(path.join(repo, 'creds.ini'), 'utf8')}region = eu-west-1\n`);
    git(repo, 'add', 'creds.ini');
    const clean = gitTry(repo, ['commit', '-q', '-m', 'add region'], env);
    expect(clean.status, clean.stdout + clean.stderr).toBe(0);

    write(repo, 'app.env', secretFile().text);
    git(repo, 'add', 'app.env');
    const blocked = gitTry(repo, ['commit', '-q', '-m', 'add env'], env);
    expect(blocked.status).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).toContain('app.env:2:');
    expect(blocked.stdout + blocked.stderr).not.toContain('creds.ini:2:');
  });
});
