import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compilePass } from '../scripts/build-wasm.js';
import { valueRuns } from '../src/detect/decoders/base64Runs.js';
import { longRuns } from '../src/detect/decoders/longRuns.js';
import { detect } from '../src/detect/detector.js';
import { leadingWords } from '../src/detect/leadingWords.js';
import { literalsIn } from '../src/detect/literalIndex.js';
import { PASS_WASM } from '../src/detect/wasm.generated.js';
import { oneBytePass } from '../src/detect/wasmPass.js';
import { compileRule } from '../src/rules/compile.js';
import { expandExample } from '../src/rules/examples.js';
import { loadBuiltinRules, selectRules } from '../src/rules/load.js';
import { decodeBuffer } from '../src/sources/decode.js';
import type { Fragment } from '../src/types.js';

const CHUNK = 1 << 20;

/** Where each of `literals` occurs in `text` (overlapping occurrences too), ascending. */
function placesOf(text: string, literals: Set<string>): Map<string, number[]> {
  const places = new Map<string, number[]>();
  for (const literal of literals) {
    const at: number[] = [];
    for (let i = text.indexOf(literal); i !== -1; i = text.indexOf(literal, i + 1)) at.push(i);
    places.set(literal, at);
  }
  return places;
}

/** The JavaScript pass's runs of the whole text (explicit ranges: never the primed ones). */
function jsRuns(text: string): { value: number[][]; long: number[][] } {
  const whole = [[0, text.length] as const];
  return {
    value: valueRuns(text, whole, 27).map((r) => [r.start, r.end]),
    long: longRuns(text, whole).map((r) => [r.start, r.end]),
  };
}

