import { randomBytes } from 'node:crypto';
import { keyIdForAccount } from '../detect/awsAccount.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

function pick(alphabet: string, n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

/** `n` random characters of `alphabet` with no run of 3 equal characters (no accidental placeholder). */
function randomRun(alphabet: string, n: number): string {
  let out = '';
  while (out.length < n) {
    const ch = pick(alphabet, 1);
    if (out.length >= 2 && out.at(-1) === ch && out.at(-2) === ch) continue;
    out += ch;
  }
  return out;
}

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

export function fakeAccountId(): string {
  return pick('123456789', 1) + pick(DIGITS, 11);
}

export interface ExpandedExample {
  text: string;
  /** Every value the templates produced, in order: a true positive reports one of these. */
  values: string[];
}

/**
 * Expands example templates: {{AKID}}, {{AKID:ASIA}}, {{SECRET}}, {{TOKEN}}, {{ACCOUNT}},
 * {{B64:…}} (base64 of the expanded inner text) and {{PCT:…}} (percent-encoded inner text);
 * an encoded expansion is one of the values too.
 * A template used twice in one example with the same name and a `#n` suffix ({{SECRET#1}})
 * expands to the same value both times.
 */
export function expandExample(template: string): ExpandedExample {
  const values: string[] = [];
  const memo = new Map<string, string>();
  const expand = (s: string): string =>
    s.replace(/\{\{(B64|PCT):((?:[^{}]|\{\{[^{}]*\}\})*)\}\}|\{\{([A-Z]+)(?::([A-Z0-9]+))?(#\d+)?\}\}/g,
      (whole, enc: string | undefined, inner: string | undefined, kind: string | undefined, arg: string | undefined, tag: string | undefined) => {
        if (enc) {
          const expanded = expand(inner ?? '');
          const encoded = enc === 'B64' ? Buffer.from(expanded).toString('base64') : encodeURIComponent(expanded);
          values.push(encoded);
          return encoded;
        }
        const key = `${kind}:${arg ?? ''}${tag ?? ''}`;
        if (tag && memo.has(key)) return memo.get(key)!;
        let value: string;
        switch (kind) {
          case 'AKID': value = fakeKeyId(arg ?? 'AKIA'); break;
          case 'SECRET': value = fakeSecretKey(); break;
          case 'TOKEN': value = fakeSessionToken(); break;
          case 'ACCOUNT': value = fakeAccountId(); break;
          default: return whole;
        }
        if (tag) memo.set(key, value);
        values.push(value);
        return value;
      });
  return { text: expand(template), values };
}
