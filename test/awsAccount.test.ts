import { describe, expect, it } from 'vitest';
import { awsAccountFromKeyId, keyIdForAccount } from '../src/detect/awsAccount.js';
import { fakeAccountId, fakeKeyId } from '../src/rules/examples.js';

describe('offline account attribution', () => {
  it('decodes the account a key ID was built for, for every prefix that encodes one', () => {
    for (const prefix of ['AKIA', 'ASIA', 'ABIA', 'ACCA']) {
      for (let i = 0; i < 200; i++) {
        const account = fakeAccountId();
        const id = keyIdForAccount(prefix, account, Math.random);
        expect(id).toMatch(/^[A-Z]{4}[A-Z2-7]{16}$/);
        expect(awsAccountFromKeyId(id), id).toBe(account);
      }
    }
    expect(awsAccountFromKeyId(keyIdForAccount('AKIA', '000000000042', Math.random))).toBe('000000000042');
  });

  it('says nothing for keys whose format does not encode an account', () => {
    expect(awsAccountFromKeyId(`AKIAI${'OSFODNN7EXAMPL'}Q`)).toBeUndefined(); // older AKIAI… keys
    expect(awsAccountFromKeyId(`AKIAJ${'A'.repeat(15)}`)).toBeUndefined();
    expect(awsAccountFromKeyId(fakeKeyId('A3TX'))).toBeUndefined();
    expect(awsAccountFromKeyId(`AKIA7${'7'.repeat(15)}`)).toBeUndefined(); // decodes past 12 digits
    expect(awsAccountFromKeyId('not a key')).toBeUndefined();
  });

  it('every generated test key encodes a 12-digit account', () => {
    for (let i = 0; i < 500; i++) expect(awsAccountFromKeyId(fakeKeyId())).toMatch(/^\d{12}$/);
  });
});
