import { describe, expect, it } from 'vitest';
import { CSV_BOM, csvField, csvReport, CSV_COLUMNS } from '../src/report/csv.js';
import { escapeData, escapeProperty, githubReport } from '../src/report/github.js';
import { junitReport, xmlEscape } from '../src/report/junit.js';
import { excerptOf } from '../src/report/excerpt.js';
import { redactResult } from '../src/report/redact.js';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import type { ScanResult } from '../src/types.js';
import { cleanResult, reportResult, reportRules } from './fixtures/reportResult.js';

/**
 * A strict XML 1.0 well-formedness check, enough for what keyfence writes: one prolog, elements
 * properly nested with one root, attributes quoted and unique, no raw "<" or stray "&" in text
 * or attribute values, only the predefined and numeric character references, no forbidden
 * characters. Returns the problems found (empty when well-formed) and the element names.
 */
function checkXml(xml: string): { problems: string[]; elements: { name: string; attrs: Record<string, string>; text: string }[] } {
  const problems: string[] = [];
  const elements: { name: string; attrs: Record<string, string>; text: string }[] = [];
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(xml)) problems.push('forbidden control character');
  const unescape = (s: string, where: string) => {
    for (const m of s.matchAll(/&([^;\s]*);?/g))
      if (!/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);$/.test(m[0])) problems.push(`bad reference ${m[0]} in ${where}`);
    if (s.includes('<')) problems.push(`raw < in ${where}`);
    return s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d)))
      .replace(/&amp;/g, '&');
  };
  let rest = xml;
  const prolog = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(rest);
  if (!prolog) problems.push('no prolog');
  else rest = rest.slice(prolog[0].length);
  const stack: { name: string; attrs: Record<string, string>; text: string }[] = [];
  let roots = 0;
  const tag = /^<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"]*")*)\s*(\/?)>/;
  while (rest.length) {
    const lt = rest.indexOf('<');
    const text = lt === -1 ? rest : rest.slice(0, lt);
    if (text) {
      if (!stack.length && text.trim()) problems.push(`text outside the root: ${text.slice(0, 20)}`);
      if (stack.length) stack.at(-1)!.text += unescape(text, 'text');
    }
    if (lt === -1) break;
    rest = rest.slice(lt);
    const m = tag.exec(rest);
    if (!m) {
      problems.push(`malformed tag at: ${rest.slice(0, 40)}`);
      break;
    }
    rest = rest.slice(m[0].length);
    const [, close, name, attrText, selfClose] = m;
    if (close) {
      const open = stack.pop();
      if (open?.name !== name) problems.push(`</${name}> closes <${open?.name}>`);
      continue;
    }
    if (!stack.length && roots++) problems.push('more than one root');
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      if (a[1]! in attrs) problems.push(`duplicate attribute ${a[1]}`);
      attrs[a[1]!] = unescape(a[2]!, `attribute ${a[1]}`);
    }
    const el = { name: name!, attrs, text: '' };
    elements.push(el);
    if (!selfClose) stack.push(el);
  }
  if (stack.length) problems.push(`unclosed ${stack.map((s) => s.name).join(', ')}`);
  return { problems, elements };
}

