import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DECODERS } from '../src/detect/decoders.js';
import { decodeBase64Url } from '../src/detect/decoders/decodeBase64Url.js';
import { decodeCEscapes } from '../src/detect/decoders/decodeCEscapes.js';
import { decodeHex } from '../src/detect/decoders/decodeHex.js';
import { decodeHtmlRefs } from '../src/detect/decoders/decodeHtmlRefs.js';
import { decodeWrappedBase64 } from '../src/detect/decoders/decodeWrappedBase64.js';
import { detect } from '../src/detect/detector.js';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import { loadBuiltinRules, selectRules } from '../src/rules/load.js';

const rules = selectRules(loadBuiltinRules());
const hex = (s: string) => Buffer.from(s).toString('hex');

describe('decodeHtmlRefs', () => {
  it('decodes numeric and named references where one that can hide a credential occurs, each mapping to its reference', () => {
    const text = '<p title="a&#x2F;b&#43;c&sol;d&equals;&amp;&lt;x&gt;&quot;">';
    const layer = decodeHtmlRefs(text)!;
    expect(layer.kind).toBe('html');
    expect(layer.text).toBe('<p title="a/b+c/d=&<x>"">');
    const at = layer.text.indexOf('b+c');
    expect(layer.toSource(at, at + 3)).toEqual({ start: text.indexOf('b&#43;'), end: text.indexOf('&sol;'), decodedFrom: ['html'] });
  });

  it('leaves HTML alone that only has &amp; &lt; &gt;, references without ";", and non-ASCII ones', () => {
    expect(decodeHtmlRefs('<a href="?a=1&amp;b=2">x &lt; y</a>')).toBeUndefined();
    expect(decodeHtmlRefs('&#65 &#x41 &#233; &#x1F600; &#;')).toBeUndefined();
  });
});

describe('decodeCEscapes', () => {
  it('decodes \\x41 and \\u{41} of printable ASCII, not an escaped backslash before them', () => {
    const text = 'a = "\\x41\\x4b" + "\\u{49}\\u{0041}" + "\\\\x42" + "\\x1b"';
    const layer = decodeCEscapes(text)!;
    expect(layer.kind).toBe('escape');
    expect(layer.text).toBe('a = "AK" + "IA" + "\\\\x42" + "\\x1b"');
    const at = layer.text.indexOf('IA');
    expect(layer.toSource(at, at + 2)).toEqual({ start: text.indexOf('\\u{49}'), end: text.indexOf('" + "\\\\'), decodedFrom: ['escape'] });
  });
});

describe('decodeBase64Url', () => {
  it('decodes whole URL-safe runs that hold "-" or "_", and leaves standard base64 to the base64 decoder', () => {
    const payload = Buffer.from('{"n":"??>>~~","role":"deploy-bot-ci","region":"eu-west-1"}').toString('base64url');
    expect(payload).toMatch(/[-_]/);
    expect(decodeBase64Url(`jwt: ${payload}`)!.text).toBe('jwt: {"n":"??>>~~","role":"deploy-bot-ci","region":"eu-west-1"}');
    expect(decodeBase64Url(`b64: ${Buffer.from('plain text without specials!!').toString('base64')}`)).toBeUndefined();
    expect(decodeBase64Url('const some_really_long_snake_case_identifier_name = 1;')).toBeUndefined();
    expect(decodeBase64Url(`x/${payload}`)).toBeUndefined();
  });
});

describe('decodeWrappedBase64', () => {
  it('joins base64 wrapped at 76 (or 64) columns, indented, and maps a span to the line that encodes it', () => {
    const body = '# creds\nAWS_REGION=eu-west-1\n'.repeat(6);
    const lines = Buffer.from(body)
      .toString('base64')
      .match(/.{1,64}/g)!;
    const text = `data: |\n${lines.map((l) => `    ${l}`).join('\n')}\nnext: 1\n`;
    const layer = decodeWrappedBase64(text)!;
    expect(layer.kind).toBe('base64-wrapped');
    expect(layer.text).toContain(body);
    const at = layer.text.indexOf(body) + (64 / 4) * 3; // first byte of the second line
    const span = layer.toSource(at, at + 3);
    expect(span.start).toBe(text.indexOf(lines[1]!));
    expect(span.end).toBe(span.start + 4);
  });

  it('leaves a single line, lines of different widths and binary data alone', () => {
    expect(decodeWrappedBase64(`k: ${Buffer.from('x'.repeat(50)).toString('base64')}\n`)).toBeUndefined();
    const bin = randomBytes(300)
      .toString('base64')
      .match(/.{1,76}/g)!
      .join('\n');
    expect(decodeWrappedBase64(`${bin}\n`)).toBeUndefined();
    expect(decodeWrappedBase64('QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\nQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n')).toBeUndefined();
  });
});

