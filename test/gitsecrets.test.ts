import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import { run } from '../src/cli/run.js';
import { ERROR_BLOCK, sandbox, sh, type Sandbox } from './gitsecrets-helpers.js';

const USAGE = `usage: git secrets --scan [-r|--recursive] [--cached] [--no-index] [--untracked] [<files>...]
   or: git secrets --scan-history
   or: git secrets --install [-f|--force] [<target-directory>]
   or: git secrets --list [--global]
   or: git secrets --add [-a|--allowed] [-l|--literal] [--global] <pattern>
   or: git secrets --add-provider [--global] <command> [arguments...]
   or: git secrets --register-aws [--global]
   or: git secrets --aws-provider [<credentials-file>]

    --scan                Scans <files> for prohibited patterns
    --scan-history        Scans repo for prohibited patterns
    --install             Installs git hooks for Git repository or Git template directory
    --list                Lists secret patterns
    --add                 Adds a prohibited or allowed pattern, ensuring to de-dupe with existing patterns
    --add-provider        Adds a secret provider that when called outputs secret patterns on new lines
    --aws-provider        Secret provider that outputs credentials found in an ini file
    --register-aws        Adds common AWS patterns to the git config and scans for ~/.aws/credentials
    -r, --recursive       --scan scans directories recursively
    --cached              --scan scans searches blobs registered in the index file
    --no-index            --scan searches files in the current directory that is not managed by Git
    --untracked           In addition to searching in the tracked files in the working tree, --scan also in untracked files
    -f, --force           --install overwrites hooks if the hook already exists
    -l, --literal         --add and --add-allowed patterns are escaped so that they are literal
    -a, --allowed         --add adds an allowed pattern instead of a prohibited pattern
    --global              Uses the --global git config

`;

const AWS_LIST = [
  'secrets.providers git secrets --aws-provider',
  'secrets.patterns (A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}',
  'secrets.patterns ABSK[A-Za-z0-9+/]{109,}=*',
  'secrets.patterns bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t',
  `secrets.patterns ("|')?(AWS|aws|Aws)?_?(SECRET|secret|Secret)?_?(ACCESS|access|Access)?_?(KEY|key|Key)("|')?\\s*(:|=>|=)\\s*("|')?[A-Za-z0-9/\\+=]{40}("|')?`,
  `secrets.patterns ("|')?(AWS|aws|Aws)?_?(ACCOUNT|account|Account)_?(ID|id|Id)?("|')?\\s*(:|=>|=)\\s*("|')?[0-9]{4}\\-?[0-9]{4}\\-?[0-9]{4}("|')?`,
  'secrets.allowed AKIAIOSFODNN7EXAMPLE',
  'secrets.allowed wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
];

let s: Sandbox;
beforeEach(() => {
  s = sandbox();
});
afterEach(() => s.cleanup());

const write = (rel: string, text: string | Buffer): void => {
  mkdirSync(path.dirname(path.join(s.dir, rel)), { recursive: true });
  writeFileSync(path.join(s.dir, rel), text);
};

