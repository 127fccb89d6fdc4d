import { randomBytes } from 'node:crypto';
import { keyIdForAccount } from '../../detect/awsAccount.js';
import type { Generators } from './generator.js';
import { BASE32, BASE64, DIGITS, LOWER, UPPER, pick, randomRun } from './random.js';

/**
 * A random access key ID with the given prefix. AKIA/ASIA/ABIA/ACCA keys use the post-2019
 * format and encode a random 12-digit account (see awsAccountFromKeyId); other prefixes are
 * 16 random base32 characters.
 */
export function fakeKeyId(prefix = 'AKIA'): string {
  if (/^(?:AKIA|ASIA|ABIA|ACCA)$/.test(prefix)) {
    for (;;) {
      const id = keyIdForAccount(prefix, fakeAccountId(), () => randomBytes(4).readUInt32BE() / 2 ** 32);
      if (!/(.)\1\1/.test(id.slice(4))) return id; // no accidental placeholder-looking runs
    }
  }
  return prefix + pick('QRSTUVWXYZ234567', 1) + randomRun(BASE32, 15);
}

/** A random 40-character secret access key holding upper, lower and a digit. */
export function fakeSecretKey(): string {
  const body = randomRun(BASE64, 37);
  return pick(UPPER, 1) + body.slice(0, 18) + pick(DIGITS, 1) + body.slice(18) + pick(LOWER, 1);
}

/** A random session token shaped like STS's (base64, several hundred chars, `=` padded). */
export function fakeSessionToken(): string {
  return 'IQoJb3JpZ2luX2Vj' + randomRun(BASE64, 300) + '==';
}

/** A random 12-digit account ID (no run of 3 equal digits, which would read as a placeholder). */
export function fakeAccountId(): string {
  return pick('123456789', 1) + randomRun(DIGITS, 11);
}

/** A random lower-case UUID (version 4 layout). */
export function fakeUuid(): string {
  const h = randomRun('0123456789abcdef', 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

/**
 * A random long-term Amazon Bedrock API key: `ABSK` + base64 of
 * `BedrockAPIKey-<id>-at-<account>:<service password>`.
 */
export function fakeBedrockKey(account = fakeAccountId()): string {
  const user = `BedrockAPIKey-${randomRun(LOWER + DIGITS, 4)}-at-${account}`;
  return 'ABSK' + Buffer.from(`${user}:${randomRun(BASE64, 60)}`).toString('base64');
}

/**
 * A random short-term Amazon Bedrock API key: `bedrock-api-key-` + base64 of a SigV4 presigned
 * URL (without its scheme) for CallWithBearerToken, signed by a temporary key, + `&Version=1`.
 */
export function fakeBedrockToken(keyId = fakeKeyId('ASIA')): string {
  const url =
    'bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256' +
    `&X-Amz-Credential=${keyId}%2F20260101%2Fus-east-1%2Fbedrock%2Faws4_request&X-Amz-Date=20260101T000000Z` +
    `&X-Amz-Expires=43200&X-Amz-Security-Token=${encodeURIComponent(fakeSessionToken())}` +
    `&X-Amz-Signature=${randomRun('0123456789abcdef', 64)}&X-Amz-SignedHeaders=host&Version=1`;
  return 'bedrock-api-key-' + Buffer.from(url).toString('base64');
}

/** AWS's example kinds. */
export const awsGenerators: Generators = {
  /** An access key ID; the argument is its prefix (default AKIA). */
  AKID: (arg) => fakeKeyId(arg ?? 'AKIA'),
  /** A 40-character secret access key. */
  SECRET: () => fakeSecretKey(),
  /** An STS session token. */
  TOKEN: () => fakeSessionToken(),
  /** A 12-digit account ID. */
  ACCOUNT: () => fakeAccountId(),
  UUID: () => fakeUuid(),
  /** An MWS auth token. */
  MWS: () => `amzn.mws.${fakeUuid()}`,
  /** A long-term Bedrock API key; the argument is the account it encodes. */
  ABSK: (arg) => fakeBedrockKey(arg),
  /** A short-term Bedrock API key. */
  BEDROCK: () => fakeBedrockToken(),
};
