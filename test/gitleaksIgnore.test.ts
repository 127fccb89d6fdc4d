import { describe, expect, it } from 'vitest';
import { gitleaksIgnoreStage, parseGitleaksIgnore } from '../src/allow/gitleaksIgnore.js';
import { fakeKeyId } from '../src/rules/examples.js';
import type { Finding } from '../src/types.js';
import { bin, commit, git, tempRepo, write } from './gitRepo.js';

const finding = (extra: Partial<Finding>): Finding => ({
  ruleId: 'aws-access-key-id',
  description: '',
  path: 'config/prod.env',
  line: 12,
  endLine: 12,
  column: 1,
  endColumn: 21,
  secret: 'S',
  lineText: '',
  fingerprint: 'fp',
  severity: 'error',
  ...extra,
});
const C = 'a'.repeat(40);

describe('.gitleaksignore (gitleaks fingerprints)', () => {
  it('reads path:rule:line and commit:path:rule:line, maps gitleaks rule ids, skips comments and junk', () => {
    const entries = parseGitleaksIgnore(
      `# comment\n\nconfig/prod.env:aws-access-token:12\n${C}:src/a:b.ts:aws-amazon-bedrock-api-key-long-lived:3\r\nconfig/x:aws-secret-access-key:4\nnot a fingerprint\nx:generic-api-key:zero\n`,
    );
    expect(entries).toEqual([
      { entryLine: 3, path: 'config/prod.env', ruleId: 'aws-access-key-id', line: 12 },
      { entryLine: 4, commit: C, path: 'src/a:b.ts', ruleId: 'aws-bedrock-api-key', line: 3 },
      { entryLine: 5, path: 'config/x', ruleId: 'aws-secret-access-key', line: 4 },
    ]);
  });

  it('allows only the finding named: same path, rule and line, and the commit when one is given', () => {
    const stage = gitleaksIgnoreStage(parseGitleaksIgnore(`config/prod.env:aws-access-token:12\n${C}:h.env:aws-access-token:2\n`), '.gitleaksignore');
    const frag = { text: '', path: 'config/prod.env', startLine: 1 };
    expect(stage(finding({}), frag)).toEqual({ stage: 'gitleaksignore', reason: '.gitleaksignore:1' });
    expect(stage(finding({ commit: 'b'.repeat(40) }), frag)).toEqual({ stage: 'gitleaksignore', reason: '.gitleaksignore:1' });
    expect(stage(finding({ line: 13 }), frag)).toBeNull();
    expect(stage(finding({ ruleId: 'aws-secret-access-key' }), frag)).toBeNull();
    expect(stage(finding({ path: 'config/prod.env.bak' }), frag)).toBeNull();
    expect(stage(finding({ path: 'h.env', line: 2, commit: C }), frag)).toEqual({ stage: 'gitleaksignore', reason: '.gitleaksignore:2' });
    expect(stage(finding({ path: 'h.env', line: 2, commit: 'b'.repeat(40) }), frag)).toBeNull();
    expect(stage(finding({ path: 'h.env', line: 2 }), frag)).toBeNull();
  });

  it('keyfence scan honours .gitleaksignore at the repository root and gitleaks:allow comments', () => {
    const repo = tempRepo();
    const [a, b, c] = [fakeKeyId(), fakeKeyId(), fakeKeyId()];
    write(repo, 'conf/prod.env', `A=${a}\nB=${b} # gitleaks:allow\nC=${c}\n`);
    git(repo, 'add', '.');
    const sha = commit(repo, 'add');
    write(repo, '.gitleaksignore', 'conf/prod.env:aws-access-token:1\n');
    const tree = bin(repo, ['scan', '-f', 'json']);
    expect(tree.stderr).toBe('');
    const result = JSON.parse(tree.stdout) as { findings: Finding[]; suppressed: (Finding & { suppressedBy: { stage: string } })[] };
    expect(result.findings.map((f) => f.line)).toEqual([3]);
    expect(result.suppressed.map((f) => `${f.line} ${f.suppressedBy.stage}`)).toEqual(['1 gitleaksignore', '2 inline']);
    // History: a commit-scoped entry allows that commit's finding only.
    write(repo, '.gitleaksignore', `${sha}:conf/prod.env:aws-access-token:3\n`);
    const history = JSON.parse(bin(repo, ['scan', '--history', '-f', 'json']).stdout) as typeof result;
    expect(history.findings.map((f) => f.line)).toEqual([1]);
    expect(history.suppressed.map((f) => `${f.line} ${f.suppressedBy.stage}`)).toEqual(['2 inline', '3 gitleaksignore']);
  });
});
