import { execFile, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAccountId, fakeKeyId, fakeSecretKey, fakeSessionToken } from '../src/rules/examples.js';
import type { Finding, ScanResult } from '../src/types.js';
import { BIN, commit, git, tempRepo, write } from './gitRepo.js';
import { startStsStandIn, type KnownKey, type StsStandIn } from './helpers/stsStandIn.js';
import { cli, tempDir, writeTree } from './helpers/tmp.js';

/** The environment without anything that would send requests elsewhere (a proxy, an endpoint). */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const k of Object.keys(env)) if (/^(https?_proxy|no_proxy|aws_.*)$/i.test(k)) delete env[k];
  return { ...env, ...extra };
}

/** A key the stand-in knows, with its secret (and token for ASIA keys), built at run time. */
function knownKey(sts: StsStandIn, opts: { prefix?: 'AKIA' | 'ASIA'; user?: string } & Partial<KnownKey> = {}): { keyId: string; key: KnownKey } {
  const keyId = fakeKeyId(opts.prefix ?? 'AKIA');
  const account = fakeAccountId();
  const key: KnownKey = {
    secret: fakeSecretKey(),
    arn: opts.prefix === 'ASIA' ? `arn:aws:sts::${account}:assumed-role/deploy/${opts.user ?? 'session'}` : `arn:aws:iam::${account}:user/${opts.user ?? 'ci'}`,
    account,
    userId: `AIDA${fakeAccountId()}`,
    ...(opts.prefix === 'ASIA' ? { token: fakeSessionToken() } : {}),
    ...opts,
  };
  sts.keys.set(keyId, key);
  return { keyId, key };
}

const iniPair = (keyId: string, secret: string, token?: string) =>
  `[default]\naws_access_key_id = ${keyId}\naws_secret_access_key = ${secret}\n${token ? `aws_session_token = ${token}\n` : ''}`;

async function scanJson(
  dir: string,
  env: NodeJS.ProcessEnv,
  ...flags: string[]
): Promise<{ exitCode: number; stderr: string; findings: Finding[]; ms: number }> {
  const started = Date.now();
  const r = await cli(['scan', '--no-git', '.', '--format', 'json', ...flags], dir, { env });
  const ms = Date.now() - started;
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  const result = JSON.parse(r.stdout) as ScanResult;
  return { exitCode: r.exitCode, stderr: r.stderr, findings: result.findings, ms };
}

const byRule = (findings: Finding[], path: string) => Object.fromEntries(findings.filter((f) => f.path === path).map((f) => [f.ruleId, f]));

let sts: StsStandIn;
beforeAll(async () => {
  sts = await startStsStandIn();
});
afterAll(async () => {
  await sts.close();
});

/** Nothing the stand-in ever received holds a secret key or is without a signature. */
function expectNoSecretSent(...secrets: string[]): void {
  const raw = sts.raw();
  for (const s of secrets) expect(raw).not.toContain(s);
  for (const r of sts.received) expect(r.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=/);
}

