import { describe, expect, it } from 'vitest';
import { pathAllowStage } from '../src/allow/pathAllow.js';
import { regexAllowStage } from '../src/allow/regexAllow.js';
import { stopwordAllowStage } from '../src/allow/stopwordAllow.js';
import type { Finding, Fragment } from '../src/types.js';

function finding(over: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'acme-token',
    description: '',
    path: 'src/app.ts',
    line: 1,
    endLine: 1,
    column: 7,
    endColumn: 43,
    secret: 'acme_0123456789abcdef0123456789abcdef',
    lineText: 'tok = acme_…',
    fingerprint: 'fp',
    severity: 'error',
    ...over,
  };
}
const fragment = (text: string, path = 'src/app.ts'): Fragment => ({ text, path, startLine: 1 });
const anywhere = fragment('tok = acme_0123456789abcdef0123456789abcdef  # test fixture');

describe('path allowlist (micromatch)', () => {
  const stage = pathAllowStage(['test/fixtures/**', '**/*.snap', '.env.example'], 'allow.paths');
  const cases: [string, string | null][] = [
    ['test/fixtures/keys/a.txt', 'allow.paths: test/fixtures/**'],
    ['src/__snapshots__/app.test.ts.snap', 'allow.paths: **/*.snap'],
    ['.env.example', 'allow.paths: .env.example'],
    ['src/app.ts', null],
    ['test/fixtures.ts', null],
  ];
  for (const [path, reason] of cases) {
    it(`${reason ? 'allows' : 'keeps'} ${path}`, () => {
      expect(stage(finding({ path }), anywhere)).toEqual(reason ? { stage: 'path', reason } : null);
    });
  }
  it('globs match dot directories too', () => {
    expect(pathAllowStage(['**/fixtures/**'], 'allow.paths')(finding({ path: '.github/fixtures/k' }), anywhere)).not.toBeNull();
  });
  it('a per-rule allowlist leaves other rules alone', () => {
    const perRule = pathAllowStage(['src/**'], 'allow.byRule["acme-token"].paths', 'acme-token');
    expect(perRule(finding(), anywhere)?.reason).toBe('allow.byRule["acme-token"].paths: src/**');
    expect(perRule(finding({ ruleId: 'aws-access-key-id' }), anywhere)).toBeNull();
  });
});

describe('regex allowlist', () => {
  it('matches the secret by default', () => {
    const stage = regexAllowStage(['^acme_0123'], 'secret', 'allow.regexes');
    expect(stage(finding(), anywhere)).toEqual({ stage: 'regex', reason: 'allow.regexes: /^acme_0123/' });
    expect(stage(finding({ secret: 'acme_ffff' }), anywhere)).toBeNull();
  });
  it('does not match the rest of the line when the target is the secret', () => {
    expect(regexAllowStage(['test fixture'], 'secret', 'allow.regexes')(finding(), anywhere)).toBeNull();
  });
  it('matches the whole line (read from the fragment, not the excerpt) when the target is "line"', () => {
    const stage = regexAllowStage(['test fixture$'], 'line', 'allow.regexes');
    expect(stage(finding(), anywhere)).toEqual({ stage: 'regex', reason: 'allow.regexes: /test fixture$/ (line)' });
    expect(stage(finding(), fragment('tok = acme_0123456789abcdef0123456789abcdef'))).toBeNull();
  });
  it('is scoped to one rule when given one', () => {
    const stage = regexAllowStage(['.'], 'secret', 'rules[0].allow.regexes', 'other-rule');
    expect(stage(finding(), anywhere)).toBeNull();
  });
});

describe('stopword allowlist', () => {
  const stage = stopwordAllowStage(['dummy', 'FAKE'], 'allow.stopwords');
  it('allows a secret containing a stopword, case-insensitively', () => {
    expect(stage(finding({ secret: 'acme_DUMMYabcdef' }), anywhere)).toEqual({ stage: 'stopword', reason: 'allow.stopwords: dummy' });
    expect(stage(finding({ secret: 'acme_isfakeabc' }), anywhere)).toEqual({ stage: 'stopword', reason: 'allow.stopwords: FAKE' });
  });
  it('ignores stopwords elsewhere on the line', () => {
    expect(stage(finding(), fragment('dummy = acme_0123456789abcdef0123456789abcdef'))).toBeNull();
  });
});
