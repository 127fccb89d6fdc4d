import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { bin, git, secretFile, tempRepo, write } from './gitRepo.js';
import { LinearRegExp } from '../src/rules/linearRegex.js';

// User regexes (custom rules, config allow lists, .gitallowed, git-secrets' secrets.patterns and
// secrets.allowed) cannot hang a commit: JSON-config regexes run on a linear-time engine (RE2),
// ERE patterns are checked for nested repetition; what cannot run safely is one line, exit 2.

const token = () => `acme_${randomBytes(8).toString('hex').slice(0, 12)}`;
const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
/** A line that makes a backtracking engine run (a+)+$ for ages: many "a", then not the end. */
const EVIL_LINE = `${'a'.repeat(40_000)}!`;

/** stderr without the note a --no-git audit prints about the configuration it applied. */
const withoutConfigNote = (stderr: string) => stderr.replace(/^keyfence: configuration applied:[^\n]*\n/, '');

function timed<T>(run: () => T): { out: T; ms: number } {
  const started = performance.now();
  const out = run();
  return { out, ms: performance.now() - started };
}

describe('custom rules and allow lists from .keyfence.json', () => {
  it('accepts gitleaks-style leading inline flags: (?i), (?s), (?m) and combinations', () => {
    const repo = tempRepo();
    const t = token();
    write(
      repo,
      '.keyfence.json',
      json({
        rules: [
          { id: 'acme-i', description: 'ACME (?i)', pattern: '(?i)key=(acme_[a-z0-9]{12})', keywords: ['acme_'] },
          { id: 'acme-is', description: 'ACME (?is)', pattern: '(?is)BEGIN.(acme_[a-z0-9]{12})', keywords: [] },
          { id: 'acme-m', description: 'ACME (?m)', pattern: '(?m)^token: (acme_[a-z0-9]{12})$', keywords: ['token'] },
        ],
      }),
    );
    write(repo, 'app.env', `KEY=${t.toUpperCase()}\nbegin\n${t}\ntoken: ${t}\n`);
    const r = bin(repo, ['scan', '--no-git', 'app.env', '--format', 'json', '--no-redact']);
    expect(withoutConfigNote(r.stderr)).toBe('');
    expect(r.status).toBe(1);
    const found = (JSON.parse(r.stdout) as { findings: { ruleId: string; line: number }[] }).findings.map((f) => `${f.ruleId}@${f.line}`);
    expect(found.sort()).toEqual(['acme-i@1', 'acme-is@3', 'acme-m@4']);
  });

  it('runs a catastrophic custom rule and allow regex in linear time', () => {
    const repo = tempRepo();
    const { text, keyId } = secretFile();
    write(
      repo,
      '.keyfence.json',
      json({
        rules: [{ id: 'evil', description: 'evil', pattern: '(a+)+$', keywords: ['aaaa'] }],
        allow: { regexes: ['(a+)+$', '^(x+x+)+y$'], regexTarget: 'line' },
      }),
    );
    write(repo, 'creds.ini', `${text}${EVIL_LINE} ${keyId}\n${EVIL_LINE}\n`);
    const { out: r, ms } = timed(() => bin(repo, ['scan', '--no-git', 'creds.ini', '--format', 'json']));
    expect(withoutConfigNote(r.stderr)).toBe('');
    expect(r.status).toBe(1);
    expect(ms).toBeLessThan(15_000);
  });

  it('refuses a rule with lookahead or a backreference: one line, exit 2', () => {
    for (const pattern of ['acme_(?=[a-z])([a-z0-9]{12})', '(a)\\1']) {
      const repo = tempRepo();
      write(repo, '.keyfence.json', json({ rules: [{ id: 'acme', description: 'ACME', pattern }] }));
      write(repo, 'a.txt', 'nothing\n');
      const r = bin(repo, ['scan', '--no-git', 'a.txt']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^keyfence: \.keyfence\.json: rules\[0\]\.pattern: uses (lookahead|a backreference) .*linear time\n$/);
    }
  });
});