describe('scan --verify against a local STS', () => {
  it('sends nothing without --verify, and links the pair in JSON', async () => {
    const { keyId, key } = knownKey(sts);
    const dir = tempDir();
    writeTree(dir, { 'creds.ini': iniPair(keyId, key.secret) });
    const before = sts.raw().length;
    const { exitCode, findings } = await scanJson(dir, cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url }));
    expect(exitCode).toBe(1);
    expect(sts.raw().length).toBe(before);
    const f = byRule(findings, 'creds.ini');
    expect(f['aws-access-key-id']!.related).toEqual([f['aws-secret-access-key']!.fingerprint]);
    expect(f['aws-secret-access-key']!.related).toEqual([f['aws-access-key-id']!.fingerprint]);
    expect(findings.every((x) => x.verification === undefined)).toBe(true);
  });

  it('a live key: both findings show the caller identity; the secret never leaves in clear', async () => {
    const { keyId, key } = knownKey(sts, { user: 'ci-deploy' });
    const dir = tempDir();
    writeTree(dir, { 'creds.ini': iniPair(keyId, key.secret) });
    const n = sts.received.length;
    const { exitCode, findings, stderr } = await scanJson(dir, cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url }), '--verify');
    expect(exitCode).toBe(1);
    const f = byRule(findings, 'creds.ini');
    const expected = { status: 'valid', arn: key.arn, account: key.account, userId: key.userId };
    expect(f['aws-access-key-id']!.verification).toEqual(expected);
    expect(f['aws-secret-access-key']!.verification).toEqual(expected);
    const sent = sts.received.slice(n);
    expect(sent.map((r) => r.answer)).toEqual(['OK']);
    expect(sent[0]!.method).toBe('POST');
    expect(sent[0]!.body).toBe('Action=GetCallerIdentity&Version=2011-06-15');
    expect(sent[0]!.headers.authorization).toContain(`Credential=${keyId}/`);
    expect(sent[0]!.headers['x-amz-security-token']).toBeUndefined();
    expect(stderr).toContain(`--verify: asked ${sts.url} about 1 AWS key ID (1 key pair checked): 1 valid, 0 invalid, 0 could not be verified`);
    expectNoSecretSent(key.secret);
  });

  it('a temporary (ASIA) key sends its session token as X-Amz-Security-Token; the token finding is linked and verified', async () => {
    const { keyId, key } = knownKey(sts, { prefix: 'ASIA', user: 'ops' });
    const dir = tempDir();
    writeTree(dir, { 'creds.ini': iniPair(keyId, key.secret, key.token) });
    const n = sts.received.length;
    const { findings } = await scanJson(dir, cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url }), '--verify');
    const f = byRule(findings, 'creds.ini');
    const [id, secret, token] = [f['aws-access-key-id']!, f['aws-secret-access-key']!, f['aws-session-token']!];
    expect(new Set(id.related)).toEqual(new Set([secret.fingerprint, token.fingerprint]));
    expect(new Set(secret.related)).toEqual(new Set([id.fingerprint, token.fingerprint]));
    expect(new Set(token.related)).toEqual(new Set([id.fingerprint, secret.fingerprint]));
    for (const x of [id, secret, token]) expect(x.verification).toMatchObject({ status: 'valid', arn: key.arn });
    const sent = sts.received.slice(n);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers['x-amz-security-token']).toBe(key.token);
    expectNoSecretSent(key.secret);
  });

  it('STS rejections: an unknown key ID is InvalidClientTokenId, a wrong secret SignatureDoesNotMatch, both invalid', async () => {
    const { keyId, key } = knownKey(sts);
    const unknownKey = fakeKeyId();
    const unknownSecret = fakeSecretKey();
    const wrongSecret = fakeSecretKey();
    const dir = tempDir();
    writeTree(dir, { 'unknown.ini': iniPair(unknownKey, unknownSecret), 'wrong.ini': iniPair(keyId, wrongSecret) });
    const { exitCode, findings } = await scanJson(dir, cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url }), '--verify');
    expect(exitCode).toBe(1);
    expect(byRule(findings, 'unknown.ini')['aws-access-key-id']!.verification).toEqual({ status: 'invalid', error: 'InvalidClientTokenId' });
    expect(byRule(findings, 'unknown.ini')['aws-secret-access-key']!.verification).toEqual({ status: 'invalid', error: 'InvalidClientTokenId' });
    expect(byRule(findings, 'wrong.ini')['aws-access-key-id']!.verification).toEqual({ status: 'invalid', error: 'SignatureDoesNotMatch' });
    expect(byRule(findings, 'wrong.ini')['aws-secret-access-key']!.verification).toEqual({ status: 'invalid', error: 'SignatureDoesNotMatch' });
    expectNoSecretSent(key.secret, unknownSecret, wrongSecret);
  });

  it('never sends a suppressed finding: an allowed secret is not tried, an allowed pair not asked about', async () => {
    const pair = knownKey(sts);
    const half = knownKey(sts);
    const dir = tempDir();
    writeTree(dir, {
      'allowed.ini': `[default]\naws_access_key_id = ${pair.keyId} # keyfence:allow\naws_secret_access_key = ${pair.key.secret} # keyfence:allow\n`,
      'half.ini': `[default]\naws_access_key_id = ${half.keyId}\naws_secret_access_key = ${half.key.secret} # keyfence:allow\n`,
    });
    const n = sts.received.length;
    const r = await cli(['scan', '--no-git', '.', '--format', 'json', '--verify'], dir, { env: cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url }) });
    const result = JSON.parse(r.stdout) as ScanResult;
    expect(result.findings.map((f) => [f.path, f.ruleId, f.verification])).toEqual([['half.ini', 'aws-access-key-id', undefined]]);
    expect(result.suppressed).toHaveLength(3);
    expect(result.suppressed.every((f) => f.verification === undefined)).toBe(true);
    expect(sts.received.length).toBe(n);
    expect(r.stderr).toContain('--verify: no AWS key ID with a paired secret key to verify');
  });

  it('tries the paired secrets nearest first until one works', async () => {
    const { keyId, key } = knownKey(sts);
    const decoy = fakeSecretKey();
    const dir = tempDir();
    writeTree(dir, { 'two.env': `AWS_SECRET_ACCESS_KEY=${decoy}\nAWS_ACCESS_KEY_ID=${keyId}\n# the real one\nAWS_SECRET_ACCESS_KEY=${key.secret}\n` });
    const n = sts.received.length;
    const { findings } = await scanJson(dir, cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url }), '--verify');
    expect(sts.received.slice(n).map((r) => r.answer)).toEqual(['SignatureDoesNotMatch', 'OK']);
    const rows = findings.filter((f) => f.path === 'two.env');
    expect(rows.map((f) => [f.line, f.verification?.status])).toEqual([
      [1, 'invalid'],
      [2, 'valid'],
      [4, 'valid'],
    ]);
    expectNoSecretSent(key.secret, decoy);
  });

  it('each distinct key pair is asked once per scan, however often it appears', async () => {
    const { keyId, key } = knownKey(sts);
    const dir = tempDir();
    writeTree(dir, {
      'a.ini': iniPair(keyId, key.secret),
      'b/c.ini': iniPair(keyId, key.secret),
      'd.json': JSON.stringify({ AccessKeyId: keyId, SecretAccessKey: key.secret }),
    });
    const n = sts.received.length;
    const { findings } = await scanJson(dir, cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url }), '--verify');
    expect(sts.received.slice(n)).toHaveLength(1);
    expect(findings).toHaveLength(6);
    expect(findings.every((f) => f.verification?.status === 'valid')).toBe(true);
  });

  /** One key pair with the given stand-in behaviour, scanned with --verify: what STS answered, and the key ID's verification. */
  async function verifyOne(behaviour: KnownKey['behaviour']) {
    const { keyId, key } = knownKey(sts, { behaviour });
    const dir = tempDir();
    writeTree(dir, { 'creds.ini': iniPair(keyId, key.secret) });
    const n = sts.received.length;
    const { findings } = await scanJson(dir, cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url }), '--verify');
    return { key, answers: sts.received.slice(n).map((r) => r.answer), verification: byRule(findings, 'creds.ini')['aws-access-key-id']!.verification };
  }

  it('retries when STS throttles, backing off, then reports the answer', async () => {
    const { key, answers, verification } = await verifyOne('throttle-once');
    expect(answers).toEqual(['Throttling', 'OK']);
    expect(verification).toMatchObject({ status: 'valid', arn: key.arn });
  });

  it('gives up on a key STS keeps throttling after 4 attempts, saying so', async () => {
    const { answers, verification } = await verifyOne('throttle-always');
    expect(answers).toEqual(['Throttling', 'Throttling', 'Throttling', 'Throttling']);
    expect(verification).toEqual({ status: 'error', error: 'HTTP 400 Throttling: Rate exceeded (gave up after 4 attempts)' });
  });

  it('a request STS never answers is an error after the per-request timeout', async () => {
    const { keyId, key } = knownKey(sts, { behaviour: 'hang' });
    const dir = tempDir();
    writeTree(dir, { 'creds.ini': iniPair(keyId, key.secret) });
    const { exitCode, findings, ms } = await scanJson(dir, cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url, KEYFENCE_VERIFY_TIMEOUT_MS: '300' }), '--verify');
    expect(exitCode).toBe(1);
    expect(byRule(findings, 'creds.ini')['aws-access-key-id']!.verification).toEqual({ status: 'error', error: 'no answer within 0.3 s' });
    expect(ms).toBeLessThan(5000);
  });

  it('an endpoint that hangs costs at most the overall deadline, 4 requests at a time, and every finding is still reported', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 10; i++) {
      const { keyId, key } = knownKey(sts, { behaviour: 'hang' });
      files[`k${i}.ini`] = iniPair(keyId, key.secret);
    }
    const dir = tempDir();
    writeTree(dir, files);
    const n = sts.received.length;
    const { exitCode, findings, ms } = await scanJson(
      dir,
      cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url, KEYFENCE_VERIFY_TIMEOUT_MS: '20000', KEYFENCE_VERIFY_DEADLINE_MS: '800' }),
      '--verify',
    );
    expect(exitCode).toBe(1);
    // At most 4 requests in flight: the other 6 keys were never sent once the deadline passed.
    expect(sts.received.slice(n).map((r) => r.answer)).toEqual(['hang', 'hang', 'hang', 'hang']);
    expect(findings).toHaveLength(20);
    for (const f of findings) expect(f.verification).toEqual({ status: 'error', error: 'verification deadline passed' });
    expect(ms).toBeLessThan(4000);
  });

  it('the real binary exits promptly after a live answer and after a hanging endpoint (no open handle keeps it)', async () => {
    const live = knownKey(sts);
    const hang = knownKey(sts, { behaviour: 'hang' });
    const dir = tempDir();
    writeTree(dir, { 'live.ini': iniPair(live.keyId, live.key.secret), 'hang.ini': iniPair(hang.keyId, hang.key.secret) });
    const env = cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url, KEYFENCE_VERIFY_TIMEOUT_MS: '10000', KEYFENCE_VERIFY_DEADLINE_MS: '700' });
    const started = Date.now();
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, 'scan', '--no-git', '.', '--verify', '--format', 'json'], { cwd: dir, env }, (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
      );
    });
    expect(r.code, r.stderr).toBe(1);
    expect(Date.now() - started).toBeLessThan(4000);
    const findings = (JSON.parse(r.stdout) as ScanResult).findings;
    expect(findings.map((f) => [f.path, f.verification?.status])).toEqual([
      ['hang.ini', 'error'],
      ['hang.ini', 'error'],
      ['live.ini', 'valid'],
      ['live.ini', 'valid'],
    ]);
  });

  it('a closed port is an error naming the connection failure; findings and exit code unchanged', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const { keyId, key } = knownKey(sts);
    const dir = tempDir();
    writeTree(dir, { 'creds.ini': iniPair(keyId, key.secret) });
    const { exitCode, findings, stderr } = await scanJson(dir, cleanEnv({ AWS_ENDPOINT_URL: `http://127.0.0.1:${closed}` }), '--verify');
    expect(exitCode).toBe(1);
    expect(findings).toHaveLength(2);
    expect(findings[0]!.verification).toMatchObject({ status: 'error', error: expect.stringMatching(/^ECONNREFUSED/) });
    expect(stderr).toContain('0 valid, 0 invalid, 1 could not be verified');
  });

  it('--only-verified reports only the pairs STS accepted, and keeps the exit code', async () => {
    const { keyId, key } = knownKey(sts);
    const dir = tempDir();
    writeTree(dir, {
      'live.ini': iniPair(keyId, key.secret),
      'dead.ini': iniPair(fakeKeyId(), fakeSecretKey()),
      'lone.txt': `token = ${fakeSessionToken()}\n`,
    });
    const env = cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url });
    const all = await scanJson(dir, env, '--verify');
    expect(all.findings).toHaveLength(5);
    const only = await scanJson(dir, env, '--only-verified');
    expect(only.exitCode).toBe(1);
    expect(only.findings.map((f) => `${f.path}:${f.ruleId}`)).toEqual(['live.ini:aws-access-key-id', 'live.ini:aws-secret-access-key']);
    expect(only.stderr).toContain('--only-verified: 3 findings not verified valid not reported');

    const deadDir = tempDir();
    writeTree(deadDir, { 'dead.ini': iniPair(fakeKeyId(), fakeSecretKey()) });
    const none = await scanJson(deadDir, env, '--only-verified');
    expect(none.findings).toEqual([]);
    expect(none.exitCode).toBe(1);
  });

  it('redaction holds in every verification field, whatever the endpoint sends back', async () => {
    const { keyId, key } = knownKey(sts);
    // A hostile endpoint echoes the key ID and secret back, with a terminal escape.
    key.userId = `${keyId}:${key.secret}`;
    const odd = knownKey(sts, { behaviour: 'odd-error' });
    odd.key.message = `bad key ${odd.keyId} with ${odd.key.secret} \u001b[31mred`;
    const dir = tempDir();
    writeTree(dir, { 'a.ini': iniPair(keyId, key.secret), 'b.ini': iniPair(odd.keyId, odd.key.secret) });
    const env = cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url });
    for (const format of ['json', 'text', 'sarif', 'csv', 'junit', 'html', 'github']) {
      const r = await cli(['scan', '--no-git', '.', '--verify', '--format', format], dir, { env });
      for (const s of [keyId, key.secret, odd.keyId, odd.key.secret]) expect(r.stdout, format).not.toContain(s);
      expect(r.stdout, format).not.toContain('\u001b');
      expect(r.stdout, format).toContain('ValidationError');
    }
    const { findings } = await scanJson(dir, env, '--verify');
    expect(byRule(findings, 'a.ini')['aws-access-key-id']!.verification).toMatchObject({
      status: 'valid',
      userId: `${keyId.slice(0, 4)}…(redacted):${key.secret.slice(0, 4)}…(redacted)`,
    });
    expect(byRule(findings, 'b.ini')['aws-access-key-id']!.verification!.error).toBe(
      `HTTP 400 ValidationError: bad key ${odd.keyId.slice(0, 4)}…(redacted) with ${odd.key.secret.slice(0, 4)}…(redacted) [31mred`,
    );
    // --no-redact shows what the endpoint said: it is the redaction that hid it.
    const clear = await cli(['scan', '--no-git', '.', '--verify', '--format', 'json', '--no-redact'], dir, { env });
    expect(clear.stdout).toContain(`bad key ${odd.keyId} with ${odd.key.secret}`);
  });

  it('every report format shows what STS said', async () => {
    const { keyId, key } = knownKey(sts, { user: 'release-bot' });
    const dir = tempDir();
    writeTree(dir, { 'live.ini': iniPair(keyId, key.secret), 'dead.ini': iniPair(fakeKeyId(), fakeSecretKey()) });
    const env = cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url });
    const out: Record<string, string> = {};
    for (const format of ['text', 'sarif', 'csv', 'junit', 'html', 'github'])
      out[format] = (await cli(['scan', '--no-git', '.', '--verify', '--format', format], dir, { env })).stdout;
    expect(out.text).toContain(`verified live: ${key.arn} (account ${key.account})`);
    expect(out.text).toContain('verified not live (InvalidClientTokenId)');
    const results = (
      JSON.parse(out.sarif!) as {
        runs: { results: { properties?: Record<string, string>; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
      }
    ).runs[0]!.results;
    const props = results.map((r) => [
      r.locations[0]!.physicalLocation.artifactLocation.uri,
      r.properties?.verificationStatus,
      r.properties?.verificationArn ?? r.properties?.verificationError,
    ]);
    expect(props).toEqual([
      ['dead.ini', 'invalid', 'InvalidClientTokenId'],
      ['dead.ini', 'invalid', 'InvalidClientTokenId'],
      ['live.ini', 'valid', key.arn],
      ['live.ini', 'valid', key.arn],
    ]);
    const csv = out
      .csv!.trimEnd()
      .split('\r\n')
      .map((l) => l.split(','));
    expect(csv[0]!.slice(-4)).toEqual(['verification_status', 'verification_arn', 'verification_account', 'verification_error']);
    expect(csv.slice(1).map((r) => r.slice(-4))).toEqual([
      ['invalid', '', '', 'InvalidClientTokenId'],
      ['invalid', '', '', 'InvalidClientTokenId'],
      ['valid', key.arn, key.account, ''],
      ['valid', key.arn, key.account, ''],
    ]);
    expect(out.junit).toContain(`Verification: verified live: ${key.arn} (account ${key.account})`);
    expect(out.junit).toContain('Verification: verified not live (InvalidClientTokenId)');
    expect(out.github).toContain(`(verified live: ${key.arn} (account ${key.account}))`);
    expect(out.github).toContain('(verified not live (InvalidClientTokenId))');
    expect(out.html).toContain('<button type="button">Verified</button>');
    expect(out.html).toContain(`<td data-v="valid" class="verify-valid">verified live: ${key.arn} (account ${key.account})</td>`);
    // Without --verify, the CSV and HTML reports keep their usual columns.
    const plainCsv = (await cli(['scan', '--no-git', '.', '--format', 'csv'], dir, { env })).stdout;
    expect(plainCsv.split('\r\n')[0]).not.toContain('verification');
  });

  it('a staged scan (the pre-commit hook) verifies only when asked', async () => {
    const { keyId, key } = knownKey(sts);
    const repo = tempRepo();
    write(repo, 'deploy/creds.ini', iniPair(keyId, key.secret));
    git(repo, 'add', '.');
    const env = cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url });
    const n = sts.received.length;
    const hook = await cli(['scan', '--staged', '--format', 'json'], repo, { env });
    expect(hook.exitCode).toBe(1);
    expect(sts.received.length).toBe(n);
    const asked = await cli(['scan', '--staged', '--format', 'json', '--verify'], repo, { env });
    expect(asked.exitCode).toBe(1);
    expect((JSON.parse(asked.stdout) as ScanResult).findings.map((f) => f.verification?.status)).toEqual(['valid', 'valid']);
    expect(sts.received.length).toBe(n + 1);
  });

  it('a history scan verifies a key pair committed and later removed', async () => {
    const { keyId, key } = knownKey(sts, { user: 'old-deploy' });
    const repo = tempRepo();
    write(repo, 'creds.ini', iniPair(keyId, key.secret));
    git(repo, 'add', '.');
    const added = commit(repo, 'add creds');
    git(repo, 'rm', '-q', 'creds.ini');
    commit(repo, 'remove creds');
    const r = await cli(['scan', '--history', '--format', 'json', '--only-verified'], repo, { env: cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url }) });
    expect(r.exitCode).toBe(1);
    const findings = (JSON.parse(r.stdout) as ScanResult).findings;
    expect(findings.map((f) => [f.ruleId, f.commit, f.verification?.arn])).toEqual([
      ['aws-access-key-id', added, key.arn],
      ['aws-secret-access-key', added, key.arn],
    ]);
  });

  it('a bad endpoint URL or region is one line on stderr and exit 2', async () => {
    const dir = tempDir();
    writeTree(dir, { 'a.txt': 'nothing\n' });
    const r = await cli(['scan', '--no-git', '.', '--verify'], dir, { env: cleanEnv({ AWS_ENDPOINT_URL_STS: 'ftp://example.com/' }) });
    expect([r.exitCode, r.stderr]).toEqual([2, 'keyfence: --verify: AWS_ENDPOINT_URL_STS is not an http(s) URL: "ftp://example.com/"\n']);
    const r2 = await cli(['scan', '--no-git', '.', '--verify'], dir, { env: cleanEnv({ AWS_REGION: 'us-east-1; rm -rf' }) });
    expect(r2.exitCode).toBe(2);
    expect(r2.stderr.split('\n')).toHaveLength(2);
    expect(r2.stderr).toContain('AWS_REGION is not an AWS region');
  });
});

