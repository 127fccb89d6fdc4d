import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';

const BIN = fileURLToPath(new URL('../bin/keyfence.js', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyfence-baseline-'));
  dirs.push(dir);
  const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q');
  git('config', 'user.email', 'dev@example.com');
  git('config', 'user.name', 'dev');
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  git('add', '-A');
  git('commit', '-qm', 'initial', '--no-verify');
  return dir;
}

/** The real CLI, in its own process. */
function keyfence(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { exitCode: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('keyfence baseline (end to end, real git repository, built CLI)', () => {
  it('baseline → pass → 10 lines inserted above → still pass → a new secret → exactly that one reported', () => {
    const dir = repo({ 'deploy.env': `REGION=eu-west-1\nAWS_ACCESS_KEY_ID=${fakeKeyId()}\nAWS_SECRET_ACCESS_KEY=${fakeSecretKey()}\n` });
    expect(keyfence(['scan'], dir).exitCode).toBe(1);

    const recorded = keyfence(['baseline'], dir);
    expect(recorded).toMatchObject({ exitCode: 0, stderr: '' });
    expect(recorded.stdout).toBe('keyfence: wrote 2 entries to .keyfence-baseline.json (aws-access-key-id: 1, aws-secret-access-key: 1)\n');
    const scan = () => keyfence(['scan', '--baseline', '.keyfence-baseline.json'], dir);
    expect(scan().exitCode).toBe(0);
    expect(scan().stdout).toMatch(/no findings .*; 2 suppressed/);

    const file = path.join(dir, 'deploy.env');
    const ten = Array.from({ length: 10 }, (_, i) => `# note ${i}`).join('\n');
    writeFileSync(file, `${ten}\n${readFileSync(file, 'utf8')}`);
    expect(scan().exitCode).toBe(0);

    const fresh = fakeKeyId();
    writeFileSync(file, `${readFileSync(file, 'utf8')}NEW_KEY_ID=${fresh}\n`);
    const after = scan();
    expect(after.exitCode).toBe(1);
    const reported = after.stdout.split('\n').filter((l) => l.startsWith('deploy.env:'));
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBe('deploy.env:14:12  aws-access-key-id  AWS access key ID');
    expect(after.stdout).toContain('AKIA…(redacted)');
    const report = JSON.parse(keyfence(['scan', '--baseline', '.keyfence-baseline.json', '--format', 'json', '--no-redact'], dir).stdout);
    expect(report.findings.map((f: { secret: string }) => f.secret)).toEqual([fresh]);
    expect(report.suppressed.map((f: { suppressedBy: unknown }) => f.suppressedBy)).toEqual([
      { stage: 'baseline', reason: '.keyfence-baseline.json' },
      { stage: 'baseline', reason: '.keyfence-baseline.json' },
    ]);
  });

  it('re-running on an unchanged repository writes a byte-identical file, with no secret in clear', () => {
    const key = fakeKeyId();
    const secret = fakeSecretKey();
    const dir = repo({ 'a.env': `AWS_ACCESS_KEY_ID=${key}\naws_secret_access_key = ${secret}\n`, 'b.py': `k = "${fakeKeyId()}"\n` });
    expect(keyfence(['baseline'], dir).exitCode).toBe(0);
    const first = readFileSync(path.join(dir, '.keyfence-baseline.json'));
    expect(keyfence(['baseline'], dir).exitCode).toBe(0);
    expect(readFileSync(path.join(dir, '.keyfence-baseline.json')).equals(first)).toBe(true);
    expect(first.toString()).not.toContain(key);
    expect(first.toString()).not.toContain(secret);
    // The baseline file itself scans clean.
    expect(keyfence(['scan', '.keyfence-baseline.json'], dir).exitCode).toBe(0);
  });

  it('--prune lists and drops entries that no longer match, and records nothing new', () => {
    const dir = repo({ 'a.env': `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n`, 'b.env': `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n` });
    keyfence(['baseline'], dir);
    writeFileSync(path.join(dir, 'a.env'), 'AWS_ACCESS_KEY_ID=${FROM_VAULT}\n');
    writeFileSync(path.join(dir, 'c.env'), `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n`);
    const pruned = keyfence(['baseline', '--prune'], dir);
    expect(pruned.exitCode).toBe(0);
    expect(pruned.stdout).toMatch(
      /^stale {2}a\.env {2}aws-access-key-id {2}AKIA…\(redacted\) {2}[0-9a-f]{32}\nkeyfence: pruned 1 of 2 entries \(no longer found\) from \.keyfence-baseline\.json\n$/,
    );
    const entries = JSON.parse(readFileSync(path.join(dir, '.keyfence-baseline.json'), 'utf8')).entries;
    expect(entries.map((e: { path: string }) => e.path)).toEqual(['b.env']);
    expect(keyfence(['baseline', '--prune'], dir).stdout).toBe('keyfence: all 1 entries still match in .keyfence-baseline.json\n');
  });
});

describe('keyfence baseline options', () => {
  const io = (cwd: string) => ({ cwd, env: {} });

  it('--output names the file; the config\'s "baseline" is the default and what scan applies', async () => {
    const dir = repo({ 'a.env': `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n` });
    const out = await run(['baseline', '--output', 'audit/known.json'], io(dir));
    expect(out).toMatchObject({
      exitCode: 2,
      stderr: expect.stringMatching(/^keyfence: cannot write baseline to audit\/known\.json: directory audit does not exist\n$/),
    });
    // An absolute path is shown as written, not as ../../../ from the repository.
    const absent = path.join(tmpdir(), `keyfence-absent-${process.pid}`, 'known.json');
    const abs = await run(['baseline', '-o', absent], io(dir));
    expect(abs).toMatchObject({ exitCode: 2, stderr: `keyfence: cannot write baseline to ${absent}: directory ${path.dirname(absent)} does not exist\n` });
    expect((await run(['baseline', '-o', 'known.json'], io(dir))).stdout).toBe('keyfence: wrote 1 entry to known.json (aws-access-key-id: 1)\n');
    expect(existsSync(path.join(dir, 'known.json'))).toBe(true);

    writeFileSync(path.join(dir, '.keyfence.json'), '{"baseline": "keyfence/baseline.json"}');
    spawnSync('mkdir', ['keyfence'], { cwd: dir });
    expect((await run(['scan'], io(dir))).exitCode).toBe(1); // configured baseline not written yet: nothing allowed
    expect((await run(['baseline'], io(dir))).stdout).toBe('keyfence: wrote 1 entry to keyfence/baseline.json (aws-access-key-id: 1)\n');
    expect((await run(['scan'], io(dir))).exitCode).toBe(0);
  });

  it('a missing or broken --baseline is an error (exit 2), never a silent pass', async () => {
    const dir = repo({ 'a.env': `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n` });
    expect(await run(['scan', '--baseline', 'nope.json'], io(dir))).toMatchObject({ exitCode: 2, stderr: 'keyfence: nope.json: baseline file not found\n' });
    writeFileSync(path.join(dir, 'bad.json'), '{"entries": 3}');
    expect(await run(['scan', '--baseline', 'bad.json'], io(dir))).toMatchObject({
      exitCode: 2,
      stderr: 'keyfence: bad.json: not a keyfence baseline: no "entries" array\n',
    });
    writeFileSync(path.join(dir, 'bad.json'), '{\n  "entries":\n    [x]\n}\n');
    const invalid = await run(['scan', '--baseline', 'bad.json'], io(dir));
    expect(invalid).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/^keyfence: bad\.json: not a keyfence baseline: invalid JSON at line \d+\n$/) });
    spawnSync('mkdir', ['adir'], { cwd: dir });
    expect(await run(['scan', '--baseline', 'adir'], io(dir))).toMatchObject({
      exitCode: 2,
      stderr: 'keyfence: adir: not a regular file (keyfence reads configuration only from regular files)\n',
    });
    expect(await run(['baseline', '--prune'], io(dir))).toMatchObject({ exitCode: 2, stderr: 'keyfence: .keyfence-baseline.json: baseline file not found\n' });
  });

  it('does not record what allowlists already allow', async () => {
    const dir = repo({ 'a.env': `AWS_ACCESS_KEY_ID=${fakeKeyId()} # keyfence:allow\n`, 'b.env': `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n` });
    expect((await run(['baseline'], io(dir))).stdout).toBe('keyfence: wrote 1 entry to .keyfence-baseline.json (aws-access-key-id: 1)\n');
  });

  it('--history records secrets from history with the fingerprints a tree scan has', async () => {
    const key = fakeKeyId();
    const dir = repo({ 'a.env': `AWS_ACCESS_KEY_ID=${key}\n`, 'b.env': `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n` });
    // b.env's key is removed again: only history still holds it.
    writeFileSync(path.join(dir, 'b.env'), 'AWS_ACCESS_KEY_ID=${FROM_VAULT}\n');
    spawnSync('git', ['commit', '-qam', 'use the vault', '--no-verify'], { cwd: dir });
    expect((await run(['baseline', '--history', '-o', 'history.json'], io(dir))).exitCode).toBe(0);
    expect((await run(['baseline', '-o', 'tree.json'], io(dir))).exitCode).toBe(0);
    const entries = (f: string) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')).entries as { path: string; fingerprint: string }[];
    expect(entries('history.json').map((e) => e.path)).toEqual(['a.env', 'b.env']);
    expect(entries('tree.json')).toEqual(entries('history.json').filter((e) => e.path === 'a.env'));
    expect((await run(['scan', '--history', '--baseline', 'history.json'], io(dir))).exitCode).toBe(0);
    expect((await run(['scan', '--history'], io(dir))).exitCode).toBe(1);
  });
});
