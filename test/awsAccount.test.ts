import { describe, expect, it } from 'vitest';
import { awsAccountFromBedrockKey, awsAccountFromKeyId, awsAccountOf, keyIdForAccount } from '../src/detect/awsAccount.js';
import { fakeAccountId, fakeBedrockKey, fakeBedrockToken, fakeKeyId } from '../src/rules/examples.js';

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

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * A second, independent implementation of the documented algorithm, on a string of bits:
 * base32-decode the 16 characters after the prefix, keep the first 48 bits, drop the top bit
 * and the low 7 (mask 0x7fffffffff80, shift right 7).
 */
function accountByBits(keyId: string): string {
  const bits = [...keyId.slice(4)].map((c) => BASE32.indexOf(c).toString(2).padStart(5, '0')).join('');
  return BigInt(`0b${bits.slice(1, 41)}`)
    .toString()
    .padStart(12, '0');
}

/** A deterministic stand-in for Math.random, so the key IDs built here are the same every run. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('awsAccountFromKeyId', () => {
  it('decodes known pairs: key IDs built for an account give that account back', () => {
    const random = seeded(7);
    for (const account of ['123456789012', '000000000001', '999999999999', '210987654321', '041234567890']) {
      for (const prefix of ['AKIA', 'ASIA']) {
        const keyId = keyIdForAccount(prefix, account, random);
        expect(keyId).toMatch(/^(AKIA|ASIA)[Q-Z2-7][A-Z2-7]{15}$/);
        expect(awsAccountFromKeyId(keyId), keyId).toBe(account);
      }
    }
  });

  it('agrees with an independent bit-string implementation on random key IDs', () => {
    for (let i = 0; i < 500; i++) {
      const keyId = fakeKeyId(i % 2 ? 'AKIA' : 'ASIA');
      expect(awsAccountFromKeyId(keyId), keyId).toBe(accountByBits(keyId));
    }
  });

  it('gives no account for key IDs whose format does not encode one', () => {
    expect(awsAccountFromKeyId('AKIAIOSFODNN7EXAMPLE')).toBeUndefined(); // AKIAI…: older format
    expect(awsAccountFromKeyId(`AKIAJ${'Q'.repeat(15)}`)).toBeUndefined(); // AKIAJ…: older format
    expect(awsAccountFromKeyId(`A3TX${'Q'.repeat(16)}`)).toBeUndefined();
    expect(awsAccountFromKeyId('AIDAQ234567ABCDEFGHI')).toBeUndefined(); // an IAM user's unique ID
    expect(awsAccountFromKeyId('akiaq234567abcdefghi')).toBeUndefined();
    expect(awsAccountFromKeyId('AKIAQ234567ABCDEFGH')).toBeUndefined(); // one short
  });
});

describe('awsAccountFromBedrockKey', () => {
  it('reads the account from a long-term key’s service user name', () => {
    const account = fakeAccountId();
    expect(awsAccountFromBedrockKey(fakeBedrockKey(account))).toBe(account);
  });

  it('reads the account of the temporary key ID that presigned a short-term key', () => {
    const keyId = fakeKeyId('ASIA');
    expect(awsAccountFromBedrockKey(fakeBedrockToken(keyId))).toBe(awsAccountFromKeyId(keyId));
  });

  it('gives nothing for values that only look like Bedrock keys', () => {
    expect(awsAccountFromBedrockKey(`ABSK${Buffer.from('SomethingElse-at-123456789012:x').toString('base64')}`)).toBeUndefined();
    expect(awsAccountFromBedrockKey(`bedrock-api-key-${Buffer.from('bedrock.amazonaws.com/?Action=x').toString('base64')}`)).toBeUndefined();
    expect(awsAccountFromBedrockKey('ABSK')).toBeUndefined();
  });
});

describe('awsAccountOf', () => {
  it('handles key IDs and Bedrock keys alike', () => {
    const keyId = fakeKeyId();
    expect(awsAccountOf(keyId)).toBe(awsAccountFromKeyId(keyId));
    expect(awsAccountOf(fakeBedrockKey('111122223333'))).toBe('111122223333');
    expect(awsAccountOf('not a credential')).toBeUndefined();
  });
});
