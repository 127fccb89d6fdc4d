import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EreError, ereToJs } from '../src/gitsecrets/ere.js';
import { ereRegex } from '../src/gitsecrets/ereRegex.js';
import { requiredLiterals } from '../src/gitsecrets/literals.js';
import { AllowMatcher, LineMatcher } from '../src/gitsecrets/matcher.js';
import { AWS_PATTERNS } from '../src/gitsecrets/usage.js';

/** [pattern, line, does `grep -w -E pattern` select the line (GNU grep, C locale)]. */
const CASES: [string, string, boolean][] = [
  ['AKIA[A-Z0-9]{16}', 'k = AKIAABCDEFGHIJKLMNOP', true],
  ['AKIA[A-Z0-9]{16}', 'k = AKIAABCDEFGHIJKLMNOPQ', false],
  ['AKIA[A-Z0-9]{16}', 'xAKIAABCDEFGHIJKLMNOP', false],
  ['AKIA[A-Z0-9]{16}', '_AKIAABCDEFGHIJKLMNOP', false],
  ['AKIA[A-Z0-9]{16}', '"AKIAABCDEFGHIJKLMNOP"', true],
  ['[[:alnum:]]{3}', 'ab1', true],
  ['[[:alpha:]]+', 'a1', false],
  ['[[:digit:]]+-[[:upper:]]', '12-X', true],
  ['[[:space:]]x', 'a x', false],
  ['[[:space:]]x', 'a \tx', true],
  ['[]a]', ']', true],
  ['[^a]b', 'ab', false],
  ['[^a]b', ' cb', true],
  ['[A-Za-z0-9/\\+=]{3}', 'a\\b', true],
  ['\\s*=\\s*', 'a = b', true],
  ['a\\sb', 'a\tb', true],
  ['x\\wy', 'x_y', true],
  ['x\\Wy', 'x-y', true],
  ['\\d', 'd', true],
  ['\\.', 'a.b', false],
  ['\\.', 'a . b', true],
  ['a.c', 'a\rc', true],
  ['*abc', '*abc', true],
  ['a{1', 'a{1', true],
  ['a{,2}b', 'aab', true],
  ['x{2}{3}', 'xxxxxx', true],
  ['{1}a', '{1}a', true],
  ['(*a)', '*a', true],
  ['x|*a', '*a', true],
  ['(?=a)', 'a', false],
  ['(?=a)', '?=a', true],
  ['a$b', 'a$b', false],
  ['a^b', 'a^b', false],
  ['^key', 'key = 1', true],
  ['^key', ' key', false],
  ['1$', 'v = 1', true],
  ['x*', '  ', true],
  ['a|', 'zz', false],
  ['a b|a', 'a bc', true],
  ['(ab)\\1', 'abab', true],
  ['(ab)\\1', 'abac', false],
  ['\\<foo', 'a foo', true],
  ['foo\\>', 'foox', false],
  [
    '("|\')?(AWS|aws|Aws)?_?(SECRET|secret|Secret)?_?(ACCESS|access|Access)?_?(KEY|key|Key)("|\')?\\s*(:|=>|=)\\s*("|\')?[A-Za-z0-9/\\+=]{40}("|\')?',
    'aws_secret_access_key = "abcdefghijabcdefghijabcdefghijabcdefghij"',
    true,
  ],
];

function systemGrep(pattern: string, line: string): boolean | undefined {
  const r = spawnSync('grep', ['-w', '-E', '--', pattern], { input: `${line}\n`, env: { ...process.env, LC_ALL: 'C' } });
  if (r.error || r.status === 2) return undefined;
  return r.status === 0;
}

