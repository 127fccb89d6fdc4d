import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileRuns } from '../scripts/build-wasm.js';
import { valueRuns } from '../src/detect/decoders/base64Runs.js';
import { longRuns } from '../src/detect/decoders/longRuns.js';
import { detect } from '../src/detect/detector.js';
import { RUNS_WASM } from '../src/detect/wasm.generated.js';
import { oneByteRuns } from '../src/detect/wasmRuns.js';
import { loadBuiltinRules, selectRules } from '../src/rules/load.js';
import { decodeBuffer } from '../src/sources/decode.js';
import type { Fragment } from '../src/types.js';

const CHUNK = 1 << 20;

/** The JavaScript pass's runs of the whole text (explicit ranges: never the primed ones). */
function jsRuns(text: string): { value: number[][]; long: number[][] } {
  const whole = [[0, text.length] as const];
  return {
    value: valueRuns(text, whole, 27).map((r) => [r.start, r.end]),
    long: longRuns(text, whole).map((r) => [r.start, r.end]),
  };
}

function wasmRuns(text: string): { value: number[][]; long: number[][] } {
  const runs = oneByteRuns(text);
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

describe('the WebAssembly run pass (src/detect/wasmRuns.ts)', () => {
  it('is what wasm/runs.ts compiles to (npm run generate:wasm after changing it)', async () => {
    expect((await compileRuns()).toString('base64')).toBe(RUNS_WASM);
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

  it('gives the detector the same findings, decoded ones included, in a large one-byte text', () => {
    const rules = selectRules(loadBuiltinRules());
    const keyId = 'AKIA' + Array.from({ length: 16 }, () => pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')).join('');
    const secret = randomBytes(30).toString('base64');
    const creds = `aws_access_key_id = ${keyId}\naws_secret_access_key = ${secret}\n`;
    const filler = 'const value = compute(input, { mode: "fast", retries: 3 });\n'.repeat(20_000);
    const text = [filler, `data = "${Buffer.from(creds).toString('base64')}"\n`, filler, `hex = "${Buffer.from(creds).toString('hex')}"\n`, filler, creds].join(
      '',
    );
    expect(text.length).toBeGreaterThan(CHUNK + 1); // past the point where the module is used
    const plain: Fragment = { text, path: 'big.js', startLine: 1 };
    const hinted: Fragment = { ...plain, oneByte: true };
    const expected = detect(plain, rules);
    expect(expected.map((f) => f.decodedFrom ?? 'plain').sort()).toEqual(['base64', 'base64', 'hex', 'hex', 'plain', 'plain']);
    expect(detect(hinted, rules)).toEqual(expected);
    expect(wasmRuns(text)).toEqual(jsRuns(text));
  });

  it('is used only for text readers know to be one byte per character', () => {
    expect(decodeBuffer(Buffer.from('plain ASCII')).kind === 'text' && decodeBuffer(Buffer.from('plain ASCII'))).toMatchObject({ oneByte: true });
    expect(decodeBuffer(Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toMatchObject({ encoding: 'latin1', oneByte: true });
    const wide = Buffer.from('price: 5 \u20ac');
    expect(decodeBuffer(wide)).not.toHaveProperty('oneByte');
    const view = decodeBuffer(Buffer.from(wide), true);
    expect(view).toMatchObject({ standIns: true, oneByte: true });
    expect(view.kind === 'text' && /[^\x00-\xff]/.test(view.text)).toBe(false);
  });
});
