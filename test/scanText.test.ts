// The library face (scanText, scanPaths) from the sources; test/library.test.ts checks the same
// functions reach users through the package's entry point.
import { describe, expect, it } from 'vitest';
import * as kf from '../src/index.js';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import { cli, tempDir, writeTree } from './helpers/tmp.js';

const pair = () => {
  const keyId = fakeKeyId();
  const secret = fakeSecretKey();
  return { keyId, secret, text: `[default]\naws_access_key_id = ${keyId}\naws_secret_access_key = ${secret}\n` };
};

describe('scanText', () => {
  it('finds the secrets in a text, reported at its path, redacted as the CLI redacts', async () => {
    const { keyId, secret, text } = pair();
    const result = await kf.scanText(text, { path: 'config/credentials', cwd: tempDir(), git: false });
    expect(result.findings.map((f) => [f.ruleId, f.path, f.line, f.column])).toEqual([
      ['aws-access-key-id', 'config/credentials', 2, 21],
      ['aws-secret-access-key', 'config/credentials', 3, 25],
    ]);
    expect(result.findings[0]!.secret).toBe(`${keyId.slice(0, 4)}…(redacted)`);
    expect(JSON.stringify(result)).not.toContain(keyId);
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(result.stats).toMatchObject({ filesScanned: 1, bytesScanned: text.length });
  });

  it('gives secrets in clear with redact: false', async () => {
    const { keyId, secret, text } = pair();
    const result = await kf.scanText(text, { path: 'a.ini', cwd: tempDir(), redact: false, git: false });
    expect(result.findings.map((f) => f.secret)).toEqual([keyId, secret]);
  });

  it('keeps what inline comments and the config allow, in suppressed, with the reason', async () => {
    const dir = tempDir();
    writeTree(dir, { '.keyfence.json': '{"allow": {"paths": ["fixtures/**"]}}' });
    const keyId = fakeKeyId();
    const inline = await kf.scanText(`key = ${keyId} # keyfence:allow\n`, { path: 'src/a.py', cwd: dir, git: false });
    expect(inline.findings).toEqual([]);
    expect(inline.suppressed.map((f) => [f.ruleId, f.suppressedBy.stage])).toEqual([['aws-access-key-id', 'inline']]);
    const byPath = await kf.scanText(`key = ${keyId}\n`, { path: 'fixtures/a.py', cwd: dir, git: false });
    expect(byPath.findings).toEqual([]);
    expect(byPath.suppressed.map((f) => f.suppressedBy)).toEqual([{ stage: 'path', reason: 'allow.paths: fixtures/**' }]);
    const ignored = await kf.scanText(`key = ${keyId} # keyfence:allow\n`, { path: 'src/a.py', cwd: dir, git: false, inlineAllow: false });
    expect(ignored.findings.map((f) => f.ruleId)).toEqual(['aws-access-key-id']);
  });

  it('rejects with ConfigError for an invalid config, naming the file', async () => {
    const dir = tempDir();
    writeTree(dir, { 'kf.json': '{"rules": 1}' });
    const err = await kf.scanText('x', { path: 'a.txt', cwd: dir, config: 'kf.json', git: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(kf.ConfigError);
    expect((err as Error).message).toMatch(/^kf\.json: /);
  });
});

describe('scanPaths', () => {
  it('gives exactly the findings `keyfence scan --format json` reports for the same directory', async () => {
    const dir = tempDir();
    writeTree(dir, { 'app/.env': pair().text, 'app/readme.md': 'nothing here\n', 'ok.txt': `x = ${fakeKeyId()} # keyfence:allow\n` });
    const result = await kf.scanPaths(['app', 'ok.txt'], { cwd: dir, git: false });
    expect(result.findings.map((f) => `${f.path}:${f.line}`)).toEqual(['app/.env:2', 'app/.env:3']);
    expect(result.suppressed.map((f) => f.path)).toEqual(['ok.txt']);
    const viaCli = await cli(['scan', '--no-git', '--format', 'json', 'app', 'ok.txt'], dir);
    const report = JSON.parse(viaCli.stdout);
    expect(result.findings).toEqual(report.findings);
    expect(result.suppressed).toEqual(report.suppressed);
  });

  it('rejects with InputError for a path that does not exist', async () => {
    const err = await kf.scanPaths(['missing'], { cwd: tempDir() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(kf.InputError);
    expect((err as Error).message).toBe('path not found: missing');
  });
});
