import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  BASE64_MAX_RUN,
  BASE64_MIN_RUN,
  base64Text,
  decodeBase64,
  decodedLayers,
  decodeJsonEscapes,
  decodePercent,
  MAX_DECODE_DEPTH,
} from '../src/detect/decoders.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('decodeBase64', () => {
  it('decodes a whole run of printable text in place, keeping its neighbours', () => {
    const value = b64('AWS_REGION=eu-west-1\nLOG_LEVEL=debug\n');
    const text = `data:\n  ENV_FILE: ${value}\n  other: plain`;
    const layer = decodeBase64(text)!;
    expect(layer.kind).toBe('base64');
    expect(layer.text).toBe('data:\n  ENV_FILE: AWS_REGION=eu-west-1\nLOG_LEVEL=debug\n\n  other: plain');
  });

  it('maps a decoded span back to the base64 characters that encode it', () => {
    const value = b64('user=alice;pass=wonderland;');
    const text = `x = "${value}"`;
    const layer = decodeBase64(text)!;
    const at = layer.text.indexOf('alice');
    const span = layer.toSource(at, at + 5);
    // "alice" is bytes 5..9: groups 1..3, characters 4..15 of the run.
    const runStart = text.indexOf(value);
    expect(span).toEqual({ start: runStart + 4, end: runStart + 16, decodedFrom: ['base64'] });
    expect(Buffer.from(text.slice(span.start, span.end), 'base64').toString()).toContain('alice');
    // Text outside the run maps one to one and is not decoded.
    expect(layer.toSource(0, 3)).toEqual({ start: 0, end: 3, decodedFrom: [] });
  });

  it('leaves runs alone that do not decode to text: hashes, binary blobs, identifiers', () => {
    expect(decodeBase64(`integrity: sha512-${randomBytes(64).toString('base64')}`)).toBeUndefined();
    expect(decodeBase64(`const wasm = "${randomBytes(3000).toString('base64')}";`)).toBeUndefined();
    expect(decodeBase64('getOwnPropertyDescriptors allowSyntheticDefaultImports src/components/forms/TextField')).toBeUndefined();
  });

  it(`leaves runs shorter than ${BASE64_MIN_RUN} characters alone, and decodes one of that length`, () => {
    // 19 bytes encode to 26 characters and "==", 20 bytes to 27 and "=": both printable text.
    const short = b64('region=eu-west-1;x1');
    const long = b64('region=eu-west-1;x12');
    expect([short.replace(/=+$/, '').length, long.replace(/=+$/, '').length]).toEqual([BASE64_MIN_RUN - 1, BASE64_MIN_RUN]);
    expect(base64Text(short)).toBeUndefined();
    expect(base64Text(long)).toBe('region=eu-west-1;x12');
    const around = (run: string) => `a text long enough for any run to start in it: ${run} and after it`;
    expect(decodeBase64(around(short))).toBeUndefined();
    expect(decodeBase64(around(long))!.text).toBe(around('region=eu-west-1;x12'));
  });

  it('does not decode runs longer than BASE64_MAX_RUN, however printable', () => {
    const big = b64('x=1;'.repeat(Math.ceil(BASE64_MAX_RUN / 4)));
    expect(big.length).toBeGreaterThan(BASE64_MAX_RUN);
    expect(decodeBase64(`blob: ${big}`)).toBeUndefined();
    expect(base64Text(big)).toBeUndefined();
  });

  it('only decodes whole runs: not the tail of a longer word, not one followed by a third "="', () => {
    const value = b64('password=correct horse battery staple');
    expect(decodeBase64(`${value}===`)).toBeUndefined();
    expect(decodeBase64(`x=${value}`)!.text).toBe('x=password=correct horse battery staple');
  });
});

describe('decodePercent', () => {
  it('decodes %XX escapes of printable ASCII, maps each back to its three characters', () => {
    const text = 'q?key=abc%2Fdef%2Bghi%3D&x=1%20y';
    const layer = decodePercent(text)!;
    expect(layer.text).toBe('q?key=abc/def+ghi=&x=1 y');
    const at = layer.text.indexOf('abc');
    expect(layer.toSource(at, at + 12)).toEqual({ start: text.indexOf('abc'), end: text.indexOf('&'), decodedFrom: ['percent'] });
  });

  it('leaves "+", non-ASCII escapes and malformed escapes alone', () => {
    expect(decodePercent('a+b %C3%A9 %zz 100%')).toBeUndefined();
  });

  it('decodes a text only when it holds a seed escape (%22 %2B %2F %3A %3D, either case), wherever it sits', () => {
    for (const seed of ['%22', '%2B', '%2b', '%2F', '%2f', '%3A', '%3a', '%3D', '%3d']) {
      const text = `width: 100%; a=%20b ${'x'.repeat(100)} k${seed}v%`;
      expect(decodePercent(text)?.text, seed).toContain(`k${decodeURIComponent(seed)}v`);
    }
    for (const other of ['%20', '%2C', '%3B', '%3C', '%2', '%3', '%4A', '%'])
      expect(decodePercent(`width: 100%; k${other}v ${'y'.repeat(50)}`), other).toBeUndefined();
  });
});