/** A forward proxy that only tunnels (CONNECT), recording each target. */
async function startConnectProxy(): Promise<{ url: string; targets: string[]; close: () => Promise<void> }> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket, head: Buffer) => {
    targets.push(req.url ?? '');
    sockets.add(client);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    targets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('scan --verify through a proxy', () => {
  it('HTTP_PROXY tunnels a request to an http endpoint; NO_PROXY bypasses it', async () => {
    const proxy = await startConnectProxy();
    try {
      const { keyId, key } = knownKey(sts);
      const dir = tempDir();
      writeTree(dir, { 'creds.ini': iniPair(keyId, key.secret) });
      const { findings } = await scanJson(dir, cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url, HTTP_PROXY: proxy.url }), '--verify');
      expect(proxy.targets).toEqual([`127.0.0.1:${sts.port}`]);
      expect(findings[0]!.verification).toMatchObject({ status: 'valid', arn: key.arn });
      const direct = await scanJson(dir, cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url, HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' }), '--verify');
      expect(proxy.targets).toHaveLength(1);
      expect(direct.findings[0]!.verification?.status).toBe('valid');
    } finally {
      await proxy.close();
    }
  });

  it('the real binary reaches an https endpoint through HTTPS_PROXY (CONNECT + TLS)', async () => {
    const certDir = tempDir();
    const openssl = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
      ],
      { cwd: certDir, encoding: 'utf8' },
    );
    expect(openssl.status, openssl.stderr).toBe(0);
    const tls = { key: readFileSync(path.join(certDir, 'key.pem'), 'utf8'), cert: readFileSync(path.join(certDir, 'cert.pem'), 'utf8') };
    const secure = await startStsStandIn(tls);
    const proxy = await startConnectProxy();
    try {
      const { keyId, key } = knownKey(secure, { prefix: 'ASIA' });
      const dir = tempDir();
      writeTree(dir, { 'creds.ini': iniPair(keyId, key.secret, key.token) });
      const env = cleanEnv({ AWS_ENDPOINT_URL_STS: secure.url, HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: path.join(certDir, 'cert.pem') });
      const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [BIN, 'scan', '--no-git', '.', '--verify', '--format', 'json'], { cwd: dir, env }, (err, stdout, stderr) =>
          resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
        );
      });
      expect(r.code, r.stderr).toBe(1);
      expect(proxy.targets).toEqual([`localhost:${secure.port}`]);
      const findings = (JSON.parse(r.stdout) as ScanResult).findings;
      expect(findings.map((f) => f.verification?.status)).toEqual(['valid', 'valid', 'valid']);
      expect(secure.received.map((x) => x.headers['x-amz-security-token'])).toEqual([key.token]);
    } finally {
      await proxy.close();
      await secure.close();
    }
  });
});