describe('junit', () => {
  it('is well-formed XML with one failing test case per finding and one skipped per suppressed', () => {
    const { problems, elements } = checkXml(junitReport(reportResult, { color: false, rules: reportRules }));
    expect(problems).toEqual([]);
    const suite = elements.find((e) => e.name === 'testsuite')!;
    expect(suite.attrs).toMatchObject({ tests: '5', failures: '4', errors: '0', skipped: '1' });
    const cases = elements.filter((e) => e.name === 'testcase');
    expect(cases.map((c) => c.attrs.classname)).toEqual([
      'config/prod.env',
      'config/prod.env',
      'deploy/my "odd", path.yml',
      'README.md',
      'test/fixtures/keys.txt',
    ]);
    const failures = elements.filter((e) => e.name === 'failure');
    expect(failures.map((f) => f.attrs.type)).toEqual(['aws-access-key-id', 'aws-secret-access-key', 'aws-access-key-id', 'aws-session-token']);
    expect(failures[2]!.text).toContain(`AWS_ACCESS_KEY_ID: "ASIA…(redacted)" # <ci> & 'deploy'`);
    expect(failures[0]!.text).toContain('How to fix: Deactivate and delete the key in IAM');
  });
  it('a clean scan is one passing test case', () => {
    const { problems, elements } = checkXml(junitReport(cleanResult, { color: false }));
    expect(problems).toEqual([]);
    const cases = elements.filter((e) => e.name === 'testcase');
    expect(cases).toHaveLength(1);
    expect(cases[0]!.attrs.name).toBe('no secrets found (12 files, 40.0 kB)');
    expect(elements.some((e) => e.name === 'failure')).toBe(false);
  });
  it('escapes markup and replaces characters XML forbids', () => {
    expect(xmlEscape(`<a href="x">&'\u0001\ud800`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;\ufffd\ufffd');
    const nasty: ScanResult = {
      ...cleanResult,
      findings: [{ ...reportResult.findings[0]!, path: 'a\u0002<b>&"c".env', lineText: 'K=AKIA…(redacted) ]]> \u001b[31m' }],
    };
    expect(checkXml(junitReport(nasty, { color: false })).problems).toEqual([]);
  });
});

/** RFC 4180 parser: records split on CRLF, fields on commas, quoted fields with "" for ". */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} in unquoted field`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text.slice(i, i + 2) !== '\r\n') throw new Error(`expected CRLF at ${i}`);
    i += 2;
    rows.push(row);
    row = [];
  }
  return rows;
}

describe('csv', () => {
  it('is RFC 4180: header, one row per finding, CRLF, quotes doubled', () => {
    const csv = csvReport(reportResult);
    // A UTF-8 byte order mark first, so spreadsheets read "…" as UTF-8 (not "â€¦").
    expect(csv.startsWith(`${CSV_BOM}rule_id,`)).toBe(true);
    const rows = parseCsv(csv.slice(1));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(1 + reportResult.findings.length);
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
    const third = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, rows[3]![i]]));
    expect(third).toMatchObject({
      rule_id: 'aws-access-key-id',
      path: 'deploy/my "odd", path.yml',
      line: '12',
      column: '24',
      end_column: '44',
      commit: '0123456789abcdef0123456789abcdef01234567',
      excerpt: `AWS_ACCESS_KEY_ID: "ASIA…(redacted)" # <ci> & 'deploy'`,
    });
    expect(parseCsv(csvReport(cleanResult).slice(1))).toEqual([[...CSV_COLUMNS]]);
  });
  it('quotes CR and LF, and defuses spreadsheet formulas', () => {
    expect(csvField('a\r\nb')).toBe('"a\r\nb"');
    expect(parseCsv(`${csvField('x,"y"\nz')}\r\n`)).toEqual([['x,"y"\nz']]);
    expect(csvField('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvField('-12', false)).toBe('-12');
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
  });
  it('defuses formulas after a ";" too (semicolon-locale spreadsheets split cells there)', () => {
    expect(csvField('a;=cmd|"/c calc"!A0')).toBe(`"a;'=cmd|""/c calc""!A0"`);
    expect(csvField('x;+1;-2;@S;\tT')).toBe(`"x;'+1;'-2;'@S;'\tT"`);
    expect(csvField('a;b')).toBe('"a;b"');
  });
});

describe('github', () => {
  it('escapes data (% CR LF) and properties (also : and ,) as @actions/core does', () => {
    expect(escapeData('100%\r\nok: a,b')).toBe('100%25%0D%0Aok: a,b');
    expect(escapeProperty('C:\\a,b%\n')).toBe('C%3A\\a%2Cb%25%0A');
  });
  it('one annotation per finding with file, line, col, endColumn and title; severity picks the command', () => {
    const lines = githubReport(reportResult, { color: false, rules: reportRules }).trimEnd().split('\n');
    expect(lines).toHaveLength(reportResult.findings.length + 1);
    expect(lines[0]).toBe(
      '::error file=config/prod.env,line=3,endLine=3,col=19,endColumn=39,title=keyfence%3A aws-access-key-id::AWS access key ID found: AKIA…(redacted) (AWS account 123456789012)%0ADeactivate and delete the key in IAM, then create a new one.',
    );
    expect(lines[2]).toMatch(/^::error file=deploy\/my "odd"%2C path\.yml,line=12,/);
    expect(lines[2]).toContain('%0Ain commit 0123456789ab by Jane Doe');
    expect(lines[3]).toMatch(/^::warning file=README\.md,/);
    expect(lines[4]).toMatch(/^keyfence: 4 findings/);
    for (const l of lines.slice(0, 4)) expect(l).toMatch(/^::(error|warning|notice) [^:]*::[^\r\n]*$/);
  });
});

