import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import { terminalInBytes } from '../src/detect/decoders.js';
import { decodeBuffer, isBinaryHead, SNIFF } from '../src/sources/decode.js';

const utf16le = (s: string, bom = true) => Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(s, 'utf16le')]);
const utf16be = (s: string, bom = true) => {
  const body = Buffer.from(s, 'utf16le');
  body.swap16();
  return Buffer.concat([bom ? Buffer.from([0xfe, 0xff]) : Buffer.alloc(0), body]);
};
const TEXT = '$env:AWS_REGION = "eu-west-1"\r\nWrite-Output "ready"\r\n';

describe('decodeBuffer', () => {
  it('decodes UTF-16 LE with a BOM (PowerShell Out-File)', () => {
    expect(decodeBuffer(utf16le(TEXT))).toEqual({ kind: 'text', text: TEXT, encoding: 'utf-16le' });
  });
  it('decodes UTF-16 BE with a BOM', () => {
    expect(decodeBuffer(utf16be(TEXT))).toEqual({ kind: 'text', text: TEXT, encoding: 'utf-16be' });
  });
  it('detects UTF-16 LE and BE without a BOM from the NUL pattern', () => {
    expect(decodeBuffer(utf16le(TEXT, false))).toEqual({ kind: 'text', text: TEXT, encoding: 'utf-16le' });
    expect(decodeBuffer(utf16be(TEXT, false))).toEqual({ kind: 'text', text: TEXT, encoding: 'utf-16be' });
  });
  it('drops a dangling last byte of an odd-length UTF-16 file instead of failing', () => {
    const buf = Buffer.concat([utf16le('abc'), Buffer.from([0x41])]);
    expect(decodeBuffer(buf)).toEqual({ kind: 'text', text: 'abc', encoding: 'utf-16le' });
  });
  it('decodes invalid UTF-8 as Latin-1, one character per byte', () => {
    const buf = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x3d, 0x31]); // "café=1" in Latin-1
    expect(decodeBuffer(buf)).toEqual({ kind: 'text', text: 'café=1', encoding: 'latin1', oneByte: true });
  });
  it('strips a UTF-8 BOM and keeps UTF-8 text as is', () => {
    const buf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('naïve = 1\n')]);
    expect(decodeBuffer(buf)).toEqual({ kind: 'text', text: 'naïve = 1\n' });
  });
  it('says binary for NUL bytes that are not UTF-16 text', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0]);
    expect(decodeBuffer(png)).toEqual({ kind: 'binary' });
  });
  it('flags pure ASCII text (read as latin1, the same string) and nothing else, and one-byte text as such', () => {
    expect(decodeBuffer(Buffer.from('key = "value"\n'))).toEqual({ kind: 'text', text: 'key = "value"\n', ascii: true, oneByte: true });
    expect(decodeBuffer(Buffer.from('cl\u00e9 = "valeur"\n'))).toEqual({ kind: 'text', text: 'cl\u00e9 = "valeur"\n' });
    expect(decodeBuffer(Buffer.from([0x63, 0xe9, 0x0a]))).toEqual({ kind: 'text', text: 'c\u00e9\n', encoding: 'latin1', oneByte: true });
  });

  it('handles empty and one-byte files', () => {
    expect(decodeBuffer(Buffer.alloc(0))).toEqual({ kind: 'text', text: '', ascii: true, oneByte: true });
    expect(decodeBuffer(Buffer.from([0xff]))).toEqual({ kind: 'text', text: 'ÿ', encoding: 'latin1', oneByte: true });
  });
});