describe('decodeJsonEscapes', () => {
  it('decodes the escapes around a slash escaped inside a value (PHP json_encode)', () => {
    const text = '{"secret":"abc\\/def\\/ghi","note":"line\\nnext \\"quoted\\""}';
    const layer = decodeJsonEscapes(text)!;
    expect(layer.text).toBe('{"secret":"abc/def/ghi","note":"line\nnext "quoted""}');
    expect(layer.seedRanges().map(([a, b]) => layer.text.slice(a, b))).toEqual(['/', '/']);
  });

  it('decodes \\u00XX escapes of printable ASCII', () => {
    expect(decodeJsonEscapes('key\\u003d\\u0022v\\u0022')!.text).toBe('key="v"');
  });

  it('gives nothing for text whose escapes the rules already read through (\\" and \\n alone)', () => {
    expect(decodeJsonEscapes('console.log("say \\"hi\\"\\n");')).toBeUndefined();
    expect(decodeJsonEscapes('no escapes here')).toBeUndefined();
  });
});

describe('decodedLayers', () => {
  it('decodes twice (base64 inside base64) and names both decodings', () => {
    const inner = b64('[default]\naws_region = eu-west-1\n');
    const text = `auth: ${b64(`{"config": "${inner}"}`)}`;
    const layers = decodedLayers(text);
    expect(layers.map((l) => l.kind)).toEqual(['base64', 'base64+base64']);
    const deep = layers[1]!;
    expect(deep.text).toContain('aws_region = eu-west-1');
    const at = deep.text.indexOf('eu-west-1');
    const span = deep.toSource(at, at + 9);
    expect(span.decodedFrom).toEqual(['base64', 'base64']);
    expect(span.start).toBeGreaterThanOrEqual(text.indexOf(': ') + 2);
    expect(span.end).toBeLessThanOrEqual(text.length);
  });

  it(`stops after ${MAX_DECODE_DEPTH} decodings, so nesting cannot make work explode`, () => {
    const thrice = b64(`a: ${b64(`b: ${b64('aws_region = eu-west-1 and more text')}`)}`);
    const layers = decodedLayers(`x: ${thrice}`);
    expect(layers.map((l) => l.kind)).toEqual(['base64', 'base64+base64']);
    expect(layers.some((l) => l.text.includes('aws_region'))).toBe(false);
  });

  it('gives no layer for text with nothing encoded', () => {
    expect(decodedLayers('const answer = 42;\nexport default answer;\n')).toEqual([]);
  });

  it('gives one layer for each decoding that finds something', () => {
    const text = `u=${'abc%2Fdef'} v=${b64('hello there, general kenobi')}`;
    expect(decodedLayers(text).map((l) => l.kind)).toEqual(['base64', 'percent']);
  });
});

describe('layers keep only what is near decoded content', () => {
  it('leaves out the far parts of a big text, and still maps back exactly', () => {
    const filler = 'let a = b + c; // nothing to see here\n'.repeat(5000);
    const text = `${filler}url = "https://example.com/?q=a%2Fb%2Bc"\n${filler}`;
    const layer = decodePercent(text)!;
    expect(layer.text.length).toBeLessThan(20_000);
    expect(layer.text).toContain('url = "https://example.com/?q=a/b+c"');
    const at = layer.text.indexOf('a/b+c');
    const span = layer.toSource(at, at + 5);
    expect(text.slice(span.start, span.end)).toBe('a%2Fb%2Bc');
    expect(span.decodedFrom).toEqual(['percent']);
  });

  it('does not percent-decode a text whose escapes cannot hide a credential (no %2F %2B %3D %3A %22)', () => {
    expect(decodePercent('printf("%20s|%41", name); width: 100%25')).toBeUndefined();
  });
});

describe('the terminal decoder inside decoded content', () => {
  it('reads colour codes that only a base64 run holds, looking for them only in what was decoded', async () => {
    const { decodeTerminal } = await import('../src/detect/decoders.js');
    const text = `ci log: ${b64('step 3 of the deploy: aws_region\x1b[0m=\x1b[32meu-west-1 and more words here')}\n`;
    const stacked = decodedLayers(text).find((l) => l.kind === 'base64+terminal');
    expect(stacked?.text).toBe('ci log: step 3 of the deploy: aws_region = eu-west-1 and more words here\n');
    // Ranges without a seed character: nothing to decode, however many seeds lie outside them.
    const plain = 'a\x1b[0m = 1; b = 2';
    expect(decodeTerminal(plain, [[8, plain.length]])).toBeUndefined();
    expect(decodeTerminal(plain, [[0, 6]])?.text).toBe('a  = 1; b = 2');
  });
});

describe('Unicode spaces in decoded bytes', () => {
  it('reads the UTF-8 of a no-break space (or a U+2000 space) in base64 or hex as a space, so a name and its value still pair', async () => {
    const { detect } = await import('../src/detect/detector.js');
    const { fakeSecretKey } = await import('../src/rules/examples.js');
    const { loadBuiltinRules, selectRules } = await import('../src/rules/load.js');
    const rules = selectRules(loadBuiltinRules());
    for (const space of ['\u00a0', '\u2002', '\u3000']) {
      const secret = fakeSecretKey();
      const plain = `[default]\naws_secret_access_key${space}=${space}${secret}\n`;
      for (const [name, encoded] of [
        ['base64', Buffer.from(plain).toString('base64')],
        ['hex', Buffer.from(plain).toString('hex')],
      ] as const) {
        const found = detect({ text: `blob: ${encoded}\n`, path: 'f', startLine: 1 }, rules);
        expect(
          found.map((f) => [f.secret, f.decodedFrom]),
          `${name} ${space.codePointAt(0)!.toString(16)}`,
        ).toEqual([[secret, name]]);
      }
    }
  });
});
