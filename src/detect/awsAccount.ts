const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The AWS account ID encoded in an access key ID, decoded offline.
 *
 * Key IDs issued since about 2019 carry the owning account in their body: base32-decode the 16
 * characters after the 4-letter prefix, read the first 6 bytes as a big-endian 48-bit number,
 * mask with 0x7fffffffff80 and shift right 7 bits; the result, zero-padded to 12 digits, is the
 * account ID. Older keys (body starting with "I" or "J", e.g. AKIAI…, AKIAJ…) do not encode it,
 * and neither do `A3T…` keys: for those (and any body that decodes past 12 digits) this
 * returns undefined. No network call is made; the
 * answer can be wrong only if AWS changes the format, so reports label it as decoded.
 */
export function awsAccountFromKeyId(keyId: string): string | undefined {
  if (!/^(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}$/.test(keyId)) return undefined;
  const body = keyId.slice(4);
  if (body[0] === 'I' || body[0] === 'J') return undefined;
  // 16 base32 chars = 80 bits; we need the first 48.
  let bits = 0n;
  for (const ch of body.slice(0, 10)) bits = (bits << 5n) | BigInt(BASE32.indexOf(ch));
  // 10 chars = 50 bits; drop the last 2 to keep the first 48.
  const first48 = bits >> 2n;
  const account = (first48 & 0x7fffffffff80n) >> 7n;
  // 40 bits reach 13 digits; no account ID does, so such a key is not in this format.
  if (account > 999_999_999_999n) return undefined;
  return account.toString().padStart(12, '0');
}

/**
 * The AWS account in an Amazon Bedrock API key, decoded offline.
 * - Long-term keys are `ABSK` + base64 of `<service user name>:<service password>`, and the
 *   service user name is `BedrockAPIKey-<id>-at-<account>`: the account is read from it.
 * - Short-term keys are `bedrock-api-key-` + base64 of a presigned URL whose `X-Amz-Credential`
 *   starts with the temporary access key ID that signed it: that key ID's account (see
 *   awsAccountFromKeyId), when its format encodes one.
 * Anything else gives undefined.
 */
export function awsAccountFromBedrockKey(key: string): string | undefined {
  const long = /^ABSK([A-Za-z0-9+/]+={0,2})$/.exec(key);
  if (long) {
    const decoded = Buffer.from(long[1]!, 'base64').toString('latin1');
    return /^BedrockAPIKey-[^:\s]*-at-(\d{12}):/.exec(decoded)?.[1];
  }
  const short = /^bedrock-api-key-([A-Za-z0-9+/]+={0,2})$/.exec(key);
  if (short) {
    const decoded = Buffer.from(short[1]!, 'base64').toString('latin1');
    const keyId = /[?&]X-Amz-Credential=([A-Z0-9]{20})(?:%2F|\/)/i.exec(decoded)?.[1];
    return keyId ? awsAccountFromKeyId(keyId) : undefined;
  }
  return undefined;
}

/** The account a credential encodes: an access key ID's or a Bedrock API key's (undefined when none). */
export function awsAccountOf(secret: string): string | undefined {
  return awsAccountFromKeyId(secret) ?? awsAccountFromBedrockKey(secret);
}

/** Builds an access key ID for `account` (test helper and documentation of the format). */
export function keyIdForAccount(prefix: string, account: string, random: () => number): string {
  let n = (BigInt(account) << 7n) | BigInt(Math.floor(random() * 128));
  // Bit 47 is set in real keys (the body starts with Q…Z or 2…7).
  n |= 1n << 47n;
  let bits = (n << 2n) | BigInt(Math.floor(random() * 4));
  let body = '';
  for (let i = 0; i < 10; i++) {
    body = BASE32[Number(bits & 31n)] + body;
    bits >>= 5n;
  }
  for (let i = 0; i < 6; i++) body += BASE32[Math.floor(random() * 32)];
  return prefix + body;
}