describe('excerpts and redaction', () => {
  it('cuts long lines around the secret and keeps the marked part aligned', () => {
    const line = `${'x'.repeat(100)}KEY=SECRETVALUE;${'y'.repeat(100)}`;
    const ex = excerptOf({ lineText: line, secret: 'SECRETVALUE', column: 105 }, 10);
    expect(ex).toEqual({ before: `…${'x'.repeat(6)}KEY=`, secret: 'SECRETVALUE', after: `;${'y'.repeat(9)}…` });
  });
  it('redacts every secret of the result wherever it appears in an excerpt', () => {
    const key = fakeKeyId();
    const secret = fakeSecretKey();
    const lineText = `creds("${key}", "${secret}")`;
    const f = { ...reportResult.findings[0]!, lineText };
    const result: ScanResult = {
      ...cleanResult,
      findings: [
        { ...f, secret: key, column: 8, endColumn: 28 },
        { ...f, ruleId: 'aws-secret-access-key', secret, column: 32, endColumn: 72 },
      ],
    };
    const shown = redactResult(result);
    for (const g of shown.findings) {
      expect(g.lineText).toBe(`creds("${key.slice(0, 4)}…(redacted)", "${secret.slice(0, 4)}…(redacted)")`);
    }
    expect(excerptOf(shown.findings[1]!).secret).toBe(`${secret.slice(0, 4)}…(redacted)`);
    expect(excerptOf(shown.findings[1]!).before).toBe(`creds("${key.slice(0, 4)}…(redacted)", "`);
  });
});

describe('redaction at scale', () => {
  it('many findings: each excerpt still loses every secret of its own line', () => {
    const findings = [];
    for (let i = 0; i < 600; i++) {
      const key = fakeKeyId();
      const secret = fakeSecretKey();
      const lineText = `k=${key} s=${secret}`;
      const f = { ...reportResult.findings[0]!, path: `f${i}.env`, line: 1, lineText };
      findings.push({ ...f, secret: key, column: 3, endColumn: 23 }, { ...f, ruleId: 'aws-secret-access-key', secret, column: 26, endColumn: 66 });
    }
    const shown = redactResult({ ...cleanResult, findings });
    for (let i = 0; i < findings.length; i++) {
      expect(shown.findings[i]!.lineText).not.toContain(findings[i - (i % 2)]!.secret);
      expect(shown.findings[i]!.lineText).not.toContain(findings[i - (i % 2) + 1]!.secret);
      expect(shown.findings[i]!.lineText).toMatch(/^k=AKIA…\(redacted\) s=.{4}…\(redacted\)$/);
    }
  });
});

describe('jsonChunks (reports written piece by piece)', () => {
  it('is JSON.stringify(value, null, 2) byte for byte, whatever the data holds', async () => {
    const { jsonChunks } = await import('../src/report/jsonChunks.js');
    const items = [{ a: 1, b: ['x', { c: null }] }, { d: 'quote " and \u0000keyfence-stream-0:items NUL', e: [] }, 'plain'];
    const value = {
      head: { rule: 'help with "\u0000keyfence-stream-abc:items"', n: [1, 2] },
      deep: { items: [] as unknown[] },
      empty: { others: [] as unknown[] },
      tail: true,
    };
    const whole = JSON.stringify({ ...value, deep: { items }, empty: { others: [] } }, null, 2);
    expect([...jsonChunks(value, { items, others: [] })].join('')).toBe(whole);
    // One piece per element of a streamed array: never the whole array as one string.
    expect([...jsonChunks({ items: [] }, { items: items.values() })].filter((c) => c.includes('"a": 1')).length).toBe(1);
  });
});