function wasmRuns(text: string): { value: number[][]; long: number[][] } {
  const runs = oneBytePass(text);
  if (!runs) throw new Error('no WebAssembly');
  return { value: runs.value.map((r) => [r.start, r.end]), long: runs.long.map((r) => [r.start, r.end]) };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const pick = (s: string): string => s[Math.floor(Math.random() * s.length)]!;

/** Runs of alphabet characters around both thresholds (27, 56), split by what ends one kind or both. */
function randomText(length: number): string {
  const parts: string[] = [];
  let n = 0;
  while (n < length) {
    const r = Math.random();
    let part: string;
    if (r < 0.5) {
      const len = [26, 27, 28, 55, 56, 57][Math.floor(Math.random() * 6)]! + Math.floor(Math.random() * 3) - 1;
      part = Array.from({ length: len }, () => pick(B64)).join('');
    } else if (r < 0.8) part = pick('-_%=').repeat(1 + Math.floor(Math.random() * 2));
    else part = pick(' \n."\u00e9\u0080\u00ff\u007f');
    parts.push(part);
    n += part.length;
  }
  return parts.join('').slice(0, length);
}

describe('the WebAssembly passes (src/detect/wasmPass.ts)', () => {
  it('is what wasm/pass.ts compiles to (npm run generate:wasm after changing it)', async () => {
    expect((await compilePass()).toString('base64')).toBe(PASS_WASM);
  });

  it('finds the same value and long runs as the JavaScript pass in any one-byte text', () => {
    for (let t = 0; t < 3000; t++) {
      const text = randomText(Math.floor(Math.random() * 400));
      expect(wasmRuns(text), JSON.stringify(text)).toEqual(jsRuns(text));
    }
    expect(wasmRuns('')).toEqual({ value: [], long: [] });
  });

  it('carries runs across its 1 MiB chunks: a run across a boundary, ending or starting on one, a text of exactly one chunk', () => {
    const run = (n: number): string => Array.from({ length: n }, () => pick(B64)).join('');
    const texts = [
      '.'.repeat(CHUNK - 30) + run(100) + '.'.repeat(1000),
      '.'.repeat(CHUNK - 60) + run(60) + '-' + run(70),
      run(CHUNK) + '%' + run(CHUNK + 5),
      '.'.repeat(CHUNK - 1) + run(CHUNK),
      run(CHUNK),
      randomText(CHUNK + 1),
      randomText(3 * CHUNK - 7),
    ];
    for (const text of texts) {
      const wasm = wasmRuns(text);
      expect(wasm).toEqual(jsRuns(text));
      expect(wasm.value.length + wasm.long.length).toBeGreaterThan(0);
    }
  });

  it("finds the same literals as the JavaScript search: the built-in rules', short ones, across chunk boundaries", () => {
    const builtin = selectRules(loadBuiltinRules());
    // A config rule's literals may be one or two characters, or hold a character above U+00FF.
    const config = [...builtin, compileRule({ id: 'short', description: 'short literals', pattern: 'x', literals: ['Q', 'z~', '#!', 'caf\u00e9', '\u20ac5'] })];
    for (const rules of [builtin, config]) {
      // A one-byte text cannot hold '\u20ac5': only the others are planted.
      const literals = [...new Set(rules.flatMap((r) => r.literals))].filter((l) => !/[^\x00-\xff]/.test(l));
      const planted = (length: number, at: number[]): string => {
        const chars = Array.from({ length }, () => pick(' .abcdefghijklmnopqrstuvwxyz-_AKIS3\u00e9'));
        for (const p of at) {
          const literal = literals[Math.floor(Math.random() * literals.length)]!;
          for (let i = 0; i < literal.length && p + i < length; i++) chars[p + i] = literal[i]!;
        }
        return chars.join('');
      };
      for (let t = 0; t < 300; t++) {
        const text = planted(50 + Math.floor(Math.random() * 2000), [0, 7, 40, Math.floor(Math.random() * 50)]);
        const found = oneBytePass(text, rules)!;
        expect([...found.literals!].sort(), text).toEqual([...literalsIn(text, rules)].sort());
        expect(found.literalsAt, text).toEqual(placesOf(text, found.literals!));
      }
      for (const text of [planted(CHUNK + 100, [CHUNK - 3, CHUNK - 10, 5]), planted(2 * CHUNK + 3, [2 * CHUNK - 1, CHUNK - 1, 2 * CHUNK - 5])]) {
        const found = oneBytePass(text, rules)!;
        expect(found.literals!.size).toBeGreaterThan(0);
        expect([...found.literals!].sort()).toEqual([...literalsIn(text, rules)].sort());
        expect(found.literalsAt).toEqual(placesOf(text, found.literals!));
      }
    }
  });

  it('keeps no places of the literals when a chunk holds more than it keeps, and the detector finds the same', () => {
    const rules = selectRules(loadBuiltinRules());
    const keyId = `AKIA${Array.from({ length: 16 }, () => pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')).join('')}`;
    const text = `${'ASIA '.repeat(5000)}\nid = ${keyId}\n`.padEnd(CHUNK + 10, '.');
    const found = oneBytePass(text, rules)!;
    expect(found.literals).toEqual(new Set(['ASIA', 'AKIA']));
    expect(found.literalsAt).toBeUndefined();
    expect(detect({ text, path: 'a', startLine: 1, oneByte: true }, rules).map((f) => f.secret)).toEqual([keyId]);
  });

  it('tries a rule whose every match starts with one of its literals where they occur, as its regex finds them', () => {
    // Occurrences inside a match (the global regex goes on after it), next to each other, at the
    // end of the text, and across a chunk boundary.
    const rules = [
      compileRule({ id: 'ab', description: 'ab', pattern: '(?:ab|cd)[a-z]{4}', literals: ['ab', 'cd'], engine: 'backtracking' }),
      // Not tried at its literals: a match may start otherwise (with another case, or "xy").
      compileRule({ id: 'case', description: 'case', pattern: 'ef[a-z]{4}', flags: 'i', literals: ['ef'], engine: 'backtracking' }),
      compileRule({ id: 'xy', description: 'xy', pattern: '(?:gh|xy)[a-z]{4}', literals: ['gh'], engine: 'backtracking' }),
    ];
    const tail = 'abababab abab abxabcdef cdab abcdefgh cdcdcd ab ef EFghij xyzzzz gh';
    const texts = [`${'.'.repeat(CHUNK + 20)}${tail}`, `${'.'.repeat(CHUNK - 3)}${tail}`, `${tail}${'.'.repeat(CHUNK)}${tail}`];
    for (const text of texts) {
      const plain = detect({ text, path: 'a', startLine: 1 }, rules);
      expect(plain.map((f) => f.secret)).toEqual(expect.arrayContaining(['ababab', 'EFghij', 'xyzzzz']));
      expect(detect({ text, path: 'a', startLine: 1, oneByte: true }, rules)).toEqual(plain);
    }
  });

  it('finds no literal that only the memory around the text completes (what the text before it left there)', () => {
    const rules = selectRules(loadBuiltinRules());
    const body = 'x = 1;\n'.repeat(CHUNK / 7 + 1).slice(0, CHUNK);
    expect(oneBytePass(`${body}token = npm_`, rules)).toMatchObject({ literals: new Set(['npm_']), literalsAt: new Map([['npm_', [CHUNK + 8]]]) });
    expect(oneBytePass(`${body}token = npm`, rules)).toMatchObject({ literals: new Set(), literalsAt: new Map() });
    // The end of a first chunk stays in memory before the next text's first chunk: each literal
    // split there, its head left by one text and its tail starting the next.
    for (const literal of new Set(rules.flatMap((r) => r.literals))) {
      for (let k = 1; k < Math.min(literal.length, 6); k++) {
        expect(oneBytePass(`${body.slice(0, CHUNK - k)}${literal.slice(0, k)}${body}`, rules)!.literals).toEqual(new Set());
        expect(oneBytePass(`${literal.slice(k)}${body}`, rules)!.literals, literal).toEqual(new Set());
      }
    }
  });

  it('finds the backslashes the JSON decoder tests, and whether a C escape occurs, as the JavaScript searches do', () => {
    const jsonReference = (text: string): number[] => [...text.matchAll(/\\(?=[u/\\])/g)].map((m) => m.index);
    const cReference = (text: string): boolean => text.includes('\\x') || text.includes('\\u{');
    const escapy = (length: number): string => Array.from({ length }, () => pick('\\\\\\u/x{}ab .')).join('');
    const texts = [
      ...Array.from({ length: 2000 }, () => escapy(Math.floor(Math.random() * 100))),
      // Across chunk boundaries: a backslash ending a chunk, `\u{` split over two.
      `${'.'.repeat(CHUNK - 1)}\\u${'.'.repeat(10)}`,
      `${'.'.repeat(CHUNK - 2)}\\u{${'.'.repeat(10)}`,
      `${'.'.repeat(CHUNK - 1)}\\x`,
      Array.from({ length: 2 * CHUNK + 5 }, () => (Math.random() < 0.03 ? pick('\\\\u/x{') : '.')).join(''),
    ];
    for (const text of texts) {
      const found = oneBytePass(text)!;
      expect(found.jsonEscapes, JSON.stringify(text.slice(0, 100))).toEqual(jsonReference(text));
      expect(found.cEscapes).toBe(cReference(text));
    }
    // More than a chunk's worth to keep: none are given, and the decoder searches for itself.
    expect(oneBytePass('\\'.repeat(70_000))!.jsonEscapes).toBeUndefined();
  });

  it('leaves the literals to JavaScript when a rule set has more than its table holds', () => {
    const many = Array.from({ length: 300 }, (_, i) => compileRule({ id: `r${i}`, description: 'many', pattern: `lit${i}_x`, literals: [`lit${i}_`] }));
    expect(oneBytePass('lit7_x and more', many)).toMatchObject({ value: [], long: [] });
    expect(oneBytePass('lit7_x and more', many)!.literals).toBeUndefined();
    expect(detect({ text: 'lit7_x and more'.padEnd(CHUNK + 10, '.'), path: 'a', startLine: 1, oneByte: true }, many).map((f) => f.ruleId)).toEqual(['r7']);
  });

  it('gives the detector the same findings, decoded ones included, in a large one-byte text', () => {
    const rules = selectRules(loadBuiltinRules());
    const keyId = 'AKIA' + Array.from({ length: 16 }, () => pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')).join('');
    const secret = randomBytes(30).toString('base64');
    const creds = `aws_access_key_id = ${keyId}\naws_secret_access_key = ${secret}\n`;
    const slashed = `${randomBytes(12).toString('base64')}/${randomBytes(17).toString('base64')}`.slice(0, 40);
    const filler = 'const value = compute(input, { mode: "fast", retries: 3 });\n'.repeat(20_000);
    const text = [
      filler,
      `data = "${Buffer.from(creds).toString('base64')}"\n`,
      filler,
      `hex = "${Buffer.from(creds).toString('hex')}"\n`,
      filler,
      // PHP's json_encode escapes every slash; a C string spells the key ID's first letter.
      `{"aws_secret_access_key":"${slashed.replaceAll('/', '\\/')}"}\n`,
      `key_id = "\\x41${keyId.slice(1)}"\n`,
      filler,
      creds,
    ].join('');
    expect(text.length).toBeGreaterThan(CHUNK + 1); // past the point where the module is used
    const plain: Fragment = { text, path: 'big.js', startLine: 1 };
    const hinted: Fragment = { ...plain, oneByte: true };
    const expected = detect(plain, rules);
    expect(expected.map((f) => f.decodedFrom ?? 'plain').sort()).toEqual(['base64', 'base64', 'escape', 'hex', 'hex', 'json', 'plain', 'plain']);
    expect(detect(hinted, rules)).toEqual(expected);
    expect(wasmRuns(text)).toEqual(jsRuns(text));
  });

  it("gives the same findings through the WebAssembly passes for every rule's examples, in large one-byte texts", () => {
    const specs = loadBuiltinRules();
    const rules = selectRules(
      specs,
      specs.filter((r) => r.enabled === false).map((r) => r.id),
    );
    const examples = specs
      .flatMap((r) => [...(r.examples?.truePositives ?? []), ...(r.examples?.falsePositives ?? []).map((f) => f.text)])
      .map((template) => expandExample(template).text)
      .filter((text) => !/[^\x00-\xff]/.test(text));
    const filler = 'let token = next(state); // secret handling below\n'.repeat(CHUNK / 50);
    const layouts = [
      // Each example between lines of code, the first ones across the first chunk boundary.
      filler.slice(0, CHUNK - 300) + examples.join('\nconst a = 1;\n'),
      // Minified: all on long lines, next to a keyword and a long run.
      filler + examples.map((e) => `var t="token";${e};var b="${'QUJD'.repeat(30)}";`).join(''),
    ];
    let total = 0;
    for (const text of layouts) {
      const plain = detect({ text, path: 'big.js', startLine: 1 }, rules);
      expect(detect({ text, path: 'big.js', startLine: 1, oneByte: true }, rules)).toEqual(plain);
      total += plain.length;
    }
    expect(total).toBeGreaterThan(examples.length / 2);
    // Keywords that overlap: the keyword regex takes "secret" here and goes on after it, so no
    // "token" wakes the session token rule on this line (with the default rules, whose every
    // keyword rule needs a long run, so lines without one are not searched).
    const defaults = selectRules(specs);
    const text = `${filler}secretoken = "FwoGZXIvYXdzE${randomBytes(90).toString('base64')}"\n${filler}`;
    expect(detect({ text, path: 'big.js', startLine: 1 }, defaults)).toEqual([]);
    expect(detect({ text, path: 'big.js', startLine: 1, oneByte: true }, defaults)).toEqual([]);
  });

  it('is used only for text readers know to be one byte per character', () => {
    expect(decodeBuffer(Buffer.from('plain ASCII')).kind === 'text' && decodeBuffer(Buffer.from('plain ASCII'))).toMatchObject({ oneByte: true });
    expect(decodeBuffer(Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toMatchObject({ encoding: 'latin1', oneByte: true });
    const wide = Buffer.from('price: 5 \u20ac');
    expect(decodeBuffer(wide)).toMatchObject({ oneByte: undefined });
    const view = decodeBuffer(Buffer.from(wide), true);
    expect(view).toMatchObject({ standIns: true, oneByte: true });
    expect(view.kind === 'text' && /[^\x00-\xff]/.test(view.text)).toBe(false);
  });
});

describe('leadingWords: the words every match of a pattern starts with', () => {
  it('reads them off top-level alternatives and groups that cannot be skipped, lower-cased', () => {
    expect(leadingWords('(?:Secret[_.\\- ]?key|aws[_.\\- ]?secret)x', 'dgi')).toEqual(['secret', 'aws']);
    expect(leadingWords('((?:IQoJ|AgoJ)b3)|(FwoG(?:x|y))', 'dg')).toEqual(['iqoj', 'agoj', 'fwog']);
    expect(leadingWords('(?<name>ab)c|\\-\\.de', '')).toEqual(['ab', '-.de']);
    // A quantifier that may take the last character zero times leaves it out.
    expect(leadingWords('tokens?x', '')).toEqual(['token']);
    expect(leadingWords('ab{0,2}', '')).toEqual(['a']);
  });

  it('says nothing when a match may start elsewhere', () => {
    for (const source of ['a?b', '(?:x|)y', '(x)?y', '(?:x)*y', '[ab]c', '\\dx', '.x', '^x', '(?=a)a', '(?<=a)b', '(?<!a)b', 'ab|c(d', 'a|']) {
      expect(leadingWords(source, ''), source).toBeUndefined();
    }
    expect(leadingWords('ab', 'u')).toBeUndefined();
  });

  it('gives them as written when asked (where a match starts without the i flag)', () => {
    expect(leadingWords('((?:A3T[A-Z0-9]|AKIA|ASIA))x', 'dg', false)).toEqual(['A3T', 'AKIA', 'ASIA']);
    expect(leadingWords('AccountKey=([A-Za-z0-9+/]{86}==)', 'dg', false)).toEqual(['AccountKey=']);
    expect(leadingWords('\u00e9t\u00e9', '')).toBeUndefined();
  });
});
