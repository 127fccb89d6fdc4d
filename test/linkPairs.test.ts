import { describe, expect, it } from 'vitest';
import { detect } from '../src/detect/detector.js';
import { fakeKeyId, fakeSecretKey, fakeSessionToken } from '../src/rules/examples.js';
import { loadBuiltinRules, selectRules } from '../src/rules/load.js';
import type { Finding } from '../src/types.js';

const rules = selectRules(loadBuiltinRules());
const scan = (text: string, lineNumbers?: number[]) => detect({ text, path: 'creds', startLine: 1, ...(lineNumbers ? { lineNumbers } : {}) }, rules);
/** Each finding as "rule@line → rule@line, …" (its related findings, in their order). */
const links = (found: Finding[]) => {
  const name = new Map(found.map((f) => [f.fingerprint, `${f.ruleId.replace('aws-', '')}@${f.line}`]));
  return found.map((f) => `${name.get(f.fingerprint)} → ${(f.related ?? []).map((fp) => name.get(fp) ?? '?').join(', ')}`);
};

describe('Finding.related: findings that belong together', () => {
  it('links a key ID, its secret key and its session token, each to the others', () => {
    const found = scan(
      `[prod]\naws_access_key_id = ${fakeKeyId('ASIA')}\naws_secret_access_key = ${fakeSecretKey()}\naws_session_token = ${fakeSessionToken()}\n`,
    );
    expect(links(found)).toEqual([
      'access-key-id@2 → secret-access-key@3, session-token@4',
      'secret-access-key@3 → access-key-id@2, session-token@4',
      'session-token@4 → secret-access-key@3, access-key-id@2',
    ]);
  });

  it('links the unnamed secret found only because it sits near a key ID (the `near` pairing)', () => {
    const found = scan(`ci-bot,,${fakeKeyId()},${fakeSecretKey()},https://signin.aws.amazon.com/console`);
    expect(links(found)).toEqual(['access-key-id@1 → secret-access-key@1', 'secret-access-key@1 → access-key-id@1']);
  });

  it('two profiles: each key ID lists its own secret first, the other within reach after it', () => {
    const text = [
      '[a]',
      `aws_access_key_id = ${fakeKeyId()}`,
      `aws_secret_access_key = ${fakeSecretKey()}`,
      '',
      '[b]',
      `aws_access_key_id = ${fakeKeyId()}`,
      `aws_secret_access_key = ${fakeSecretKey()}`,
    ].join('\n');
    expect(links(scan(text))).toEqual([
      'access-key-id@2 → secret-access-key@3, secret-access-key@7',
      'secret-access-key@3 → access-key-id@2, access-key-id@6',
      'access-key-id@6 → secret-access-key@7, secret-access-key@3',
      'secret-access-key@7 → access-key-id@6, access-key-id@2',
    ]);
  });

  it('does not link findings more than the pairing window apart, nor a lone finding', () => {
    const far = scan([`AWS_ACCESS_KEY_ID=${fakeKeyId()}`, '', '', '', '', '', '', `AWS_SECRET_ACCESS_KEY=${fakeSecretKey()}`].join('\n'));
    expect(far).toHaveLength(2);
    expect(far.every((f) => f.related === undefined)).toBe(true);
    expect(scan(`AWS_ACCESS_KEY_ID=${fakeKeyId()}`)[0]!.related).toBeUndefined();
  });

  it("measures the window in file lines (a diff hunk's line numbers), not fragment lines", () => {
    const text = `AWS_ACCESS_KEY_ID=${fakeKeyId()}\nAWS_SECRET_ACCESS_KEY=${fakeSecretKey()}`;
    expect(scan(text, [10, 11]).every((f) => f.related?.length === 1)).toBe(true);
    expect(scan(text, [10, 40]).every((f) => f.related === undefined)).toBe(true);
  });

  it('the same secret twice is one related fingerprint', () => {
    const secret = fakeSecretKey();
    const found = scan(`AWS_ACCESS_KEY_ID=${fakeKeyId()}\nAWS_SECRET_ACCESS_KEY=${secret}\naws_secret_access_key: ${secret}`);
    expect(found[0]!.related).toEqual([found[1]!.fingerprint]);
  });
});
