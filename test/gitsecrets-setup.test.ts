import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { gitSecretsAllowStage, gitSecretsRuleSpecs } from '../src/gitsecrets/setup.js';
import { AWS_PATTERNS } from '../src/gitsecrets/usage.js';
import { fakeKeyId } from '../src/rules/examples.js';
import type { Finding } from '../src/types.js';
import { sandbox, type Sandbox } from './gitsecrets-helpers.js';

let s: Sandbox;
beforeEach(() => {
  s = sandbox();
});
afterEach(() => s.cleanup());

const write = (rel: string, text: string): void => {
  mkdirSync(path.dirname(path.join(s.dir, rel)), { recursive: true });
  writeFileSync(path.join(s.dir, rel), text);
};

interface JsonReport {
  findings: { ruleId: string; path: string; line: number }[];
  suppressed: { ruleId: string; path: string; suppressedBy: { stage: string; reason: string } }[];
}

async function scanJson(): Promise<{ exitCode: number; report: JsonReport }> {
  const r = await run(['scan', '--format', 'json'], { cwd: s.dir, env: s.env });
  expect(r.stderr).toBe('');
  return { exitCode: r.exitCode, report: JSON.parse(r.stdout) as JsonReport };
}

describe("keyfence scan honours a repository's git-secrets setup", () => {
  it("leaves out --register-aws's patterns: keyfence's AWS rules report each key once", async () => {
    for (const p of AWS_PATTERNS) s.git('config', '--add', 'secrets.patterns', p); // what --register-aws adds
    s.git('config', '--add', 'secrets.patterns', 'hunter[0-9]');
    write('app.env', `key = ${fakeKeyId()}\npassword = hunter2\n`);
    const { exitCode, report } = await scanJson();
    expect(exitCode).toBe(1);
    expect(report.findings.map((f) => `${f.ruleId}@${f.line}`)).toEqual(['aws-access-key-id@1', 'git-secrets-pattern-1@2']);
  });

  it('reports secrets.patterns matches as git-secrets-pattern-N (whole words, as grep -w)', async () => {
    s.git('config', '--add', 'secrets.patterns', 'ignored-first');
    s.git('config', '--add', 'secrets.patterns', 'password\\s*=\\s*[^ ]+');
    write('app.env', 'password = hunter2\nmypassword = nope\n');
    const { exitCode, report } = await scanJson();
    expect(exitCode).toBe(1);
    expect(report.findings.map((f) => [f.ruleId, f.path, f.line])).toEqual([['git-secrets-pattern-2', 'app.env', 1]]);
  });

  it('a literal secret registered as a pattern stays redacted: reports do not print the pattern', async () => {
    const key = fakeKeyId();
    s.git('config', '--add', 'secrets.patterns', key); // git secrets --add --literal <a leaked key>
    write('app.env', `old = ${key}\n`);
    for (const format of ['text', 'json', 'sarif', 'junit', 'csv', 'github', 'html']) {
      const r = await run(['scan', '--format', format], { cwd: s.dir, env: s.env });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toContain('git-secrets-pattern-1');
      expect(r.stdout + r.stderr).not.toContain(key);
    }
  });

  it('suppresses findings allowed by secrets.allowed or .gitallowed, with the reason', async () => {
    const [a, b, c] = [fakeKeyId(), fakeKeyId(), fakeKeyId()];
    write('docs/a.md', `${a}\n`);
    write('test/fixtures/k.txt', `${b}\n`);
    write('src/real.ts', `const k = "${c}";\n`);
    s.git('config', '--add', 'secrets.allowed', '^docs/');
    write('.gitallowed', '# fixtures hold fake keys\nfixtures/k\\.txt:1:\n');
    const { exitCode, report } = await scanJson();
    expect(exitCode).toBe(1);
    expect(report.findings.map((f) => f.path)).toEqual(['src/real.ts']);
    expect(report.suppressed.map((f) => [f.path, f.suppressedBy])).toEqual([
      ['docs/a.md', { stage: 'git-secrets-allowed', reason: 'secrets.allowed: ^docs/' }],
      ['test/fixtures/k.txt', { stage: 'gitallowed', reason: '.gitallowed:2: fixtures/k\\.txt:1:' }],
    ]);
  });

  it('changes nothing without a git-secrets setup, and with --no-git', async () => {
    write('a.txt', 'password = hunter2\n');
    expect((await scanJson()).exitCode).toBe(0);
    s.git('config', '--add', 'secrets.patterns', 'password');
    expect((await run(['scan', '--no-git'], { cwd: s.dir, env: s.env })).exitCode).toBe(0);
  });

  it('stops with one line for a pattern grep would reject', async () => {
    s.git('config', '--add', 'secrets.patterns', 'bad(');
    write('a.txt', 'x\n');
    const r = await run(['scan'], { cwd: s.dir, env: s.env });
    expect(r).toEqual({ exitCode: 2, stdout: '', stderr: 'keyfence: git-secrets pattern "bad(" (git config secrets.patterns): Unmatched ( or \\(\n' });
  });
});

describe('the setup factories', () => {
  it('numbers rule ids from 1 and keeps backreferences working', () => {
    const specs = gitSecretsRuleSpecs(['a', '(x)\\1']);
    expect(specs.map((r) => r.id)).toEqual(['git-secrets-pattern-1', 'git-secrets-pattern-2']);
    const re = new RegExp(specs[1]!.pattern);
    expect(re.exec('v xx')?.[1]).toBe('xx');
    expect(re.test('v xy')).toBe(false);
  });

  it('the allow stage tests path:line:text', () => {
    const stage = gitSecretsAllowStage(['^a/b\\.txt:3:'], 'secrets.allowed');
    const f = { path: 'a/b.txt', line: 3, lineText: 'k' } as Finding;
    expect(stage(f, { text: 'k', path: 'a/b.txt', startLine: 3 })).toEqual({ stage: 'git-secrets-allowed', reason: 'secrets.allowed: ^a/b\\.txt:3:' });
    expect(stage({ ...f, line: 4 }, { text: 'k', path: 'a/b.txt', startLine: 4 })).toBeNull();
  });

  it('matches the whole line, as git-secrets does, not the report excerpt cut around the secret', async () => {
    s.git('config', '--add', 'secrets.allowed', 'fixture-ok$');
    write('long.txt', `k = ${fakeKeyId()} ${'x'.repeat(400)} fixture-ok\n`);
    const { exitCode, report } = await scanJson();
    expect(exitCode).toBe(0);
    expect(report.suppressed.map((x) => x.suppressedBy.stage)).toEqual(['git-secrets-allowed']);
  });
});

describe('keyfence baseline sees the same git-secrets rules as keyfence scan', () => {
  it('a baselined git-secrets finding is not reported by scan --baseline', async () => {
    s.git('config', '--add', 'secrets.patterns', 'password\\s*=\\s*[^ ]+');
    write('app.env', 'password = hunter2\n');
    const b = await run(['baseline'], { cwd: s.dir, env: s.env });
    expect(b.exitCode).toBe(0);
    const r = await run(['scan', '--baseline', '.keyfence-baseline.json'], { cwd: s.dir, env: s.env });
    expect(r.exitCode).toBe(0);
    // At its default place the baseline applies without --baseline too (issue 10.7).
    expect((await run(['scan'], { cwd: s.dir, env: s.env })).exitCode).toBe(0);
    expect((await run(['baseline', '--output', 'other.json'], { cwd: s.dir, env: s.env })).exitCode).toBe(0);
  });
});