describe('.gitallowed and git-secrets patterns', () => {
  // On V8 each of these takes minutes to ages on EVIL_LINE; on RE2 they take milliseconds.
  it('a catastrophic .gitallowed or secrets.allowed pattern runs in linear time', { timeout: 30_000 }, () => {
    for (const where of ['.gitallowed', 'secrets.allowed']) {
      const repo = tempRepo();
      const { keyId } = secretFile();
      if (where === '.gitallowed') write(repo, '.gitallowed', '# allowed\n(a+)+$\n(a|aa)*b$\n');
      else for (const p of ['(a+)+$', '(a|aa)*b$']) git(repo, 'config', '--add', 'secrets.allowed', p);
      write(repo, 'big.txt', `${keyId} ${EVIL_LINE}\n`);
      git(repo, 'add', '.');
      const { out: r, ms } = timed(() => bin(repo, ['scan', '.', '--format', 'json']));
      expect(r.stderr, where).toBe('');
      expect(r.status, where).toBe(1);
      expect(ms, where).toBeLessThan(10_000);
    }
  });

  it('a catastrophic secrets.patterns entry runs in linear time in keyfence scan', { timeout: 30_000 }, () => {
    const repo = tempRepo();
    git(repo, 'config', '--add', 'secrets.patterns', '([a-z]+)*=');
    write(repo, 'big.txt', `${'a'.repeat(50_000)}\nkey${'='}\n`);
    git(repo, 'add', '.');
    const { out: r, ms } = timed(() => bin(repo, ['scan', '.', '--format', 'json']));
    expect(withoutConfigNote(r.stderr)).toBe('');
    expect(r.status).toBe(1);
    expect((JSON.parse(r.stdout) as { findings: { line: number }[] }).findings.map((f) => f.line)).toEqual([2]);
    expect(ms).toBeLessThan(10_000);
  });

  it('a pattern with a backreference runs on V8, so nested repetition there is one error, exit 2', () => {
    const repo = tempRepo();
    git(repo, 'config', '--add', 'secrets.patterns', '(a+)+\\1');
    write(repo, 'a.txt', 'x\n');
    git(repo, 'add', '.');
    const r = bin(repo, ['scan', '.']);
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/Nested repetition/);
    const allowed = tempRepo();
    write(allowed, '.gitallowed', 'ok\n(a|b)*\\1\n');
    write(allowed, 'a.txt', 'x\n');
    git(allowed, 'add', '.');
    const g = bin(allowed, ['scan', '.']);
    expect(g.status).toBe(2);
    expect(g.stderr).toMatch(/^keyfence: \.gitallowed:2: .*Nested repetition.*\n$/);
    git(allowed, 'config', '--add', 'secrets.allowed', '(x+)*\\1');
    write(allowed, '.gitallowed', 'ok\n');
    const a = bin(allowed, ['scan', '.']);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/^keyfence: git config secrets\.allowed pattern 1: Nested repetition[^\n]*\n$/);
    // Allowed patterns are compiled only when a finding needs them, but checked at once: a bad
    // one still stops a clean commit with one line.
    git(allowed, 'config', '--unset-all', 'secrets.allowed');
    git(allowed, 'config', '--add', 'secrets.allowed', 'AKIA[');
    const u = bin(allowed, ['scan', '--staged']);
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/^keyfence: git config secrets\.allowed pattern 1: Unmatched \[[^\n]*\n$/);
  });
});

describe('LinearRegExp', () => {
  it('behaves like a global RegExp with indices for the detector', () => {
    const re = new LinearRegExp('k=(\\w+)(x)?', 'gd');
    const text = 'é k=ab k=cd';
    const m1 = re.exec(text)!;
    expect([m1.index, m1[0], m1[1], m1[2], m1.indices?.[1]]).toEqual([2, 'k=ab', 'ab', undefined, [4, 6]]);
    const m2 = re.exec(text)!;
    expect([m2.index, m2[1]]).toEqual([7, 'cd']);
    expect(re.exec(text)).toBeNull();
    expect(re.lastIndex).toBe(0);
  });
});
