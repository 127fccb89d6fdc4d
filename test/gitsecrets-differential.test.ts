import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import { BIN, sandbox, sh, type Sandbox } from './gitsecrets-helpers.js';

/** awslabs' git-secrets (the bash script), wherever it is installed; undefined when it is not. */
function realGitSecrets(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, 'git-secrets');
    try {
      accessSync(p, constants.X_OK);
      if (readFileSync(p, 'utf8').includes('OPTIONS_SPEC')) return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

const REAL = realGitSecrets();

/**
 * Runs awslabs' git-secrets and keyfence's on the same repository with the same arguments and
 * expects the same exit code, stdout and stderr. Only runs where git-secrets is installed
 * (`apt-get install git-secrets`; .ci/run installs it when it can).
 */
describe.skipIf(!REAL)('same output and exit code as awslabs git-secrets', () => {
  let s: Sandbox;
  beforeAll(() => {
    s = sandbox();
    const w = (rel: string, text: string | Buffer): void => {
      mkdirSync(path.dirname(path.join(s.dir, rel)), { recursive: true });
      writeFileSync(path.join(s.dir, rel), text);
    };
    // Register with the real tool: 1.3.0 as packaged lacks upstream's later Bedrock patterns.
    execFileSync(REAL!, ['--register-aws'], { cwd: s.dir, env: s.env });
    s.git('config', '--add', 'secrets.patterns', 'password\\s*=\\s*.+');
    s.git('config', '--add', 'secrets.patterns', '[[:alpha:]]+_TOKEN=[^ ]{8,}');
    s.git('config', '--add', 'secrets.allowed', '^allowed\\.txt:');
    w('.gitallowed', '# allow fixtures\n\nfixtures/.*:\n');
    w('a.txt', `id = ${fakeKeyId()}\nnothing\n`);
    w('sub/b.cfg', `x\naws_secret_access_key = "${fakeSecretKey()}"\n`);
    w('sub/deep/c.txt', 'password = hunter2\nMY_TOKEN=abcdefghij\n');
    w('allowed.txt', `${fakeKeyId()}\n`);
    w('fixtures/f.txt', `${fakeKeyId()}\n`);
    w('ex.txt', 'AKIAIOSFODNN7EXAMPLE\n');
    w('bin.dat', Buffer.from(`bin\0ary ${fakeKeyId()}\n`));
    w('notword.txt', `x${fakeKeyId()}\n`);
    w('crlf.txt', `crlf ${fakeKeyId()}\r\n`);
    w('account.txt', "aws_account_id: '1234-5678-9012'\n");
    s.git('add', '-A');
    s.git('commit', '-qm', 'one', '--no-verify');
    w('a.txt', `id = ${fakeKeyId()}\npassword = changed\n`);
    s.git('commit', '-qam', 'two', '--no-verify');
    w('untracked.txt', `u ${fakeKeyId()}\n`);
    w('a.txt', 'clean now\n');
  });
  afterAll(() => s?.cleanup());

  const cases: string[][] = [
    ['--scan'],
    ['--scan', '--cached'],
    ['--scan', '--untracked'],
    ['--scan', '--no-index'],
    ['--scan', 'sub/b.cfg', 'ex.txt'],
    ['--scan', 'sub'],
    ['--scan', '-r', 'sub'],
    ['--scan', 'missing', 'a.txt'],
    ['--scan', 'crlf.txt', 'bin.dat', 'notword.txt', 'account.txt'],
    ['--scan-history'],
    ['--list'],
    ['--aws-provider', 'sub/b.cfg'],
    [],
    ['-h'],
    ['--bogus'],
    ['--sca'],
    ['--no-scan'],
    ['--list', '-r'],
    ['--scan', '-r', '--cached'],
    ['--scan=1'],
    ['--help-all'],
    ['--pre_commit_hook', '--'],
    ['--commit_msg_hook', '--', 'sub/deep/c.txt'],
  ];

  it.each(cases.map((c) => [c.join(' ') || '(none)', c] as const))('git secrets %s', (_name, args) => {
    const ours = sh(process.execPath, [BIN, ...args], s.dir, s.env);
    const theirs = sh(REAL!, args, s.dir, s.env);
    expect(ours).toEqual(theirs);
    if (args[0] === '--scan' && args.length === 1) expect(ours.stderr).toContain('[ERROR]');
  });

  it('byte-exact on non-UTF-8 lines (files and stdin)', () => {
    writeFileSync(path.join(s.dir, 'latin1.txt'), Buffer.from('caf\xe9 password = x\xff\n', 'latin1'));
    const raw = (cmd: string, args: string[], input?: Buffer) => {
      const r = spawnSync(cmd, args, { cwd: s.dir, env: s.env, input });
      return { status: r.status, stdout: r.stdout.toString('hex'), stderr: r.stderr.toString('hex') };
    };
    expect(raw(process.execPath, [BIN, '--scan', 'latin1.txt'])).toEqual(raw(REAL!, ['--scan', 'latin1.txt']));
    const input = Buffer.from('\xfe password = y\n', 'latin1');
    expect(raw(process.execPath, [BIN, '--scan', '-'], input)).toEqual(raw(REAL!, ['--scan', '-'], input));
  });

  it('git secrets --scan - (stdin)', () => {
    const input = `line\npassword = x\n${fakeKeyId()}\n`;
    expect(sh(process.execPath, [BIN, '--scan', '-'], s.dir, s.env, input)).toEqual(sh(REAL!, ['--scan', '-'], s.dir, s.env, input));
  });
});
