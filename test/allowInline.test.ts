import { describe, expect, it } from 'vitest';
import { inlineAllow, inlineAuditStage } from '../src/allow/inlineAllow.js';
import type { Finding, Fragment } from '../src/types.js';

/** A finding of "SECRET" on file line `line` (the stage reads only line numbers and text). */
function findingAt(line: number): Finding {
  return {
    ruleId: 'aws-access-key-id',
    description: '',
    path: 'a.env',
    line,
    endLine: line,
    column: 1,
    endColumn: 7,
    secret: 'SECRET',
    lineText: '',
    fingerprint: 'fp',
    severity: 'error',
  };
}
const file = (text: string, startLine = 1): Fragment => ({ text, path: 'a.env', startLine });

describe('inline allow comments', () => {
  const cases: { name: string; text: string; line: number; allowed: string | null }[] = [
    { name: 'keyfence:allow on the same line', text: 'key = "SECRET"  // keyfence:allow', line: 1, allowed: 'keyfence:allow on line 1' },
    {
      name: 'keyfence:allow-next-line on the line before',
      text: '# keyfence:allow-next-line\nkey = SECRET',
      line: 2,
      allowed: 'keyfence:allow-next-line on line 1',
    },
    {
      name: "detect-secrets' pragma on the same line",
      text: 'SECRET = "SECRET"  # pragma: allowlist secret',
      line: 1,
      allowed: 'pragma: allowlist secret on line 1',
    },
    {
      name: "detect-secrets' nextline pragma",
      text: '# pragma: allowlist nextline secret\nSECRET = "SECRET"',
      line: 2,
      allowed: 'pragma: allowlist nextline secret on line 1',
    },
    {
      name: "detect-secrets' older whitelist spelling",
      text: 'x = "SECRET"  # pragma: whitelist secret',
      line: 1,
      allowed: 'pragma: whitelist secret on line 1',
    },
    { name: 'a CRLF line', text: '# keyfence:allow-next-line\r\nkey = SECRET // keyfence:allow\r\n', line: 2, allowed: 'keyfence:allow on line 2' },
    { name: "gitleaks' inline comment on the same line", text: 'key = "SECRET" # gitleaks:allow', line: 1, allowed: 'gitleaks:allow on line 1' },
    { name: "gitleaks' comment on the line before does not reach the next", text: '// gitleaks:allow\nkey = SECRET', line: 2, allowed: null },
    { name: "a longer word is not gitleaks' marker", text: 'key = SECRET # gitleaks:allowed', line: 1, allowed: null },
    { name: 'no comment', text: 'key = SECRET', line: 1, allowed: null },
    { name: 'next-line marker two lines above', text: '# keyfence:allow-next-line\n\nkey = SECRET', line: 3, allowed: null },
    { name: 'same-line marker on the line before', text: '# keyfence:allow\nkey = SECRET', line: 2, allowed: null },
    { name: 'next-line marker on the line itself', text: 'key = SECRET # keyfence:allow-next-line', line: 1, allowed: null },
    { name: 'nextline pragma on the line itself', text: 'key = SECRET # pragma: allowlist nextline secret', line: 1, allowed: null },
    { name: 'a longer word is not the marker', text: 'key = SECRET # keyfence:allowed', line: 1, allowed: null },
    { name: 'marker on the line after', text: 'key = SECRET\n# keyfence:allow', line: 1, allowed: null },
  ];
  for (const c of cases) {
    it(`${c.allowed ? 'allows' : 'does not allow'}: ${c.name}`, () => {
      const by = inlineAllow(findingAt(c.line), file(c.text));
      expect(by).toEqual(c.allowed ? { stage: 'inline', reason: c.allowed } : null);
    });
  }

  it('maps file lines through startLine', () => {
    const fragment = file('# keyfence:allow-next-line\nkey = SECRET', 41);
    expect(inlineAllow(findingAt(42), fragment)?.reason).toBe('keyfence:allow-next-line on line 41');
  });

  it('reads the line before only when a diff hunk holds it (never guesses across a gap)', () => {
    // Added lines 10 and 12 of a staged file: line 11 is unchanged and not in the fragment.
    const gap: Fragment = { text: '# keyfence:allow-next-line\nkey = SECRET', path: 'a.env', startLine: 10, lineNumbers: [10, 12] };
    expect(inlineAllow(findingAt(12), gap)).toBeNull();
    const contiguous: Fragment = { ...gap, lineNumbers: [11, 12] };
    expect(inlineAllow(findingAt(12), contiguous)?.reason).toBe('keyfence:allow-next-line on line 11');
  });

  it('the --no-inline-allow audit stage allows nothing and counts what comments would hide', () => {
    const hidden = { count: 0 };
    const stage = inlineAuditStage(hidden);
    expect(stage(findingAt(1), file('k = SECRET // keyfence:allow'))).toBeNull();
    expect(stage(findingAt(1), file('k = SECRET'))).toBeNull();
    expect(hidden.count).toBe(1);
  });
});
