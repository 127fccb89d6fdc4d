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
