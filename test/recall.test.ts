import { describe, expect, it } from 'vitest';
import { detect } from '../src/detect/detector.js';
import { fakeKeyId, fakeSecretKey, fakeSessionToken } from '../src/rules/examples.js';
import { loadBuiltinRules, selectRules } from '../src/rules/load.js';

// Gates must not eat real keys: thousands of fresh random credentials, in the plainest
// context, are all found. (A gate tuned too tight shows up here as a rare miss.)
describe('recall on random credentials', () => {
  const rules = selectRules(loadBuiltinRules());
  it('finds every key ID, secret key and session token of 5000 random sets', () => {
    const missed: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const id = fakeKeyId(i % 2 ? 'AKIA' : 'ASIA');
      const secret = fakeSecretKey();
      const token = i % 10 === 0 ? fakeSessionToken() : undefined;
      const text = `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n${token ? `aws_session_token = ${token}\n` : ''}`;
      const found = detect({ text, path: 'credentials', startLine: 1 }, rules).map((f) => f.secret);
      for (const want of [id, secret, token]) if (want && !found.includes(want)) missed.push(want);
    }
    expect(missed).toEqual([]);
  });
});

// The word gate reads key-ID bodies spelled of words as fake; random bodies must never read so.
describe('recall: the word and base64-run gates let random key IDs through', () => {
  const rules = selectRules(loadBuiltinRules());
  it('finds 8000 random key IDs on their own, in URLs, after a slash and in JSON', () => {
    const missed: string[] = [];
    const forms = [
      (id: string) => `key: ${id}\n`,
      (id: string) => `s3://${id}:x@bucket/path\n`,
      (id: string) => `{"AccessKeyId":"${id}"}\n`,
      (id: string) => `creds/${id}/backup\n`,
    ];
    for (let i = 0; i < 8000; i++) {
      const id = fakeKeyId(['AKIA', 'ASIA', 'ABIA', 'ACCA'][i % 4]);
      const text = forms[i % forms.length]!(id);
      if (!detect({ text, path: 'f', startLine: 1 }, rules).some((f) => f.secret === id)) missed.push(id);
    }
    expect(missed).toEqual([]);
  });
});
