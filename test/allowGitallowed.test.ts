import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/configError.js';
import { gitallowedStage, parseGitallowed } from '../src/allow/gitallowed.js';
import type { Finding, Fragment } from '../src/types.js';

function finding(line: number, path = 'config/dev.env'): Finding {
  return {
    ruleId: 'aws-access-key-id',
    description: '',
    path,
    line,
    endLine: line,
    column: 1,
    endColumn: 21,
    secret: 'placeholder-secret',
    lineText: '',
    fingerprint: 'fp',
    severity: 'error',
  };
}

describe('.gitallowed', () => {
  it('parses one regex per line, skipping blank and # lines', () => {
    const patterns = parseGitallowed('# git-secrets allowlist\n\nAKIAIOSFODNN7EXAMPLE\r\n  \n^docs/\n', '.gitallowed');
    expect(patterns.map((p) => [p.line, p.source])).toEqual([
      [3, 'AKIAIOSFODNN7EXAMPLE'],
      [5, '^docs/'],
    ]);
  });

  it('names the file and line of a pattern that does not compile', () => {
    expect(() => parseGitallowed('ok\nbad(\n', '.gitallowed')).toThrowError(/^\.gitallowed:2: not a valid regular expression/);
    expect(() => parseGitallowed('(', '.gitallowed')).toThrowError(ConfigError);
  });

  it('translates POSIX classes git-secrets users write for grep -E', () => {
    const [p] = parseGitallowed('^key_[[:digit:]]+$', '.gitallowed');
    expect(p!.re.test('key_123')).toBe(true);
    expect(p!.re.test('key_abc')).toBe(false);
  });

  const fragment: Fragment = { text: 'A=1\nKEY=secret-line # local only\nB=2', path: 'config/dev.env', startLine: 1 };
  it('allows a finding whose line matches', () => {
    const stage = gitallowedStage(parseGitallowed('# comment\nlocal only$', '.gitallowed'), '.gitallowed');
    expect(stage(finding(2), fragment)).toEqual({ stage: 'gitallowed', reason: '.gitallowed:2: local only$' });
  });
  it('allows a finding whose path:line:text matches, as git-secrets matches git grep output', () => {
    const stage = gitallowedStage(parseGitallowed('^config/dev\\.env:2:', '.gitallowed'), '.gitallowed');
    expect(stage(finding(2), fragment)?.stage).toBe('gitallowed');
    expect(stage(finding(2, 'config/prod.env'), { ...fragment, path: 'config/prod.env' })).toBeNull();
  });
  it('keeps a finding no pattern matches', () => {
    const stage = gitallowedStage(parseGitallowed('EXAMPLE', '.gitallowed'), '.gitallowed');
    expect(stage(finding(2), fragment)).toBeNull();
  });
});
