import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROGRAM_CONFIG, safeGitArgs, safeGitEnv } from '../src/git/safeGitArgs.js';
import { bin, commit, git, secretFile, tempDir, tempRepo, write } from './gitRepo.js';

/**
 * Config git documents as naming a program to run, picked out of git's own list of config keys
 * (`git help --config`) by what their names say: commands, programs, hooks, helpers, editors,
 * pagers, tools, drivers, filters, browsers, proxies, fsmonitor, textconv, external diff.
 */
const RUNS_A_PROGRAM =
  /(\.cmd|command|program|\.textconv|\.external|\.clean|\.smudge|\.process|\.driver|helper|editor|askpass|gitproxy|pager|\.fsmonitor|fsmonitorhookversion|hookspath|packobjectshook|browser|\.tool|guitool|\.path|\.proxy|ccCmd|tocmd|dbdriver)$/i;
/** Keys the pattern above catches that name no program (checked by hand against git-config(1)). */
const NOT_PROGRAMS = new Set([
  'color.pager',
  'rebase.abbreviateCommands',
  'completion.commands',
  'notes.rewrite.<command>',
  'core.fsmonitorHookVersion',
  'fsmonitor.socketDir',
  'guitool.<name>.argPrompt',
  'guitool.<name>.confirm',
  'guitool.<name>.needsFile',
  'guitool.<name>.noConsole',
  'guitool.<name>.noRescan',
  'guitool.<name>.prompt',
  'guitool.<name>.revPrompt',
  'guitool.<name>.revUnmerged',
  'guitool.<name>.title',
  'http.proxyAuthMethod',
  'http.proxySSLCAInfo',
  'http.proxySSLCert',
  'http.proxySSLCertPasswordProtected',
  'http.proxySSLKey',
  'remote.<name>.proxyAuthMethod',
  'advice.ignoredHook',
  'advice.waitingForEditor',
  'column.clean',
  'include.path',
  'includeIf.<condition>.path',
]);

function gitConfigKeys(): string[] {
  return execFileSync('git', ['help', '--config'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[a-z]/i.test(l) && !l.includes(' '));
}

/** A repository whose config runs `marker`-writing commands wherever git could run one. */
function hostileRepo(marker: string): string {
  const repo = tempRepo();
  const script = path.join(tempDir(), 'evil.sh');
  writeFileSync(script, `#!/bin/sh\necho "$0 $*" >> '${marker}'\nexit 0\n`, { mode: 0o755 });
  for (const [k, v] of [
    ['core.fsmonitor', script],
    ['core.pager', script],
    ['pager.log', script],
    ['pager.diff', script],
    ['diff.external', script],
    ['diff.evil.textconv', script],
    ['diff.evil.command', script],
    ['filter.evil.clean', script],
    ['filter.evil.smudge', script],
    ['gpg.program', script],
    ['gpg.ssh.program', script],
    ['log.showSignature', 'true'],
    ['core.sshCommand', script],
    ['credential.helper', `!${script}`],
  ])
    git(repo, 'config', k!, v!);
  return repo;
}

describe('safe git arguments (one place for every git process keyfence starts)', () => {
  it('accounts for every config key git documents as running a program', () => {
    const keys = gitConfigKeys();
    expect(keys.length).toBeGreaterThan(500); // git's list was read
    const programs = keys.filter((k) => RUNS_A_PROGRAM.test(k) && !NOT_PROGRAMS.has(k));
    expect(programs).toContain('core.fsmonitor');
    expect(programs).toContain('gpg.program');
    const missing = programs.filter((k) => !(k in PROGRAM_CONFIG));
    expect(missing, 'config that runs a program with no entry in PROGRAM_CONFIG').toEqual([]);
  });

  it('each entry neutralised by a setting has that setting in the arguments or environment', () => {
    const args = safeGitArgs().join(' ');
    const env = safeGitEnv({ GIT_EXTERNAL_DIFF: 'x' });
    for (const [key, how] of Object.entries(PROGRAM_CONFIG)) {
      if (!('neutralisedBy' in how)) continue;
      for (const setting of how.neutralisedBy.match(/-c [\w.]+=\S+/g) ?? []) expect(args, key).toContain(setting);
      if (how.neutralisedBy.includes('--no-pager')) expect(safeGitArgs()[0]).toBe('--no-pager');
      if (how.neutralisedBy.includes('GIT_ALLOW_PROTOCOL')) expect(env.GIT_ALLOW_PROTOCOL, key).toBeTruthy();
    }
    expect(env.GIT_EXTERNAL_DIFF).toBeUndefined();
    expect(env.GIT_OPTIONAL_LOCKS).toBe('0');
    // The drop-in keeps the repository's output settings, not its programs.
    expect(safeGitArgs({ plainOutput: false })).toContain('core.fsmonitor=false');
    expect(safeGitArgs({ plainOutput: false }).join(' ')).not.toContain('quotePath');
  });

  it("scan DIR, --staged, baseline, --history, --pre-push and the git-secrets drop-in run none of the repository's commands", () => {
    const marker = path.join(tempDir(), 'ran');
    const repo = hostileRepo(marker);
    const s = secretFile();
    write(repo, '.gitattributes', '*.dat diff=evil filter=evil\n');
    write(repo, 'a.dat', 'hello\n');
    git(repo, 'add', '.');
    commit(repo, 'init');
    // A signed commit: `git log` with log.showSignature runs gpg.program to check it.
    const tree = git(repo, 'rev-parse', 'HEAD^{tree}').trim();
    const parent = git(repo, 'rev-parse', 'HEAD').trim();
    const body = `tree ${tree}\nparent ${parent}\nauthor A <a@b> 1700000000 +0000\ncommitter A <a@b> 1700000000 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n\nsigned\n`;
    const signed = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], { cwd: repo, input: body, encoding: 'utf8' }).trim();
    git(repo, 'update-ref', 'refs/heads/main', signed);
    write(repo, 'b.txt', s.text);
    git(repo, 'add', 'b.txt');
    git(repo, 'config', 'secrets.patterns', 'AKIA[A-Z0-9]{16}');
    // The test itself set things up through git: start from a clean marker.
    if (existsSync(marker)) writeFileSync(marker, '');
    const runs: [string[], number][] = [
      [['scan', '.'], 1],
      [['scan', '--staged'], 1],
      [['baseline', '-o', path.join(tempDir(), 'b.json')], 0],
      [['scan', '--history'], 0],
      [['scan', '--pre-push', 'origin'], 0],
      [['git-secrets', '--scan'], 1],
      [['git-secrets', '--scan-history'], 1],
      [['git-secrets', '--pre_commit_hook'], 1],
    ];
    for (const [args, code] of runs) {
      const r = bin(repo, args, {}, args.includes('--pre-push') ? `refs/heads/main ${signed} refs/heads/main ${'0'.repeat(40)}\n` : undefined);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(code);
      expect(existsSync(marker) ? execFileSync('cat', [marker], { encoding: 'utf8' }) : '', args.join(' ')).toBe('');
    }
    // The hostile config is live: git itself runs it (so the checks above could fail).
    git(repo, 'status');
    expect(existsSync(marker) && execFileSync('cat', [marker], { encoding: 'utf8' })).toContain('evil.sh');
  });
});
