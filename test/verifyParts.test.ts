import { describe, expect, it } from 'vitest';
import { fastScanArgs } from '../src/cli/fastArgs.js';
import { proxyFor } from '../src/verify/proxyFor.js';
import { stsEndpoint } from '../src/verify/stsEndpoint.js';
import { stsReply } from '../src/verify/stsReply.js';

describe('stsEndpoint', () => {
  const at = (env: NodeJS.ProcessEnv) => {
    const e = stsEndpoint(env);
    return [e.url.href, e.region];
  };
  it('is the global endpoint by default, the regional one with a region', () => {
    expect(at({})).toEqual(['https://sts.amazonaws.com/', 'us-east-1']);
    expect(at({ AWS_REGION: 'eu-west-3' })).toEqual(['https://sts.eu-west-3.amazonaws.com/', 'eu-west-3']);
    expect(at({ AWS_DEFAULT_REGION: 'ap-southeast-2' })).toEqual(['https://sts.ap-southeast-2.amazonaws.com/', 'ap-southeast-2']);
    expect(at({ AWS_REGION: 'cn-north-1' })).toEqual(['https://sts.cn-north-1.amazonaws.com.cn/', 'cn-north-1']);
  });
  it('honours AWS_ENDPOINT_URL_STS before AWS_ENDPOINT_URL, signed for the region set', () => {
    expect(at({ AWS_ENDPOINT_URL: 'https://vpce.example.internal', AWS_REGION: 'eu-central-1' })).toEqual(['https://vpce.example.internal/', 'eu-central-1']);
    expect(at({ AWS_ENDPOINT_URL: 'https://all.example', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4566/sts' })).toEqual([
      'http://127.0.0.1:4566/sts',
      'us-east-1',
    ]);
  });
  it('refuses what is not an http(s) URL or a region', () => {
    expect(() => stsEndpoint({ AWS_ENDPOINT_URL: 'not a url' })).toThrow('AWS_ENDPOINT_URL is not an http(s) URL');
    expect(() => stsEndpoint({ AWS_ENDPOINT_URL_STS: 'file:///etc/passwd' })).toThrow('AWS_ENDPOINT_URL_STS is not an http(s) URL');
    expect(() => stsEndpoint({ AWS_REGION: 'evil.com/x' })).toThrow('AWS_REGION is not an AWS region');
  });
});

describe('proxyFor', () => {
  const sts = new URL('https://sts.amazonaws.com/');
  it('takes HTTPS_PROXY for https and HTTP_PROXY for http, upper or lower case', () => {
    expect(proxyFor(sts, {})).toBeUndefined();
    expect(proxyFor(sts, { HTTPS_PROXY: 'http://proxy:3128' })).toBe('http://proxy:3128');
    expect(proxyFor(sts, { https_proxy: 'http://p2:8080' })).toBe('http://p2:8080');
    expect(proxyFor(sts, { HTTP_PROXY: 'http://proxy:3128' })).toBeUndefined();
    expect(proxyFor(new URL('http://127.0.0.1:9/'), { HTTP_PROXY: 'http://proxy:3128' })).toBe('http://proxy:3128');
  });
  it('skips the proxy for hosts and domains NO_PROXY lists', () => {
    const env = (NO_PROXY: string) => ({ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY });
    expect(proxyFor(sts, env('*'))).toBeUndefined();
    expect(proxyFor(sts, env('localhost, .amazonaws.com'))).toBeUndefined();
    expect(proxyFor(sts, env('amazonaws.com'))).toBeUndefined();
    expect(proxyFor(sts, env('sts.amazonaws.com:443'))).toBeUndefined();
    expect(proxyFor(sts, env('sts.amazonaws.com:8443'))).toBe('http://proxy:3128');
    expect(proxyFor(sts, env('zonaws.com,example.com'))).toBe('http://proxy:3128');
  });
});

describe('stsReply', () => {
  const identity =
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/a&amp;b</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>';
  const error = (code: string, message = 'm') =>
    `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error></ErrorResponse>`;
  it('reads the caller identity of a 200', () => {
    expect(stsReply(200, identity)).toEqual({ kind: 'valid', arn: 'arn:aws:iam::123456789012:user/a&b', account: '123456789012', userId: 'AIDAEXAMPLE' });
    expect(stsReply(200, '<html>captive portal</html>')).toEqual({ kind: 'error', reason: 'HTTP 200 without a caller identity' });
  });
  it('sorts error codes into invalid, retry and error', () => {
    expect(stsReply(403, error('InvalidClientTokenId'))).toEqual({ kind: 'invalid', code: 'InvalidClientTokenId' });
    expect(stsReply(403, error('SignatureDoesNotMatch'))).toEqual({ kind: 'invalid', code: 'SignatureDoesNotMatch' });
    expect(stsReply(403, error('ExpiredToken'))).toEqual({ kind: 'invalid', code: 'ExpiredToken' });
    expect(stsReply(400, error('Throttling', 'Rate exceeded'))).toEqual({ kind: 'retry', reason: 'HTTP 400 Throttling: Rate exceeded' });
    expect(stsReply(503, 'Service Unavailable')).toEqual({ kind: 'retry', reason: 'HTTP 503' });
    expect(stsReply(403, error('AccessDenied', 'nope'))).toEqual({ kind: 'error', reason: 'HTTP 403 AccessDenied: nope' });
  });
  it('cleans what the endpoint says: no control characters, at most 160 characters', () => {
    const r = stsReply(400, error('Odd', `\u001b]0;title\u0007line1\nline2 ${'x'.repeat(300)}`));
    expect(r.kind).toBe('error');
    const reason = (r as { reason: string }).reason;
    expect(reason).not.toMatch(/[\u0000-\u001f]/);
    expect(reason.startsWith('HTTP 400 Odd: ]0;title line1 line2 xxx')).toBe(true);
    expect(reason.length).toBeLessThan(200);
  });
});

describe('the hook fast path', () => {
  it('leaves --verify and --only-verified to the full parser (a hook never verifies unless asked)', () => {
    expect(fastScanArgs(['scan', '--staged'])).toMatchObject({ staged: true, verify: false, onlyVerified: false });
    expect(fastScanArgs(['scan', '--staged', '--verify'])).toBeNull();
    expect(fastScanArgs(['scan', '--staged', '--only-verified'])).toBeNull();
  });
});

describe('verification loads lazily', () => {
  it('no module outside src/verify imports it statically, and only src/verify imports the signer and proxy agent', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const src = path.join(import.meta.dirname, '..', 'src');
    const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => f.split(path.sep).join('/'));
    expect(files).toContain('verify/verifyFindings.ts');
    const offenders = files.filter((f) => {
      if (f.startsWith('verify/')) return false;
      const text = readFileSync(path.join(src, f), 'utf8');
      return (
        /^import[^;]*from '(?:\.\.?\/)+verify\//m.test(text) ||
        /from '(?:aws4|https-proxy-agent)'/.test(text) ||
        /import\('(?:aws4|https-proxy-agent)'\)/.test(text)
      );
    });
    expect(offenders).toEqual([]);
  });
});