describe('decodeHex', () => {
  it('decodes hex runs and xxd -p blocks whose bytes are text', () => {
    const env = 'AWS_DEFAULT_REGION=eu-west-1\nLOG_LEVEL=debug\n';
    expect(decodeHex(`ENV=${hex(env)}`)!.text).toBe(`ENV=${env}`);
    expect(decodeHex(`v = 0x${hex(env)};`)!.text).toBe(`v = 0x${env};`);
    const xxd = hex(env)
      .match(/.{1,60}/g)!
      .join('\n');
    expect(decodeHex(`${xxd}\n`)!.text).toBe(`${env}\n`);
  });

  it('stays quiet and cheap on git SHAs, digests and identifiers', () => {
    const shas = Array.from({ length: 2000 }, () => `commit ${randomBytes(20).toString('hex')} sha256:${randomBytes(32).toString('hex')}`).join('\n');
    expect(decodeHex(shas)).toBeUndefined();
    expect(decodeHex(`id_${hex('this is some text inside a word ok')}`)).toBeUndefined();
  });
});

describe('new decoders in the detector', () => {
  it('find a key pair written as \\x escapes, HTML references, hex and wrapped base64, at the encoded span', () => {
    const id = fakeKeyId();
    // With a "/" or "+" (which HTML escapes), so the secret cannot also be read in plain text.
    let secret = fakeSecretKey();
    while (!/[/+]/.test(secret)) secret = fakeSecretKey();
    const env = `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`;
    const forms = {
      escape: `k = "${[...env].map((c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('')}"`,
      html: `<pre>${[...env].map((c) => (/[A-Za-z0-9]/.test(c) ? c : c === '/' ? '&sol;' : `&#${c.charCodeAt(0)};`)).join('')}</pre>`,
      hex: `x = ${hex(env)}`,
      'base64-wrapped': `${Buffer.from(`# credentials\n${env}`)
        .toString('base64')
        .replace(/.{1,76}/g, '$&\n')}`,
    };
    for (const [kind, text] of Object.entries(forms)) {
      const found = detect({ text, path: 'f', startLine: 1 }, rules);
      expect(found.map((f) => f.secret).sort(), kind).toEqual([id, secret].sort());
      const viaSecret = found.find((f) => f.secret === secret)!;
      expect(viaSecret.decodedFrom, kind).toBe(kind);
    }
  });
});

/** Milliseconds to run `f` (best of 3). */
function time(f: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    f();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

// Every decoder is linear: 4 MB of its own alphabet, arranged to tempt a backtracking or
// rescanning implementation, takes about 8 times as long as 512 KB (a quadratic one: 64 times;
// the bound allows for a loaded machine and the garbage collector, which a layer of hundreds of
// thousands of decoded pieces keeps busy).
describe('decoders stay linear on adversarial input', () => {
  const MB = 1 << 20;
  const fill = (unit: string, bytes: number) => unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
  const cases: Record<string, string> = {
    // Mostly references and escapes cut short (what a parser could rescan), one whole one per unit.
    html: '&#x4&#6&sol&amp&#x&#;&#999999999;&quot&#65;',
    escape: '\\x4\\u{41\\u{\\\\x41\\x\\u{1234567}\\x41',
    base64url: 'AAAA-AAAAAAAAAAAAAAAAAAAAAA_',
    'base64-wrapped': `${'QUFB'.repeat(19)}\n`,
    hex: `${'4'.repeat(63)}g`,
    'hex (decoded runs)': `${'4a'.repeat(32)} `,
    'hex (one wrapped block)': `${'4a'.repeat(30)}\n`,
  };
  for (const [kind, unit] of Object.entries(cases)) {
    it(`${kind}: 4 MB of its alphabet in about 8 times the time of 512 KB`, () => {
      const small = fill(unit, MB / 2);
      const large = fill(unit, 4 * MB);
      const decoder = kind.split(' ')[0];
      const run = (text: string) => () => DECODERS[decoder!]!(text);
      time(run(small));
      // The better of two tries: a busy machine can stall one.
      const ratio = Math.min(...[0, 1].map(() => time(run(large)) / Math.max(1, time(run(small)))));
      expect(ratio, kind).toBeLessThan(32);
    });
  }
});
