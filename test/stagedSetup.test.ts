// The pre-commit hook's one git process: the staged diff's git also reports the repository's
// git-secrets setup (secrets.patterns, secrets.allowed), which must be exactly what `git config`
// lists, or, when this git cannot say, what `git config` then lists. Real git.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitSyncReadingConfig } from '../src/git/exec.js';
import { readSecretsConfig, SETUP_KEYS } from '../src/gitsecrets/secretsConfig.js';
import { fakeKeyId } from '../src/rules/examples.js';
import { bin, git, tempDir, tempRepo, write } from './gitRepo.js';

const DIFF = ['diff', '--cached', '--no-ext-diff', '-U0'];

/** What `git config` lists for the setup, and what the diff's own git process reported. */
async function bothReads(repo: string, env: NodeJS.ProcessEnv = process.env) {
  const viaConfig = await readSecretsConfig(repo, env);
  const viaDiff = gitSyncReadingConfig(DIFF, repo, SETUP_KEYS, env);
  return { expected: { patterns: viaConfig.patterns, allowed: viaConfig.allowed }, viaDiff };
}

describe("the staged diff's git process reads the git-secrets setup", () => {
  it('as git config lists it: every value in order, quoting and escapes undone, from includes, includeIf, the global config and the environment', async () => {
    const repo = tempRepo();
    const home = tempDir();
    const raw = Buffer.concat([
      Buffer.from(
        [
          '[Secrets]',
          '\tPatterns = (\\"|\')?aws_?key\\\\s*=\\\\s*[A-Z]{8} # a comment',
          '\tallowed = "  spaced ; kept  "',
          '\tallowed = contin\\',
          'ued',
          '\tallowed = tab\\there',
          '[include]',
          '\tpath = included.cfg',
          `[includeIf "gitdir:${repo}/"]`,
          '\tpath = conditional.cfg',
          '',
        ].join('\n'),
      ),
      Buffer.from('[secrets]\n\tallowed = latin1 \xe9 and raw bytes \xff\xfe\n', 'latin1'),
    ]);
    write(repo, '.git/config.extra', raw);
    git(repo, 'config', 'include.path', 'config.extra');
    write(repo, '.git/included.cfg', '[secrets]\n\tpatterns = from-include\n');
    write(repo, '.git/conditional.cfg', '[secrets]\n\tallowed = from-includeIf\n');
    write(home, '.gitconfig', '[secrets]\n\tpatterns = from-global\n');
    const env = {
      ...process.env,
      GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'),
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'secrets.allowed',
      GIT_CONFIG_VALUE_0: 'from-env',
    };
    const { expected, viaDiff } = await bothReads(repo, env);
    expect(expected.patterns).toEqual(['from-global', `("|')?aws_?key\\s*=\\s*[A-Z]{8}`, 'from-include']);
    expect(expected.allowed).toEqual(expect.arrayContaining(['  spaced ; kept  ', 'continued', 'tab\there', 'from-includeIf', 'from-env']));
    expect(expected.allowed.some((a) => a.includes('\xff\xfe'))).toBe(true);
    expect(viaDiff.config).toBeDefined();
    expect({ patterns: viaDiff.config!.get('secrets.patterns'), allowed: viaDiff.config!.get('secrets.allowed') }).toEqual(expected);
  });

  // trace2 lists the config git reads before it sets the repository up, which leaves these two
  // out: the diff's git reports nothing then, and git config is asked.
  it("says nothing where its early view of config misses some: a worktree's own config, onbranch includes", async () => {
    const repo = tempRepo();
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'first');
    git(repo, 'config', 'secrets.patterns', 'hunter[0-9]+');
    const worktree = path.join(tempDir(), 'wt');
    git(repo, 'worktree', 'add', '-q', worktree);
    git(repo, 'config', 'extensions.worktreeConfig', 'true');
    git(worktree, 'config', '--worktree', 'secrets.allowed', 'from-worktree');
    const inWorktree = await bothReads(worktree);
    expect(inWorktree.expected).toEqual({ patterns: ['hunter[0-9]+'], allowed: ['from-worktree'] });
    expect(inWorktree.viaDiff.config).toBeUndefined();

    const other = tempRepo();
    git(other, 'commit', '-q', '--allow-empty', '-m', 'first');
    const branch = git(other, 'branch', '--show-current').trim();
    write(other, '.git/branch.cfg', '[secrets]\n\tallowed = from-onbranch\n');
    git(other, 'config', `includeIf.onbranch:${branch}.path`, 'branch.cfg');
    const onBranch = await bothReads(other);
    expect(onBranch.expected.allowed).toEqual(['from-onbranch']);
    expect(onBranch.viaDiff.config).toBeUndefined();
  });

  it('reports an empty setup as empty, not as unknown', async () => {
    const { expected, viaDiff } = await bothReads(tempRepo());
    expect(expected).toEqual({ patterns: [], allowed: [] });
    expect(viaDiff.config && Object.fromEntries(viaDiff.config)).toEqual({ 'secrets.patterns': [], 'secrets.allowed': [] });
  });

  it('when the traced git fails (a setup key with no value crashes git 2.39 listing it), the diff runs again and the caller asks git config', async () => {
    const repo = tempRepo();
    write(repo, 'a.txt', 'staged\n');
    git(repo, 'add', 'a.txt');
    git(repo, 'config', 'secrets.allowed', 'x');
    write(repo, '.git/config.extra', '[secrets]\n\tpatterns\n');
    git(repo, 'config', 'include.path', 'config.extra');
    const viaDiff = gitSyncReadingConfig(DIFF, repo, SETUP_KEYS, process.env);
    const plain = execFileSync('git', DIFF, { cwd: repo });
    expect(viaDiff.stdout.toString()).toBe(plain.toString());
    // Either this git listed the valueless key, or (git 2.39 crashes) the answer is "ask git config".
    if (viaDiff.config) expect(viaDiff.config.get('secrets.patterns')).toEqual(['']);
  });
});

