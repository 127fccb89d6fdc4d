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

export interface ExpandedExample {
  text: string;
  /** Every value the templates produced, in order: a true positive reports one of these. */
  values: string[];
}

/** JSON string body of `s` with every "/" escaped too, as PHP's json_encode writes it. */
function jsonEscape(s: string): string {
  return JSON.stringify(s).slice(1, -1).replace(/\//g, '\\/');
}

/** Every character of `s` as `&#NN;`, `&#xNN;` (alternately), and "/" "+" "=" by their HTML names. */
function htmlRefs(s: string): string {
  const named: Record<string, string> = { '/': '&sol;', '+': '&plus;', '=': '&equals;', '"': '&quot;' };
  return [...s].map((c, i) => named[c] ?? (/[A-Za-z0-9]/.test(c) ? c : i % 2 ? `&#${c.charCodeAt(0)};` : `&#x${c.charCodeAt(0).toString(16)};`)).join('');
}

const ENCODERS: Record<string, (s: string) => string> = {
  B64: (s) => Buffer.from(s).toString('base64'),
  PCT: encodeURIComponent,
  JSON: jsonEscape,
  HTML: htmlRefs,
  XESC: (s) => [...Buffer.from(s)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join(''),
  UESC: (s) => [...s].map((c) => `\\u{${c.charCodeAt(0).toString(16)}}`).join(''),
  B64URL: (s) => Buffer.from(s).toString('base64url'),
  // `base64` without -w0: 76 columns a line.
  B64WRAP: (s) => Buffer.from(s).toString('base64').replace(/.{1,76}/g, '$&\n').trimEnd(),
  HEX: (s) => Buffer.from(s).toString('hex'),
  // `xxd -p`: 60 hex digits a line.
  XXD: (s) => Buffer.from(s).toString('hex').replace(/.{1,60}/g, '$&\n').trimEnd(),
};

const SIMPLE = /\{\{([A-Z0-9]+)(?::([A-Z0-9]+))?(#\d+)?\}\}/y;
const ENCODER = /\{\{(B64URL|B64WRAP|B64|PCT|JSON|HTML|XESC|UESC|HEX|XXD):/y;

/**
 * Expands example templates: {{AKID}}, {{AKID:ASIA}}, {{SECRET}}, {{TOKEN}}, {{ACCOUNT}},
 * {{UUID}}, {{MWS}} (MWS auth token), {{ABSK}} (long-term Bedrock API key; {{ABSK:123456789012}} for a given account,
 * {{ABSK:OTHER}} for ABSK + base64 of something else), {{SECRET:FAKEKEY}} (a secret ending in the marker),
 * {{BEDROCK}} (short-term Bedrock API key), and the encodings {{B64:…}} (base64 of the expanded
 * inner text), {{PCT:…}} (percent-encoded), {{JSON:…}} (a JSON string body, "/" escaped too),
 * {{HTML:…}} (character references), {{XESC:…}} (`\x41` escapes), {{UESC:…}} (`\u{41}`),
 * {{B64URL:…}}, {{B64WRAP:…}} (base64 wrapped at 76 columns), {{HEX:…}} and {{XXD:…}} (hex
 * wrapped at 60), which nest; an encoded expansion is one of the values too.
 * A template used twice in one example with the same name and a `#n` suffix ({{SECRET#1}})
 * expands to the same value both times.
 */
export function expandExample(template: string): ExpandedExample {
  const values: string[] = [];
  const memo = new Map<string, string>();
  const simple = (kind: string, arg: string | undefined): string | undefined => {
    switch (kind) {
      case 'AKID': return fakeKeyId(arg ?? 'AKIA');
      // {{SECRET:FAKEKEY}}: a random secret whose last characters are the marker given.
      case 'SECRET': return arg ? fakeSecretKey().slice(0, 40 - arg.length) + arg : fakeSecretKey();
      case 'TOKEN': return fakeSessionToken();
      case 'ACCOUNT': return fakeAccountId();
      case 'UUID': return fakeUuid();
      case 'MWS': return `amzn.mws.${fakeUuid()}`;
      // {{ABSK:OTHER}}: ABSK + base64 of random text that is not a Bedrock key's structure.
      case 'ABSK': return arg === 'OTHER' ? 'ABSK' + Buffer.from(`svc-${randomRun(BASE64, 90)}`).toString('base64') : fakeBedrockKey(arg);
      case 'BEDROCK': return fakeBedrockToken();
      default: return undefined;
    }
  };
  // Expands from `i` up to the end, or up to the "}}" closing an encoder when `inner`.
  const expand = (i: number, inner: boolean): [string, number] => {
    let out = '';
    while (i < template.length) {
      if (inner && template.startsWith('}}', i)) return [out, i + 2];
      ENCODER.lastIndex = i;
      const e = ENCODER.exec(template);
      if (e) {
        const [body, next] = expand(i + e[0].length, true);
        const encoded = ENCODERS[e[1]!]!(body);
        values.push(encoded);
        out += encoded;
        i = next;
        continue;
      }
      SIMPLE.lastIndex = i;
      const m = SIMPLE.exec(template);
      if (m) {
        const [whole, kind, arg, tag] = m as unknown as [string, string, string | undefined, string | undefined];
        const key = `${kind}:${arg ?? ''}${tag ?? ''}`;
        let value = tag ? memo.get(key) : undefined;
        if (value === undefined) {
          value = simple(kind, arg);
          if (value !== undefined) {
            if (tag) memo.set(key, value);
            values.push(value);
          }
        }
        out += value ?? whole;
        i += whole.length;
        continue;
      }
      out += template[i];
      i++;
    }
    return [out, i];
  };
  return { text: expand(0, false)[0], values };
}
