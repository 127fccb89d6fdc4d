import { describe, expect, it } from 'vitest';
import { awsAccountFromKeyId } from '../src/detect/awsAccount.js';
import { detect, fingerprintOf } from '../src/detect/detector.js';
import { redactResult } from '../src/report/redact.js';
import { fakeBedrockKey, fakeBedrockToken, fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import { compileRule } from '../src/rules/compile.js';
import { loadBuiltinRules, selectRules } from '../src/rules/load.js';
import type { Finding, Fragment } from '../src/types.js';

const rules = selectRules(loadBuiltinRules());
const scan = (text: string, extra: Partial<Fragment> = {}) => detect({ text, path: 'k8s/secret.yaml', startLine: 1, ...extra }, rules);
const b64 = (s: string) => Buffer.from(s).toString('base64');
/** A secret key that surely holds "/" and "+", so percent-encoding changes it. */
const slashySecret = () => {
  const s = fakeSecretKey();
  return `${s.slice(0, 10)}/${s.slice(11, 20)}+${s.slice(21)}`;
};

describe('credentials in decoded content', () => {
  it('reports a base64 value at the encoded span, with the decoded secret and decodedFrom', () => {
    const id = fakeKeyId();
    const secret = fakeSecretKey();
    const encId = b64(id);
    const encSecret = b64(secret);
    const lines = ['apiVersion: v1', 'kind: Secret', 'data:', `  AWS_ACCESS_KEY_ID: ${encId}`, `  AWS_SECRET_ACCESS_KEY: ${encSecret}`];
    const found = scan(lines.join('\n'));
    expect(found.map((f) => [f.ruleId, f.line, f.column, f.endColumn, f.secret, f.decodedFrom])).toEqual([
      ['aws-access-key-id', 4, lines[3]!.indexOf(encId) + 1, lines[3]!.indexOf(encId) + 1 + encId.length, id, 'base64'],
      ['aws-secret-access-key', 5, lines[4]!.indexOf(encSecret) + 1, lines[4]!.indexOf(encSecret) + 1 + encSecret.length, secret, 'base64'],
    ]);
    expect(found[0]!.awsAccountId).toBe(awsAccountFromKeyId(id));
  });

  it('gives a decoded secret the same fingerprint as the same secret in clear', () => {
    const secret = fakeSecretKey();
    const [plain] = scan(`aws_secret_access_key = ${secret}`);
    const [encoded] = scan(`aws_secret_access_key: ${b64(secret)}`);
    expect(encoded!.decodedFrom).toBe('base64');
    expect(encoded!.fingerprint).toBe(plain!.fingerprint);
    expect(encoded!.fingerprint).toBe(fingerprintOf('aws-secret-access-key', 'k8s/secret.yaml', secret));
  });

  it('shows the decoded line as the excerpt, so redaction hides the secret and its encoding', () => {
    const secret = fakeSecretKey();
    const text = `env: ${b64(`AWS_SECRET_ACCESS_KEY=${secret}\nAWS_REGION=eu-west-1\n`)}`;
    const findings = scan(text);
    expect(findings.map((f) => f.lineText)).toEqual([`env: AWS_SECRET_ACCESS_KEY=${secret}`]);
    const [shown] = redactResult({ findings, suppressed: [], stats: {} as never }).findings as Finding[];
    expect(shown!.lineText).not.toContain(secret);
    expect(shown!.lineText).not.toContain(b64(secret).slice(0, 16));
  });

  it('decodes percent-encoded values in URLs and points at the encoded characters', () => {
    const secret = slashySecret();
    const encoded = encodeURIComponent(secret);
    const text = `https://hooks.example.com/deploy?aws_secret_access_key=${encoded}&region=us-east-1`;
    const [f, ...rest] = scan(text);
    expect(rest).toEqual([]);
    expect([f!.ruleId, f!.secret, f!.decodedFrom]).toEqual(['aws-secret-access-key', secret, 'percent']);
    expect(text.slice(f!.column - 1, f!.endColumn - 1)).toBe(encoded);
  });

  it('reads JSON strings whose slashes are escaped, and strings escaped twice', () => {
    const secret = slashySecret();
    const once = `{"aws_secret_access_key":"${secret.replaceAll('/', '\\/')}"}`;
    const twice = JSON.stringify({ body: JSON.stringify({ aws_secret_access_key: secret }) });
    expect(scan(once).map((f) => [f.secret, f.decodedFrom])).toEqual([[secret, 'json']]);
    expect(scan(twice).map((f) => f.secret)).toEqual([secret]);
  });

  it('does not report a plain finding twice because a decoder also saw it', () => {
    const id = fakeKeyId();
    const url = `https://b.s3.amazonaws.com/f?X-Amz-Credential=${id}%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=abc`;
    const found = scan(url);
    expect(found.map((f) => [f.ruleId, f.secret, f.decodedFrom])).toEqual([['aws-access-key-id', id, undefined]]);
  });

  it('keeps the line numbers of a diff hunk for decoded findings', () => {
    const secret = fakeSecretKey();
    const found = scan(`name: x\n  aws_secret_access_key: ${b64(secret)}`, { lineNumbers: [10, 42] });
    expect(found.map((f) => [f.line, f.secret])).toEqual([[42, secret]]);
  });
});

describe('Bedrock API keys', () => {
  it('reports a short-term key once, not the key ID and session token presigned inside it', () => {
    const keyId = fakeKeyId('ASIA');
    const token = fakeBedrockToken(keyId);
    const found = scan(`export AWS_BEARER_TOKEN_BEDROCK=${token}`);
    expect(found.map((f) => [f.ruleId, f.secret, f.awsAccountId])).toEqual([['aws-bedrock-api-key', token, awsAccountFromKeyId(keyId)]]);
  });

  it('decodes the account of a long-term key from its service user name', () => {
    const key = fakeBedrockKey('210987654321');
    expect(scan(`api_key: ${key}`).map((f) => [f.ruleId, f.awsAccountId])).toEqual([['aws-bedrock-api-key', '210987654321']]);
  });
});

describe('literals prefilter', () => {
  const acme = compileRule({ id: 'acme-token', description: 'ACME token', pattern: 'acme_([a-z0-9]{12})', flags: 'i', literals: ['cme_'] });
  const find = (text: string) => detect({ text, path: 'a.txt', startLine: 1 }, [acme]).map((f) => f.secret);

  it('runs a rule on a text that holds one of its literals, anywhere in it', () => {
    expect(find('x\nlater: acme_0123456789ab\n')).toEqual(['0123456789ab']);
    expect(find('ACME_0123456789ab and acme_ba9876543210')).toEqual(['0123456789ab', 'ba9876543210']);
  });

  it('skips a text without one, case-sensitively, even where the regex would match', () => {
    expect(find('ACME_0123456789ab')).toEqual([]);
  });

  it('keeps finding built-in keys whose literal is only in a decoded layer', () => {
    const key = fakeBedrockKey('210987654321');
    expect(scan(`api_key: ${b64(key)}`).map((f) => [f.ruleId, f.secret, f.decodedFrom])).toEqual([['aws-bedrock-api-key', key, 'base64']]);
  });
});

describe('very long lines', () => {
  it('finds a key inside a 5 MB one-line minified bundle at its column, with a short excerpt', () => {
    const id = fakeKeyId();
    const chunk = 'function(e,t,n){"use strict";var r=n(12),o=Object.assign({},r.defaults,{retries:3});return e.exports=o},';
    const before = chunk.repeat(Math.ceil(3_000_000 / chunk.length));
    const after = chunk.repeat(Math.ceil(2_000_000 / chunk.length));
    const text = `${before}{accessKeyId:"${id}",region:"us-east-1"},${after}`;
    expect(text.length).toBeGreaterThan(5_000_000);
    const found = scan(text, { path: 'dist/bundle.min.js' });
    const column = before.length + '{accessKeyId:"'.length + 1;
    expect(found.map((f) => [f.ruleId, f.line, f.column, f.endColumn])).toEqual([['aws-access-key-id', 1, column, column + 20]]);
    expect(found[0]!.lineText.length).toBeLessThan(400);
  });
});

describe('pairing an unnamed secret with a key ID', () => {
  it('pairs up to five lines after the key ID, not further', () => {
    const id = fakeKeyId();
    const near = fakeSecretKey();
    const far = fakeSecretKey();
    const text = [`key = "${id}"`, 'a', 'b', 'c', 'd', `"${near}"`, `"${far}"`].join('\n');
    expect(scan(text).map((f) => [f.ruleId, f.line])).toEqual([
      ['aws-access-key-id', 1],
      ['aws-secret-access-key', 6],
    ]);
  });
});

describe('detect trace (for keyfence explain)', () => {
  it('tells each candidate its fate: found, or which check rejected it, at its place in the file', () => {
    const id = fakeKeyId();
    const secret = fakeSecretKey();
    const text = `x\nkey = ${id}\nsecret_key = "${'ab'.repeat(20)}"\naws_secret_access_key = ${secret}\nk = ${b64(`id=${id}`)}\n`;
    const events: import('../src/detect/detector.js').TraceEvent[] = [];
    const traced = detect({ text, path: 'p', startLine: 10 }, rules, (e) => events.push(e));
    expect(traced).toEqual(scan(text, { path: 'p', startLine: 10 }));
    const brief = events.map((e) => `${e.line}:${e.column} ${e.ruleId} ${e.form} ${e.verdict}${e.decodedFrom ? ` ${e.decodedFrom}` : ''}`).sort();
    // The low-entropy value is seen twice: by its name, and as an unnamed value near the key ID.
    expect(brief).toEqual([
      '11:7 aws-access-key-id named found',
      '12:15 aws-secret-access-key named entropy',
      '12:15 aws-secret-access-key near entropy',
      '13:25 aws-secret-access-key named found',
      '14:9 aws-access-key-id named found base64',
    ]);
    const low = events.find((e) => e.verdict === 'entropy')!;
    expect(low.entropy).toBe(1);
    expect(low.minEntropy).toBe(3.5);
    expect(low.reason).toBe('entropy below the minimum 3.5');
  });
});

describe('keyword windows (RuleSpec.window)', () => {
  // A name, then a long value: "ticket" alone wakes nothing; the value may sit on the next line.
  const ticket = compileRule({
    id: 'ticket-value',
    description: 'ticket value',
    pattern: 'ticket[ \\t]*[:=][ \\t]*(?:\\r?\\n[ \\t]*)?([A-Za-z0-9+/]{24})(?:[^A-Za-z0-9+/]|$)',
    flags: 'i',
    multiline: true,
    keywords: ['ticket'],
    window: { linesAfter: 1, minRun: 24 },
  });
  const found = (text: string) => detect({ text, path: 'f', startLine: 1 }, [ticket]).map((f) => [f.line, f.secret]);
  const value = 'Q2hlY2tUaGVUaWNrZXRWYWx1';

  it('finds a match on the keyword line and one whose value sits on the next line', () => {
    expect(found(`a = 1\nTICKET = ${value}\n`)).toEqual([[2, value]]);
    expect(found(`a = 1\nticket:\n  ${value}\nb = 2\n`)).toEqual([[3, value]]);
  });

  it('finds each one in a text with many keyword lines far apart, and none past the window', () => {
    const filler = 'ticket = short\n'.repeat(50);
    expect(found(`${filler}ticket = ${value}\n${filler}ticket =\n\n${value}\n`)).toEqual([[51, value]]);
  });
});