describe('the pre-commit hook applies the setup its diff read', () => {
  /** A repository with a git-secrets pattern in an included file, and a logging git first on PATH. */
  function hookRepo() {
    const repo = tempRepo();
    const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const wrapDir = tempDir();
    const log = path.join(wrapDir, 'calls.log');
    write(wrapDir, 'git', `#!/bin/sh\necho "$@" >> "${log}"\nexec "${real}" "$@"\n`);
    execFileSync('chmod', ['+x', path.join(wrapDir, 'git')]);
    write(repo, '.git/setup.cfg', '[secrets]\n\tpatterns = hunter[0-9]+\n\tallowed = hunter42\n');
    git(repo, 'config', 'include.path', 'setup.cfg');
    const calls = () => execFileSync('cat', [log], { encoding: 'utf8' }).trim().split('\n');
    return { repo, env: { PATH: `${wrapDir}:${process.env.PATH}` }, log, calls };
  }

  it('finds a secrets.patterns match and honours secrets.allowed, with one git process for the whole commit', () => {
    const { repo, env, calls } = hookRepo();
    write(repo, 'app.env', `password = hunter2\nother = hunter42\nkey = ${fakeKeyId()}\n`);
    git(repo, 'add', 'app.env');
    const r = bin(repo, ['scan', '--staged', '--format', 'json'], env);
    expect(r.status).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: { ruleId: string; line: number }[] }).findings;
    expect(findings.map((f) => `${f.ruleId}@${f.line}`).sort()).toEqual(['aws-access-key-id@3', 'git-secrets-pattern-1@1']);
    expect(calls()).toHaveLength(1);
    expect(calls()[0]).toMatch(/ diff --cached /);
  });

  it('when git cannot report the setup, git config is asked, and the setup still applies', () => {
    const { repo, env, calls } = hookRepo();
    write(repo, '.git/valueless.cfg', '[secrets]\n\tproviders\n\tpatterns\n');
    git(repo, 'config', '--add', 'include.path', 'valueless.cfg');
    write(repo, 'app.env', 'password = hunter2\nother = hunter42\n');
    git(repo, 'add', 'app.env');
    const r = bin(repo, ['scan', '--staged', '--format', 'json'], env);
    const findings = (JSON.parse(r.stdout) as { findings: { ruleId: string; line: number }[] }).findings;
    // The valueless pattern matches nothing as a rule; hunter2 is still found, hunter42 still allowed.
    expect(findings.map((f) => `${f.ruleId}@${f.line}`)).toContain('git-secrets-pattern-1@1');
    expect(findings.filter((f) => f.line === 2)).toEqual([]);
    expect(calls().some((c) => / config -z --get-regexp /.test(c))).toBe(true);
  });

  it("applies a worktree's own secrets.allowed (git config is asked there, the diff is not run again)", () => {
    const { repo, env, calls } = hookRepo();
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'first');
    const worktree = path.join(tempDir(), 'wt');
    git(repo, 'worktree', 'add', '-q', worktree);
    git(repo, 'config', 'extensions.worktreeConfig', 'true');
    git(worktree, 'config', '--worktree', 'secrets.allowed', 'hunter7');
    write(worktree, 'app.env', 'a = hunter7\nb = hunter8\n');
    git(worktree, 'add', 'app.env');
    const r = bin(worktree, ['scan', '--staged', '--format', 'json'], env);
    const result = JSON.parse(r.stdout) as { findings: { line: number }[]; suppressed: { line: number }[] };
    expect(result.findings.map((f) => f.line)).toEqual([2]);
    expect(result.suppressed.map((f) => f.line)).toEqual([1]);
    expect(calls().map((c) => (/ diff --cached /.test(c) ? 'diff' : / config /.test(c) ? 'config' : c))).toEqual(['diff', 'config']);
  });

  it('a clean commit is 0, still with one git process', () => {
    const { repo, env, calls } = hookRepo();
    write(repo, 'app.env', 'other = hunter42\n');
    git(repo, 'add', 'app.env');
    expect(bin(repo, ['scan', '--staged', '--quiet'], env).status).toBe(0);
    expect(calls()).toHaveLength(1);
  });
});