describe('ERE translation and grep -w matching', () => {
  it.each(CASES)('grep -wE %j on %j → %s', (pattern, line, expected) => {
    expect(new LineMatcher([pattern], 'grep').matchLines(line).length > 0).toBe(expected);
  });

  it('the RE2 translation (what keyfence scan runs) matches where the JS one does, on every case', () => {
    const differ = CASES.filter(([p, l]) => {
      if (/\\[1-9]/.test(p)) return false; // backreferences stay on V8
      const js = new RegExp(ereToJs(p));
      const re2 = ereRegex(p);
      return js.test(l) !== re2.test(l);
    });
    expect(differ).toEqual([]);
    expect(ereRegex('(a|b)*c')).not.toBeInstanceOf(RegExp);
    expect(ereRegex('(x)\\1')).toBeInstanceOf(RegExp);
  });

  it('agrees with the system grep on every case (GNU grep, C locale)', () => {
    const probe = spawnSync('grep', ['--version'], { encoding: 'utf8' });
    expect(probe.stdout, 'GNU grep is needed for this comparison').toMatch(/GNU grep/);
    const disagree = CASES.filter(([p, l, want]) => {
      const got = systemGrep(p, l);
      return got !== undefined && got !== want;
    });
    expect(disagree).toEqual([]);
  });

  it('never matches across lines and reports each line once with its number', () => {
    const m = new LineMatcher(['a[^x]b', 'b'], 'grep');
    expect(m.matchLines('a\nb\nzz b b\n')).toEqual([
      { line: 2, text: 'b' },
      { line: 3, text: 'zz b b' },
    ]);
  });

  it('git grep mode needs a non-empty match', () => {
    expect(new LineMatcher(['x*'], 'git').matchLines('  \n')).toEqual([]);
    expect(new LineMatcher(['x*'], 'grep').matchLines('  \n')).toEqual([{ line: 1, text: '  ' }]);
  });

  it('rejects what GNU grep rejects', () => {
    expect(() => ereToJs('(ab')).toThrow(EreError);
    expect(() => ereToJs('[ab')).toThrow(EreError);
    expect(() => ereToJs('[[:nope:]]')).toThrow('Invalid character class name');
    expect(() => ereToJs('ab\\')).toThrow('Trailing backslash');
  });

  it('refuses nested repetition, which would backtrack exponentially on a hostile line', () => {
    for (const p of ['(a+)+$', '(a|aa)*b', '(x*y){2,}', 'a**', '((a+)b)+', '(a+){3}', '([a-z]+)*=']) {
      expect(() => ereToJs(p), p).toThrow(/Nested repetition/);
    }
    // Repeats that cannot blow up stay accepted: bounded stacks, groups without inner repeats.
    for (const p of ['x{2}{3}', '(ab)+', '(a|b)?', '[ab]*c', '(AKIA|ASIA)[A-Z0-9]{16}', '(a{1})*', ...AWS_PATTERNS]) {
      expect(() => ereToJs(p), p).not.toThrow();
    }
    // What a refused pattern would do: (a+)+$ on 30 "a" and a "b" takes seconds to minutes in V8.
    const started = performance.now();
    expect(() => new LineMatcher(['(a+)+$'], 'grep')).toThrow(EreError);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('allowed patterns match anywhere in the line, without the word test', () => {
    const a = new AllowMatcher(['EXAMPLE', '^docs/']);
    expect(a.allows('x.txt:1:AKIAIOSFODNN7EXAMPLE')).toBe(true);
    expect(a.allows('docs/a.md:3:anything')).toBe(true);
    expect(a.allows('src/docs/a.md:3:anything')).toBe(false);
    expect(new AllowMatcher([]).allows('x')).toBe(false);
  });
});

describe('required literals (the prefilter)', () => {
  it('finds the fixed strings every match must contain', () => {
    expect(requiredLiterals(AWS_PATTERNS[0]!)).toEqual(['A3T', 'AKIA', 'AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA', 'ASIA']);
    expect(requiredLiterals(AWS_PATTERNS[3]!)).toEqual(['KEY', 'key', 'Key']);
    expect(requiredLiterals('password\\s*=\\s*.+')).toEqual(['password']);
    expect(requiredLiterals('[Pp]ass')).toEqual(['Pass', 'pass']);
    expect(requiredLiterals('.*')).toBeNull();
    expect(requiredLiterals('a|.+')).toBeNull();
    expect(requiredLiterals('(ab)?cd*')).toEqual(['c']);
  });

  it('never rules out a line grep selects (every case above)', () => {
    for (const [pattern, line, matches] of CASES) {
      const lits = requiredLiterals(pattern);
      if (matches && lits)
        expect(
          lits.some((l) => line.includes(l)),
          `${pattern} on ${line}`,
        ).toBe(true);
    }
  });
});
