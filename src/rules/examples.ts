import { GENERATORS } from './generators/index.js';

export { fakeAccountId, fakeBedrockKey, fakeBedrockToken, fakeKeyId, fakeSecretKey, fakeSessionToken, fakeUuid } from './generators/aws.js';
export { fakeChecksumToken, fakePemKey } from './generators/tokens.js';

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
  /** No encoding: marks what it holds as one value (`{{VAL:sk_live_{{BASE62:24}}}}`). */
  VAL: (s) => s,
  B64: (s) => Buffer.from(s).toString('base64'),
  PCT: encodeURIComponent,
  JSON: jsonEscape,
  HTML: htmlRefs,
  XESC: (s) => [...Buffer.from(s)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join(''),
  UESC: (s) => [...s].map((c) => `\\u{${c.charCodeAt(0).toString(16)}}`).join(''),
  B64URL: (s) => Buffer.from(s).toString('base64url'),
  // `base64` without -w0: 76 columns a line.
  B64WRAP: (s) =>
    Buffer.from(s)
      .toString('base64')
      .replace(/.{1,76}/g, '$&\n')
      .trimEnd(),
  HEXENC: (s) => Buffer.from(s).toString('hex'),
  // `xxd -p`: 60 hex digits a line.
  XXD: (s) =>
    Buffer.from(s)
      .toString('hex')
      .replace(/.{1,60}/g, '$&\n')
      .trimEnd(),
};

const SIMPLE = /\{\{([A-Z0-9]+)(?::([A-Za-z0-9_.-]+))?(#\d+)?\}\}/y;
const ENCODER = /\{\{(VAL|B64URL|B64WRAP|B64|PCT|JSON|HTML|XESC|UESC|HEXENC|XXD):/y;

/**
 * Expands example templates: `{{KIND}}` and `{{KIND:arg}}` call the generator KIND of the
 * registry (src/rules/generators/: {{AKID}}, {{AKID:ASIA}}, {{SECRET}}, {{SECRET:FAKEKEY}} (a
 * secret ending in the marker given), {{TOKEN}}, {{ACCOUNT}}, {{UUID}}, {{MWS}}, {{ABSK}},
 * {{ABSK:123456789012}}, {{ABSK:OTHER}} (ABSK + base64 of something that is not a Bedrock key),
 * {{BEDROCK}}, {{BASE62:36}}, {{HEX:64}} (random hex digits), {{CRC32TOKEN:ghp_}}, {{PEM:RSA}},
 * …); an unknown kind is left as written. The encodings {{B64:…}} (base64 of the expanded inner
 * text), {{PCT:…}} (percent-encoded), {{JSON:…}} (a JSON string body, "/" escaped too),
 * {{HTML:…}} (character references), {{XESC:…}} (`\x41` escapes), {{UESC:…}} (`\u{41}`),
 * {{B64URL:…}}, {{B64WRAP:…}} (base64 wrapped at 76 columns), {{HEXENC:…}} (the text in hex),
 * {{XXD:…}} (hex wrapped at 60) and {{VAL:…}} (no encoding) nest; an encoded expansion is one of
 * the values too, so {{VAL:prefix_{{BASE62:24}}}} makes the whole token a value.
 * A template used twice in one example with the same name and a `#n` suffix ({{SECRET#1}})
 * expands to the same value both times.
 */
export function expandExample(template: string): ExpandedExample {
  const values: string[] = [];
  const memo = new Map<string, string>();
  const simple = (kind: string, arg: string | undefined): string | undefined => (Object.hasOwn(GENERATORS, kind) ? GENERATORS[kind]!(arg) : undefined);
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