describe('keyfence git-secrets: usage and options (git parse-options rules)', () => {
  it('prints the usage and exits 0 with no arguments', async () => {
    expect(await s.gs([])).toEqual({ exitCode: 0, stdout: USAGE, stderr: '' });
  });

  it('prints the usage on stdout and exits 129 for -h and --help', async () => {
    expect(await s.gs(['-h'])).toEqual({ exitCode: 129, stdout: USAGE, stderr: '' });
    expect(await s.gs(['--scan', '--help'])).toEqual({ exitCode: 129, stdout: USAGE, stderr: '' });
  });

  it('shows the internal hook options only with --help-all', async () => {
    const r = await s.gs(['--help-all']);
    expect(r.exitCode).toBe(129);
    expect(r.stdout).toContain('    --pre_commit_hook     pre-commit hook (internal only)\n');
    expect(r.stdout).toContain('    --prepare_commit_msg_hook\n                          prepare-commit-msg hook (internal only)\n');
  });

  it('rejects an unknown option with the usage on stderr, exit 129', async () => {
    expect(await s.gs(['--bogus'])).toEqual({ exitCode: 129, stdout: '', stderr: `error: unknown option \`bogus'\n${USAGE}` });
    expect(await s.gs(['-x'])).toEqual({ exitCode: 129, stdout: '', stderr: `error: unknown switch \`x'\n${USAGE}` });
  });

  it('reports an ambiguous abbreviation like git', async () => {
    expect(await s.gs(['--sca'])).toEqual({ exitCode: 129, stdout: USAGE, stderr: 'error: ambiguous option: sca (could be --scan or --scan-history)\n' });
  });

  it('accepts a unique abbreviation of a long option', async () => {
    s.git('config', 'secrets.patterns', 'forbidden');
    write('a.txt', 'a forbidden word\n');
    expect((await s.gs(['--scan-hist'])).exitCode).toBe(0);
    expect(await s.gs(['--scan-h'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect((await s.gs(['--rec', 'a.txt', '--scan'])).exitCode).toBe(129); // -r first: it becomes the command
    expect((await s.gs(['--scan', 'a.txt', '--rec'])).stderr).toContain('a.txt:1:a forbidden word\n');
  });

  it('refuses a flag that belongs to another command, exit 1', async () => {
    expect(await s.gs(['--list', '-r'])).toEqual({ exitCode: 1, stdout: '', stderr: '-r|--recursive can only be supplied with the --scan subcommand\n' });
    expect(await s.gs(['--install', '-a'])).toEqual({ exitCode: 1, stdout: '', stderr: '-a|--allowed can only be supplied with the --add subcommand\n' });
    expect(await s.gs(['--scan', '-f'])).toEqual({ exitCode: 1, stdout: '', stderr: '-f|--force can only be supplied with the --install subcommand\n' });
  });

  it('refuses -r with --cached, --no-index or --untracked, exit 1', async () => {
    for (const other of ['--cached', '--no-index', '--untracked']) {
      expect(await s.gs(['--scan', '-r', other])).toEqual({
        exitCode: 1,
        stdout: '',
        stderr: '-r|--recursive cannot be supplied with --cached, --no-index, or --untracked\n',
      });
    }
  });

  it('treats a negated command as unknown: message and usage on stdout, exit 129', async () => {
    expect(await s.gs(['--no-scan'])).toEqual({ exitCode: 129, stdout: `Unknown option: --no-scan\n${USAGE}`, stderr: '' });
  });

  it('says "takes no value" for --scan=x', async () => {
    expect(await s.gs(['--scan=x'])).toEqual({ exitCode: 129, stdout: '', stderr: "error: option `scan' takes no value\n" });
  });
});

describe('keyfence git-secrets: configuration commands', () => {
  it('--add stores a prohibited pattern and refuses a duplicate (exit 1, silent)', async () => {
    expect(await s.gs(['--add', 'secret[0-9]+'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(s.git('config', '--get-all', 'secrets.patterns')).toBe('secret[0-9]+\n');
    expect(await s.gs(['--add', 'secret[0-9]+'])).toEqual({ exitCode: 1, stdout: '', stderr: '' });
    // As git-secrets' `grep -F`: a value contained in an existing one counts as a duplicate.
    expect((await s.gs(['--add', 'secret'])).exitCode).toBe(1);
  });

  it('--add -l escapes regex metacharacters; -a adds an allowed pattern; --global writes ~/.gitconfig', async () => {
    await s.gs(['--add', '-l', 'a.b|c(d)']);
    expect(s.git('config', '--get-all', 'secrets.patterns')).toBe('a\\.b\\|c\\(d\\)\n');
    await s.gs(['--add', '--allowed', 'ok-[0-9]+']);
    expect(s.git('config', '--get-all', 'secrets.allowed')).toBe('ok-[0-9]+\n');
    await s.gs(['--add', '--global', 'globalpat']);
    expect(readFileSync(path.join(s.home, '.gitconfig'), 'utf8')).toContain('patterns = globalpat');
  });

  it('--add-provider stores the command with its arguments', async () => {
    expect((await s.gs(['--add-provider', '--', 'cat', '/tmp/x y'])).exitCode).toBe(0);
    expect(s.git('config', '--get-all', 'secrets.providers')).toBe('cat /tmp/x y\n');
  });

  it('--register-aws adds the AWS patterns, examples and provider, prints OK once', async () => {
    expect(await s.gs(['--register-aws'])).toEqual({ exitCode: 0, stdout: 'OK\n', stderr: '' });
    expect(await s.gs(['--register-aws'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    const list = await s.gs(['--list']);
    expect(list).toEqual({ exitCode: 0, stdout: `${AWS_LIST.join('\n')}\n`, stderr: '' });
  });

  it('--list --global lists only the global config; nothing configured exits 1', async () => {
    expect((await s.gs(['--list'])).exitCode).toBe(1);
    await s.gs(['--add', '--global', 'g1']);
    await s.gs(['--add', 'l1']);
    expect(await s.gs(['--list', '--global'])).toEqual({ exitCode: 0, stdout: 'secrets.patterns g1\n', stderr: '' });
  });

  it("--aws-provider prints the credentials file's keys, regex-escaped", async () => {
    const id = fakeKeyId();
    write('creds', `[default]\naws_access_key_id = ${id}\naws_secret_access_key = "ab+c/d.e"\nregion = x\n`);
    expect(await s.gs(['--aws-provider', 'creds'])).toEqual({ exitCode: 0, stdout: `${id}\nab\\+c/d\\.e\n`, stderr: '' });
    mkdirSync(path.join(s.home, '.aws'));
    writeFileSync(path.join(s.home, '.aws', 'credentials'), `[p]\naws_access_key_id=${id}\n`);
    expect((await s.gs(['--aws-provider'])).stdout).toBe(`${id}\n`);
    expect(await s.gs(['--aws-provider', 'missing'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });
});

describe('keyfence git-secrets --scan', () => {
  beforeEach(async () => {
    await s.gs(['--register-aws']);
  });

  it('reports path:line:text on stderr with the [ERROR] block, exit 1', async () => {
    const id = fakeKeyId();
    write('conf/app.ini', `[x]\nkey = ${id}\n`);
    expect(await s.gs(['--scan', 'conf/app.ini'])).toEqual({ exitCode: 1, stdout: '', stderr: `conf/app.ini:2:key = ${id}\n${ERROR_BLOCK}` });
  });

  it('finds secret-key and account-id assignments, not key IDs inside longer words', async () => {
    const secret = fakeSecretKey();
    write('a.py', `aws_secret_access_key = "${secret}"\nx${fakeKeyId()}\naws_account_id: 1234-5678-9012\n`);
    const r = await s.gs(['--scan', 'a.py']);
    expect(r.stderr).toBe(`a.py:1:aws_secret_access_key = "${secret}"\na.py:3:aws_account_id: 1234-5678-9012\n${ERROR_BLOCK}`);
  });

  it('exits 0 silently when clean, and allows the documented example keys', async () => {
    write('ok.txt', 'AKIAIOSFODNN7EXAMPLE\nnothing here\n');
    expect(await s.gs(['--scan', 'ok.txt'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });

  it("exits 2 for a missing file, with grep's message", async () => {
    write('ok.txt', 'x\n');
    expect(await s.gs(['--scan', 'missing.txt', 'ok.txt'])).toEqual({ exitCode: 2, stdout: '', stderr: 'grep: missing.txt: No such file or directory\n' });
  });

  it('skips a directory unless -r', async () => {
    const id = fakeKeyId();
    write('d/e/f.txt', `${id}\n`);
    expect(await s.gs(['--scan', 'd'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(await s.gs(['--scan', '-r', 'd'])).toEqual({ exitCode: 1, stdout: '', stderr: `d/e/f.txt:1:${id}\n${ERROR_BLOCK}` });
  });

  it('-r gives the same lines with the system grep and with the built-in matcher', async () => {
    const [a, b] = [fakeKeyId(), fakeKeyId()];
    write('d/one.txt', `x\n${a}\n`);
    write('d/sub/two.txt', `password ${b}\n`);
    write('d/sub/bin.dat', Buffer.from(`\0${a}\n`));
    const sys = await s.gs(['--scan', '-r', 'd']);
    const js = await run(['git-secrets', '--scan', '-r', 'd'], { cwd: s.dir, env: { ...s.env, KEYFENCE_GIT_SECRETS_GREP: 'js' } });
    expect(sys.exitCode).toBe(1);
    const sorted = (r: { stderr: string }) =>
      r.stderr
        .split('\n')
        .filter((l) => l.startsWith('d/'))
        .sort();
    expect(sorted(sys)).toEqual([`d/one.txt:2:${a}`, `d/sub/two.txt:1:password ${b}`]);
    expect(sorted(js)).toEqual(sorted(sys));
    expect(js.exitCode).toBe(1);
  });

  it('reads standard input for "-"', async () => {
    const id = fakeKeyId();
    expect(await s.gs(['--scan', '-'], { stdin: `one\nuse ${id} here\n` })).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `(standard input):2:use ${id} here\n${ERROR_BLOCK}`,
    });
  });

  it('skips binary files', async () => {
    write('b.bin', Buffer.concat([Buffer.from('\0\x01'), Buffer.from(`\n${fakeKeyId()}\n`)]));
    expect((await s.gs(['--scan', 'b.bin'])).exitCode).toBe(0);
  });

  it('with no files scans tracked files as git grep does; --untracked, --no-index and --cached as git grep', async () => {
    const [a, b, c] = [fakeKeyId(), fakeKeyId(), fakeKeyId()];
    write('tracked.txt', `${a}\n`);
    s.git('add', 'tracked.txt');
    write('untracked.txt', `${b}\n`);
    write('.gitignore', 'ignored.txt\n');
    write('ignored.txt', `${c}\n`);
    expect((await s.gs(['--scan'])).stderr).toBe(`tracked.txt:1:${a}\n${ERROR_BLOCK}`);
    expect((await s.gs(['--scan', '--untracked'])).stderr).toBe(`tracked.txt:1:${a}\nuntracked.txt:1:${b}\n${ERROR_BLOCK}`);
    expect((await s.gs(['--scan', '--no-index'])).stderr).toBe(`ignored.txt:1:${c}\ntracked.txt:1:${a}\nuntracked.txt:1:${b}\n${ERROR_BLOCK}`);
    // --cached reads the staged blob, not the working tree.
    write('tracked.txt', 'clean now\n');
    expect((await s.gs(['--scan'])).exitCode).toBe(0);
    expect((await s.gs(['--scan', '--cached'])).stderr).toBe(`tracked.txt:1:${a}\n${ERROR_BLOCK}`);
  });

  it('prints paths relative to a subdirectory and scans only below it, as git grep', async () => {
    const [a, b] = [fakeKeyId(), fakeKeyId()];
    write('top.txt', `${a}\n`);
    write('sub/in.txt', `${b}\n`);
    s.git('add', '.');
    expect((await s.gs(['--scan'], { cwd: path.join(s.dir, 'sub') })).stderr).toBe(`in.txt:1:${b}\n${ERROR_BLOCK}`);
  });

  it('drops lines matching secrets.allowed or .gitallowed (tested against the whole path:line:text)', async () => {
    const [a, b, c] = [fakeKeyId(), fakeKeyId(), fakeKeyId()];
    write('x.txt', `${a}\n${b}\n`);
    write('y.txt', `${c}\n`);
    await s.gs(['--add', '-a', `^x\\.txt:1:`]);
    write('.gitallowed', `# comment\n\n${c}\n`);
    expect((await s.gs(['--scan', 'x.txt', 'y.txt'])).stderr).toBe(`x.txt:2:${b}\n${ERROR_BLOCK}`);
    write('.gitallowed', `# comment\n\n${c}\nx.txt:2\n`);
    expect(await s.gs(['--scan', 'x.txt', 'y.txt'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });

  it('runs providers and uses their lines as patterns; empty output is ignored', async () => {
    s.git('config', '--unset-all', 'secrets.patterns');
    write('pats', 'hunter[0-9]\n');
    write('empty', '');
    await s.gs(['--add-provider', '--', 'cat', path.join(s.dir, 'empty')]);
    await s.gs(['--add-provider', '--', 'cat', path.join(s.dir, 'pats')]);
    write('p.txt', 'pass hunter2\npass hunter\n');
    expect((await s.gs(['--scan', 'p.txt'])).stderr).toBe(`p.txt:1:pass hunter2\n${ERROR_BLOCK}`);
  });

  it('treats keys from ~/.aws/credentials as prohibited through the AWS provider', async () => {
    mkdirSync(path.join(s.home, '.aws'));
    writeFileSync(path.join(s.home, '.aws', 'credentials'), '[d]\naws_secret_access_key = my.own.secret\n');
    write('c.txt', 'token my.own.secret end\nmyXownXsecret\n');
    expect((await s.gs(['--scan', 'c.txt'])).stderr).toBe(`c.txt:1:token my.own.secret end\n${ERROR_BLOCK}`);
  });
});

describe('keyfence git-secrets --scan-history', () => {
  it('reports sha:path:line:text for commits whose diff adds a match, exit 1', async () => {
    await s.gs(['--register-aws']);
    const id = fakeKeyId();
    write('a.txt', 'clean\n');
    s.git('add', '.');
    s.git('commit', '-qm', 'one', '--no-verify');
    write('a.txt', `clean\nkey ${id}\n`);
    s.git('commit', '-qam', 'two', '--no-verify');
    const two = s.git('rev-parse', 'HEAD').trim();
    write('a.txt', 'clean\n');
    s.git('commit', '-qam', 'three', '--no-verify');
    expect(await s.gs(['--scan-history'])).toEqual({ exitCode: 1, stdout: '', stderr: `${two}:a.txt:2:key ${id}\n${ERROR_BLOCK}` });
  });

  it('exits 0 on a clean history and with no patterns', async () => {
    write('a.txt', 'clean\n');
    s.git('add', '.');
    s.git('commit', '-qm', 'one', '--no-verify');
    expect(await s.gs(['--scan-history'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    await s.gs(['--register-aws']);
    expect(await s.gs(['--scan-history'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });
});

describe('keyfence git-secrets --install and the hooks', () => {
  const HOOKS = [
    ['commit-msg', 'commit_msg_hook'],
    ['pre-commit', 'pre_commit_hook'],
    ['prepare-commit-msg', 'prepare_commit_msg_hook'],
  ];

  it("writes the three hooks (running keyfence's git-secrets mode), refuses to overwrite without -f", async () => {
    const installed = HOOKS.map(([h]) => `Installed ${h} hook to .git/hooks/${h}\n`).join('');
    expect(await s.gs(['--install'])).toEqual({ exitCode: 0, stdout: installed, stderr: '' });
    for (const [hook, cmd] of HOOKS) {
      const file = path.join(s.dir, '.git', 'hooks', hook!);
      const text = readFileSync(file, 'utf8');
      expect(text.startsWith('#!/bin/sh\n')).toBe(true);
      expect(text).toContain(`keyfence_hook git-secrets --${cmd} -- "$@"\n`);
      expect(text).not.toContain('git secrets');
      expect(statSync(file).mode & 0o111).not.toBe(0);
    }
    expect(await s.gs(['--install'])).toEqual({ exitCode: 1, stdout: '', stderr: '.git/hooks/commit-msg already exists. Use -f to force\n' });
    expect(await s.gs(['--install', '-f'])).toEqual({ exitCode: 0, stdout: installed, stderr: '' });
  });

  it('installs into a template directory (creating hooks/) and into <hook>.d directories', async () => {
    const tpl = path.join(s.home, 'tpl');
    const r = await s.gs(['--install', tpl]);
    expect(r.stdout).toBe(HOOKS.map(([h]) => `Installed ${h} hook to ${tpl}/hooks/${h}\n`).join(''));
    mkdirSync(path.join(s.dir, '.git', 'hooks', 'pre-commit.d'), { recursive: true });
    expect((await s.gs(['--install'])).stdout).toContain('Installed pre-commit hook to .git/hooks/pre-commit.d/git-secrets\n');
    expect((await s.gs(['--install', '.'])).stderr).toBe('./.git/hooks/commit-msg already exists. Use -f to force\n');
  });

  it('says so outside a repository', async () => {
    const out = sandbox(false);
    try {
      const r = await out.gs(['--install']);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/not a git repository[^\n]*\nNot in a Git repository\n$/);
    } finally {
      out.cleanup();
    }
  });

  it('blocks a commit that adds a key and lets a clean one through (real git commit)', async () => {
    await s.gs(['--install']);
    await s.gs(['--register-aws']);
    write('ok.txt', 'hello\n');
    s.git('add', 'ok.txt');
    expect(sh('git', ['commit', '-qm', 'clean'], s.dir, s.env).status).toBe(0);
    const id = fakeKeyId();
    write('bad.txt', `key = ${id}\n`);
    s.git('add', 'bad.txt');
    const blocked = sh('git', ['commit', '-qm', 'bad'], s.dir, s.env);
    expect(blocked.status).toBe(1);
    expect(blocked.stderr).toBe(`bad.txt:1:key = ${id}\n${ERROR_BLOCK}`);
    s.git('rm', '-q', '--cached', 'bad.txt');
    // The commit-msg hook scans the message.
    const msg = sh('git', ['commit', '-q', '--allow-empty', '-m', `leak ${id}`], s.dir, s.env);
    expect(msg.status).toBe(1);
    expect(msg.stderr).toBe(`.git/COMMIT_EDITMSG:1:leak ${id}\n${ERROR_BLOCK}`);
    expect(s.git('log', '--format=%s')).toBe('clean\n');
  });

  it('the pre-commit hook scans staged content, not the working tree', async () => {
    await s.gs(['--install']);
    await s.gs(['--register-aws']);
    const id = fakeKeyId();
    write('f.txt', `${id}\n`);
    s.git('add', 'f.txt');
    write('f.txt', 'clean in the working tree\n');
    expect(sh('git', ['commit', '-qm', 'x'], s.dir, s.env).status).toBe(1);
  });

  it('the prepare-commit-msg hook blocks a merge that brings a key in', async () => {
    await s.gs(['--register-aws']);
    write('base.txt', 'base\n');
    s.git('add', '.');
    s.git('commit', '-qm', 'base');
    s.git('checkout', '-qb', 'feature');
    const id = fakeKeyId();
    write('f.txt', `k = ${id}\n`);
    s.git('add', '.');
    s.git('commit', '-qm', 'feature', '--no-verify');
    s.git('checkout', '-q', 'main');
    write('m.txt', 'm\n');
    s.git('add', '.');
    s.git('commit', '-qm', 'main work');
    await s.gs(['--install']);
    const merge = sh('git', ['merge', '--no-ff', '-m', 'merge', 'feature'], s.dir, { ...s.env, GIT_EDITOR: 'true' });
    expect(merge.status).not.toBe(0);
    expect(merge.stderr).toMatch(new RegExp(`^\\(standard input\\):\\d+:\\+k = ${id}\n`));
    expect(merge.stderr).toContain('[ERROR] Matched one or more prohibited patterns');
  });

  it('the hook commands work when called directly as git-secrets calls them', async () => {
    await s.gs(['--register-aws']);
    write('msg', `subject ${fakeKeyId()}\n`);
    expect((await s.gs(['--commit_msg_hook', '--', 'msg'])).exitCode).toBe(1);
    write('msg2', 'fine\n');
    expect(await s.gs(['--commit_msg_hook', '--', 'msg2'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(await s.gs(['--prepare_commit_msg_hook', '--', 'msg2', 'message'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(await s.gs(['--pre_commit_hook', '--'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });
});

describe('the git-secrets bin', () => {
  it('runs as `git secrets` when first on PATH', () => {
    const r = sh('git', ['secrets', '--scan', '-'], s.dir, s.env, 'nothing\n');
    expect(r).toMatchObject({ status: 0, stdout: '', stderr: '' });
    const h = sh('git', ['secrets', '-h'], s.dir, s.env);
    expect(h.status).toBe(129);
    expect(h.stdout).toBe(USAGE);
  });

  it('a failure is one line and exit 2, not a stack trace', () => {
    mkdirSync(path.join(s.dir, '.git', 'hooks', 'commit-msg'), { recursive: true }); // a directory where the hook goes
    const r = sh('git', ['secrets', '--install', '-f'], s.dir, s.env);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('keyfence: cannot write .git/hooks/commit-msg: it is not a regular file\n');
  });
});