describe('scan of files in other encodings', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyfence-decode-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const io = { cwd: dir, env: {} };
  const scanJson = async (file: string) => {
    const r = await run(['scan', '--no-git', file, '--format', 'json', '--no-redact'], io);
    expect(r.stderr).not.toContain('internal error');
    return JSON.parse(r.stdout) as { findings: { ruleId: string; line: number; column: number; secret: string }[] };
  };

  for (const [name, encode] of [
    ['UTF-16 LE with BOM', (s: string) => utf16le(s)],
    ['UTF-16 BE with BOM', (s: string) => utf16be(s)],
    ['UTF-16 LE without BOM', (s: string) => utf16le(s, false)],
    ['UTF-16 BE without BOM', (s: string) => utf16be(s, false)],
  ] as const) {
    it(`finds a key pair in a ${name} file at its line and column`, async () => {
      const id = fakeKeyId();
      const secret = fakeSecretKey();
      const file = `creds-${name.replace(/\W+/g, '-')}.ps1`;
      const line2 = `$env:AWS_ACCESS_KEY_ID = "${id}"`;
      const line3 = `$env:AWS_SECRET_ACCESS_KEY = "${secret}"`;
      writeFileSync(path.join(dir, file), encode(`# deploy\r\n${line2}\r\n${line3}\r\n`));
      const { findings } = await scanJson(file);
      expect(findings.map((f) => [f.ruleId, f.line, f.column, f.secret])).toEqual([
        ['aws-access-key-id', 2, line2.indexOf(id) + 1, id],
        ['aws-secret-access-key', 3, line3.indexOf(secret) + 1, secret],
      ]);
    });
  }

  // The terminal decoder is skipped for a file whose bytes hold none of the characters it
  // replaces (terminalInBytes): both kinds of file must still show a key written with colour
  // codes or a no-break space between its name and value.
  for (const [name, sep] of [
    ['an ASCII file with colour codes', '\x1b[0m=\x1b[32m'],
    ['a UTF-8 file with a no-break space', '\u00a0= '],
  ] as const) {
    it(`finds a secret key in ${name} around its "="`, async () => {
      const secret = fakeSecretKey();
      const file = `log-${name.replace(/\W+/g, '-')}.txt`;
      writeFileSync(path.join(dir, file), `step 3\naws_secret_access_key${sep}${secret}\n`);
      const { findings } = await scanJson(file);
      expect(findings.map((f) => [f.ruleId, f.line, f.secret])).toEqual([['aws-secret-access-key', 2, secret]]);
    });
  }

  it('finds a key in a Latin-1 file at the right column after accented characters', async () => {
    const id = fakeKeyId();
    const before = 'cl\xe9 d\xe9ploiement: '; // 17 characters, 17 bytes in Latin-1
    writeFileSync(path.join(dir, 'notes.txt'), Buffer.concat([Buffer.from(before, 'latin1'), Buffer.from(`${id}\n`)]));
    const { findings } = await scanJson('notes.txt');
    expect(findings.map((f) => [f.line, f.column, f.secret])).toEqual([[1, 18, id]]);
  });
});

describe('terminalInBytes', () => {
  const TERMINAL = [
    '\x1b',
    '\u00a0',
    '\u1680',
    ...Array.from({ length: 12 }, (_, i) => String.fromCharCode(0x2000 + i)),
    '\u202f',
    '\u205f',
    '\u3000',
    '\ufeff',
  ];

  it('finds each character the terminal decoder replaces in UTF-8 bytes, and none in other text', () => {
    for (const c of TERMINAL) expect(terminalInBytes(Buffer.from(`caf\u00e9 =${c}1`), 'utf-8'), c.codePointAt(0)!.toString(16)).toBe(true);
    // Curly quotes, dashes and the ellipsis share the E2 80 lead bytes with the Unicode spaces.
    expect(terminalInBytes(Buffer.from('\u2018a\u2019 \u201cb\u201d \u2013 \u2014 \u2026 \u00e9\u00c0 \u4e2d'), 'utf-8')).toBe(false);
    // A leading BOM is not part of the text when the search starts after it.
    expect(terminalInBytes(Buffer.from('\ufeffkey = 1'), 'utf-8', 3)).toBe(false);
  });

  it('looks for ESC only in ASCII, and for ESC and 0xA0 in Latin-1', () => {
    expect(terminalInBytes(Buffer.from('a\x1b[0mb'), 'ascii')).toBe(true);
    expect(terminalInBytes(Buffer.from('a = b'), 'ascii')).toBe(false);
    expect(terminalInBytes(Buffer.from([0x61, 0xa0, 0x3d]), 'latin1')).toBe(true);
    expect(terminalInBytes(Buffer.from([0x61, 0xe9, 0x3d]), 'latin1')).toBe(false);
  });
});

describe('isBinaryHead', () => {
  it('agrees with decodeBuffer from the first SNIFF bytes alone', () => {
    const cases = [
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]), Buffer.alloc(SNIFF * 2, 0x41)]),
      Buffer.concat([Buffer.alloc(SNIFF, 0x41), Buffer.from([0, 0, 0])]), // NUL only after the head: text
      utf16le('plain text '.repeat(2000)),
      utf16le('plain text '.repeat(2000), false),
      utf16be('plain text '.repeat(2000), false),
      Buffer.from('caf\xe9 au lait\n'.repeat(1000), 'latin1'),
      Buffer.alloc(0),
    ];
    for (const buf of cases) expect(isBinaryHead(buf.subarray(0, SNIFF))).toBe(decodeBuffer(buf).kind === 'binary');
    expect(isBinaryHead(cases[0]!.subarray(0, SNIFF))).toBe(true);
  });
});
