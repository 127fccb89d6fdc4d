import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import { BIN } from './gitRepo.js';
import { cli, tempDir, writeTree } from './helpers/tmp.js';

describe('keyfence scan (CLI)', () => {
  it('reports path:line:column, rule and a redacted secret, a summary, and exits 1', async () => {
    const dir = tempDir();
    const id = fakeKeyId();
    const secret = fakeSecretKey();
    writeTree(dir, { 'conf/prod.env': `# prod\nAWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n` });
    const r = await cli(['scan', '--no-git', dir], dir);
    expect(r.exitCode).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('conf/prod.env:2:19  aws-access-key-id  AWS access key ID');
    expect(lines[1]).toBe('    AWS_ACCESS_KEY_ID=AKIA…(redacted)');
    expect(lines[3]).toMatch(/^ {4}account \d{12}$/);
    expect(lines[5]).toBe('conf/prod.env:3:23  aws-secret-access-key  AWS secret access key');
    expect(lines[6]).toBe(`    AWS_SECRET_ACCESS_KEY=${secret.slice(0, 4)}…(redacted)`);
    expect(lines.at(-1)).toMatch(/^keyfence: 2 findings \(aws-access-key-id: 1, aws-secret-access-key: 1\) in 1 file /);
    expect(r.stdout).not.toContain(id);
    expect(r.stdout).not.toContain(secret);
    expect(r.stderr).toBe('');
  });

  it('exits 0 with a clean summary on a clean tree, and stays quiet on AWS examples', async () => {
    const dir = tempDir();
    writeTree(dir, { 'README.md': 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' });
    const r = await cli(['scan', '--no-git', '.'], dir);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^keyfence: no findings in 1 file /);
  });

  it('--format json has findings, suppressed and stats, redacted unless --no-redact', async () => {
    const dir = tempDir();
    const id = fakeKeyId();
    writeTree(dir, { 'a.txt': `key: ${id}\n` });
    const r = await cli(['scan', '--no-git', '-f', 'json', '.'], dir);
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['findings', 'suppressed', 'stats']);
    expect(report.findings[0]).toMatchObject({ ruleId: 'aws-access-key-id', path: 'a.txt', line: 1, column: 6, endColumn: 26, secret: 'AKIA…(redacted)' });
    expect(report.findings[0].fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(report.stats).toMatchObject({ filesScanned: 1, binarySkipped: 0 });
    const clear = JSON.parse((await cli(['scan', '--no-git', '-f', 'json', '--no-redact', '.'], dir)).stdout);
    expect(clear.findings[0].secret).toBe(id);
    expect(clear.findings[0].lineText).toBe(`key: ${id}`);
  });

  it('reads standard input with "-"', async () => {
    const dir = tempDir();
    const id = fakeKeyId('ASIA');
    const r = await cli(['scan', '-'], dir, { stdin: async () => `log line\nusing ${id}\n` });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^\(stdin\):2:7 {2}aws-access-key-id {2}AWS access key ID\n {4}using ASIA…\(redacted\)\n/);
  });

  it('--output writes the report to a file and the summary to stderr', async () => {
    const dir = tempDir();
    writeTree(dir, { 'a.txt': `key: ${fakeKeyId()}\n` });
    const r = await cli(['scan', '--no-git', '-f', 'json', '-o', 'out.json', 'a.txt'], dir);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^keyfence: 1 finding/);
    const { readFileSync } = await import('node:fs');
    expect(JSON.parse(readFileSync(`${dir}/out.json`, 'utf8')).findings).toHaveLength(1);
  });

  it('--quiet prints nothing on a clean scan', async () => {
    const dir = tempDir();
    writeTree(dir, { 'a.txt': 'nothing here\n' });
    const r = await cli(['scan', '--no-git', '-q', '.'], dir);
    expect(r).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });

  describe('bad input: one line, exit 2, no stack trace', () => {
    const cases: [string, string[], RegExp][] = [
      ['unknown flag', ['scan', '--bogus'], /^keyfence: Unknown argument: bogus\n$/],
      ['unknown --no- flag', ['scan', '--no-such-option'], /^keyfence: unknown option --no-such-option\n$/],
      ['missing path', ['scan', 'no/such/dir'], /^keyfence: path not found: no\/such\/dir\n$/],
      ['bad format', ['scan', '-f', 'xml'], /^keyfence: Invalid values:.*format.*\n$/s],
      ['bad size', ['scan', '--max-file-size', '-3'], /^keyfence: --max-file-size must be a positive number of bytes\n$/],
      ['no command', [], /^keyfence: Say what to do: keyfence scan, baseline, explain, merge, rules, install, uninstall or git-secrets/],
      ['unknown command', ['scna'], /^keyfence: unknown command "scna"; did you mean scan\?\n$/],
      ['unknown command, nothing close', ['frobnicate'], /^keyfence: Unknown argument: frobnicate\n$/],
    ];
    for (const [name, argv, message] of cases) {
      it(name, async () => {
        const r = await cli(argv, tempDir());
        expect(r.exitCode).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(message);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      });
    }
  });

  it('standard input is decoded as files are: UTF-16 with a BOM is read, not taken for UTF-8', async () => {
    const id = fakeKeyId();
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`aws_access_key_id = ${id}\n`, 'utf16le')]);
    const r = spawnSync(process.execPath, [BIN, 'scan', '-'], { input: bytes, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^\(stdin\):1:21 {2}aws-access-key-id /);
    expect(r.stdout).not.toContain(id);
  });

  it('a reader that stops early (| head -1) ends the output quietly: no EPIPE stack trace', () => {
    const dir = tempDir();
    writeTree(dir, { 'a.env': Array.from({ length: 3000 }, () => `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n`).join('') });
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" scan --no-git . | head -1`], { cwd: dir, encoding: 'utf8' });
    expect(r.stdout).toBe('a.env:1:19  aws-access-key-id  AWS access key ID\n');
    expect(r.stderr).toBe('');
  });

  it('--help and --version print and exit 0', async () => {
    const help = await cli(['scan', '--help'], tempDir());
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('--no-git');
    const v = await cli(['--version'], tempDir());
    expect(v).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });

  it('keyfence rules lists ids, whether on, and descriptions', async () => {
    const r = await cli(['rules', '--format', 'json'], tempDir());
    const rules = JSON.parse(r.stdout) as { id: string; enabled: boolean }[];
    expect(rules.find((x) => x.id === 'aws-access-key-id')?.enabled).toBe(true);
    expect(rules.find((x) => x.id === 'aws-account-id')?.enabled).toBe(false);
  });

  it('keyfence rules shows what the config changes: its own rules, disabled and enabled ones', async () => {
    const dir = tempDir();
    writeTree(dir, {
      '.keyfence.json': JSON.stringify({
        rules: [{ id: 'acme-token', description: 'ACME token', pattern: 'acme_[a-z0-9]{32}', keywords: ['acme_'] }],
        disabledRules: ['aws-session-token'],
        enableRules: ['aws-account-id'],
      }),
    });
    const rules = JSON.parse((await cli(['rules', '--format', 'json'], dir)).stdout) as { id: string; enabled: boolean }[];
    const on = Object.fromEntries(rules.map((r) => [r.id, r.enabled]));
    expect(on).toMatchObject({ 'acme-token': true, 'aws-session-token': false, 'aws-account-id': true, 'aws-access-key-id': true });
    const text = (await cli(['rules'], dir)).stdout;
    expect(text).toMatch(/^acme-token +on +ACME token$/m);
  });
});
