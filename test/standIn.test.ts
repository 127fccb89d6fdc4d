import { randomInt } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detect, detectFragment, treeFragments } from '../src/index.js';
import { STAND_IN_CHAR, standInSafe } from '../src/detect/standIn.js';
import { compileRule } from '../src/rules/compile.js';
import { expandExample, fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import { loadBuiltinRules, selectRules } from '../src/rules/load.js';
import type { RuleSpec } from '../src/rules/spec.js';
import { emptyStats } from '../src/scan.js';
import { decodeBuffer } from '../src/sources/decode.js';
import { readFragment } from '../src/sources/readFragment.js';
import type { Fragment } from '../src/types.js';
import { cli, tempDir, writeTree } from './helpers/tmp.js';

// A UTF-8 file with characters above U+00FF is scanned as a one-byte stand-in view
// (src/detect/standIn.ts); what it finds must be exactly what its exact text gives.

const specs = loadBuiltinRules();
const all = selectRules(
  specs,
  specs.filter((s) => s.enabled === false).map((s) => s.id),
);
/** Characters above U+00FF (BMP and astral), and Latin-1 ones, that files hold around code. */
const WIDE = ['…', '—', '→', 'Ж', '中文', '🚀', '€', '✓', 'ğ'];
const LATIN1 = ['é', '©', 'ü', '°'];

function read(dir: string, name: string, text: string, standIns: boolean): Fragment {
  writeTree(dir, { [name]: text });
  const f = readFragment({ abs: path.join(dir, name), rel: name }, 1 << 30, emptyStats(), standIns);
  if (!f) throw new Error(`unreadable ${name}`);
  return f;
}

/** `text` with a wide or Latin-1 character put in at a few random places (between lines, inside them). */
function sprinkle(text: string): string {
  const chars = [...text]; // by code point: a surrogate pair is never split
  for (let n = randomInt(1, 5); n > 0; n--) {
    const pool = randomInt(3) === 0 ? LATIN1 : WIDE;
    chars.splice(randomInt(0, chars.length + 1), 0, pool[randomInt(pool.length)]!);
  }
  return `// ${WIDE[randomInt(WIDE.length)]} header\n${chars.join('')}`;
}

describe('the stand-in view of UTF-8 text', () => {
  it('keeps the exact text’s UTF-16 length and offsets: units above U+00FF become U+0080, the rest stay', () => {
    for (let i = 0; i < 300; i++) {
      let text = '';
      for (let n = randomInt(1, 60); n > 0; n--) {
        const r = randomInt(4);
        text += r === 0 ? WIDE[randomInt(WIDE.length)] : r === 1 ? LATIN1[randomInt(LATIN1.length)] : 'ab=\n"x_'[randomInt(7)];
      }
      const d = decodeBuffer(Buffer.from(text), true);
      if (d.kind !== 'text') throw new Error('binary');
      expect(d.text).toHaveLength(text.length);
      const want = [...text].map((ch) => (ch.codePointAt(0)! > 0xffff ? STAND_IN_CHAR.repeat(2) : ch.charCodeAt(0) > 0xff ? STAND_IN_CHAR : ch)).join('');
      expect(d.text).toBe(want);
      expect(d.standIns === true).toBe(/[^\u0000-\u00ff]/.test(text));
    }
  });

  it('is made only when asked, and never of text holding ESC, a Unicode space or a line separator', () => {
    const exact = (s: string) => {
      const d = decodeBuffer(Buffer.from(s), true);
      return d.kind === 'text' && !d.standIns && d.text === s;
    };
    expect(exact('a … b\x1b[31m')).toBe(true);
    expect(exact('a … b\u00a0c')).toBe(true);
    expect(exact('a … b\u2003c')).toBe(true);
    expect(exact('a … b\u2028c')).toBe(true);
    expect(exact('a … b\u2029c')).toBe(true);
    expect(exact('\ufeffa … b')).toBe(false); // a BOM is left out of the text, as always
    const d = decodeBuffer(Buffer.from('a … b'));
    expect(d.kind === 'text' && !d.standIns && d.text === 'a … b').toBe(true);
  });
});

describe('rules that allow stand-in views', () => {
  const base: RuleSpec = { id: 't', description: 't', pattern: 'k=([a-z]{8})', keywords: ['k='], engine: 'backtracking' };
  it('every built-in rule does', () => {
    expect(specs.filter((s) => !standInSafe(s)).map((s) => s.id)).toEqual([]);
  });
  it('a rule on the linear-time engine (every config rule), with u or v, or naming a character above U+007F does not', () => {
    expect(standInSafe(base)).toBe(true);
    expect(standInSafe({ ...base, engine: undefined })).toBe(false);
    expect(standInSafe({ ...base, flags: 'iu' })).toBe(false);
    expect(standInSafe({ ...base, pattern: 'k=([^\\u2026]{8})' })).toBe(false);
    expect(standInSafe({ ...base, pattern: 'k=([^\\xa0-\\xff]{8})' })).toBe(false);
    expect(standInSafe({ ...base, pattern: 'пароль=([a-z]{8})' })).toBe(false);
    expect(standInSafe({ ...base, keywords: ['пароль'] })).toBe(false);
    expect(standInSafe({ ...base, allow: { regexes: ['\\p{L}'] } })).toBe(false);
  });
});

describe('scanning a stand-in view finds exactly what the exact text gives', () => {
  const dir = tempDir('keyfence-standin-');

  it('for every built-in rule’s examples, true and false positives, with wide characters in and around them', () => {
    let views = 0;
    let i = 0;
    for (const spec of specs) {
      const templates = [...(spec.examples?.truePositives ?? []), ...(spec.examples?.falsePositives ?? []).map((fp) => fp.text)];
      for (const template of templates) {
        for (let round = 0; round < 4; round++) {
          const text = sprinkle(expandExample(template).text);
          const name = `f${i++}.txt`;
          const view = read(dir, name, text, true);
          const exact = read(dir, name, text, false);
          expect(exact.text).toBe(text.replace(/^\ufeff/, ''));
          if (view.exact) views++;
          const got = detectFragment(view, all);
          expect(got.findings, text).toEqual(detect(exact, all));
          // Findings come with the exact text, for the allow stages and the report.
          if (got.findings.length) expect(got.fragment.text).toBe(exact.text);
        }
      }
    }
    // The views were used (not every text qualifies: a terminal escape keeps the exact text).
    expect(views).toBeGreaterThan(100);
  });

  it('a credential beside wide characters is reported at its UTF-16 column, on its exact line', () => {
    const id = fakeKeyId();
    const key = fakeSecretKey();
    const text = `# 🚀 déploiement — clés\nconst creds = { id: "${id}", /* → */ secret: "${key}" }; // ✓ 中文\n`;
    const view = read(dir, 'app.js', text, true);
    expect(view.text).toContain(STAND_IN_CHAR);
    const { fragment, findings } = detectFragment(view, all);
    expect(fragment.text).toBe(text);
    const line = text.split('\n')[1]!;
    expect(findings.map((f) => [f.secret, f.line, f.column])).toEqual([
      [id, 2, line.indexOf(id) + 1],
      [key, 2, line.indexOf(key) + 1],
    ]);
    for (const f of findings) expect(f.lineText).toContain('→');
  });

  it('a candidate whose secret holds a stand-in is judged on the exact text (its gates may differ)', () => {
    // Entropy over the exact secret (8 distinct characters) passes; over the view's (a, b, c, d
    // and four stand-ins: 5) it would not.
    const rule = compileRule({ id: 'wide', description: 'w', pattern: 'tok=(\\S{8})', keywords: ['tok='], entropy: 2.5, engine: 'backtracking' });
    const text = 'tok=aЖbЗcИdЙ\n';
    const view = read(dir, 'w.txt', text, true);
    expect(view.exact).toBeDefined();
    expect(detect({ ...view, exact: undefined }, [rule])).toEqual([]); // the view alone misses it
    expect(detect(view, [rule]).map((f) => f.secret)).toEqual(['aЖbЗcИdЙ']);
  });
});

describe('library: treeFragments given rules', () => {
  it("yields a stand-in view whose exact fragment and findings are the file's", async () => {
    const dir = tempDir('keyfence-standin-lib-');
    const id = fakeKeyId();
    const text = `// déjà vu 🚀\nkey = "${id}" // →\n`;
    writeTree(dir, { 'a.js': text });
    const stats = emptyStats();
    const specs = loadBuiltinRules().filter((s) => s.enabled !== false);
    const got: Fragment[] = [];
    for await (const item of treeFragments({ paths: ['.'], cwd: dir, noGit: true, maxFileSize: 1 << 20 }, stats, specs)) {
      if (!('findings' in item)) got.push(item);
    }
    expect(got).toHaveLength(1);
    const [view] = got;
    expect(view!.text).not.toBe(text);
    expect(view!.exact?.()?.text).toBe(text);
    const rules = specs.map(compileRule);
    expect(detect(view!, rules).map((f) => [f.secret, f.line, f.column])).toEqual([[id, 2, 8]]);
    expect(detectFragment(view!, rules).fragment.text).toBe(text);
  });
});

describe('CLI: stand-in views in a tree scan', () => {
  it('a config rule naming Cyrillic still finds its match in a file with wide characters', async () => {
    const dir = tempDir('keyfence-standin-cli-');
    const value = `zq${randomInt(1e9, 1e10)}`;
    writeTree(dir, {
      '.keyfence.json': JSON.stringify({ rules: [{ id: 'pw', description: 'Cyrillic password', pattern: 'пароль=(zq[0-9]{10})', keywords: ['пароль'] }] }),
      'notes.md': `Заметки … 🚀\nпароль=${value}\n`,
    });
    const r = await cli(['scan', '--no-git', '-f', 'json', '--no-redact', '.'], dir);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string; secret: string }) => [f.ruleId, f.secret])).toEqual([['pw', value]]);
  });

  it('an AWS key pair in a file with emoji is found, with the exact line in the report', async () => {
    const dir = tempDir('keyfence-standin-cli-');
    const id = fakeKeyId();
    writeTree(dir, { 'deploy.sh': `# 🚀 ship it…\nexport AWS_ACCESS_KEY_ID=${id} # → prod\n` });
    const r = await cli(['scan', '--no-git', '-f', 'json', '.'], dir);
    expect(r.exitCode).toBe(1);
    const [f] = JSON.parse(r.stdout).findings;
    expect([f.line, f.column]).toEqual([2, 'export AWS_ACCESS_KEY_ID='.length + 1]);
    expect(f.lineText).toContain('→ prod');
    expect(f.lineText).not.toContain(id); // redacted by default
  });
});
