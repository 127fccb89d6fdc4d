// Trust in range scans (what CI runs on a pull request): the range is judged by the
// configuration as of its base, and a change to that configuration inside the range is a
// finding of its own. Real git, the real binary.
import { describe, expect, it } from 'vitest';
import { bin, binScan, commit, git, secretFile, tempRepo, write } from './gitRepo.js';

describe('--history A..B reads the configuration as of A', () => {
  it('a pull request adding a key and an allow-everything config does not pass', () => {
    const repo = tempRepo();
    const fixture = secretFile();
    // The base allows one documented fixture key by .gitallowed.
    write(repo, '.gitallowed', `${fixture.keyId}\n`);
    write(repo, 'README', 'app\n');
    git(repo, 'add', '.');
    commit(repo, 'base');
    git(repo, 'checkout', '-q', '-b', 'feature');
    const leaked = secretFile();
    write(repo, 'deploy.env', leaked.text);
    write(repo, 'docs/fixture.ini', `aws_access_key_id = ${fixture.keyId}\n`);
    write(repo, '.gitallowed', `${fixture.keyId}\n.*\n`);
    write(repo, '.keyfence.json', JSON.stringify({ allow: { paths: ['**'] } }));
    git(repo, 'add', '.');
    commit(repo, 'add deploy config');

    const r = binScan(repo, '--history', 'main..feature');
    expect(r.status, r.stderr).toBe(1);
    const errors = r.result.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => [f.path, f.secret])).toEqual([
      ['deploy.env', leaked.keyId],
      ['deploy.env', leaked.secret],
    ]);
    // The base's .gitallowed still applies (the fixture key is allowed, by main's file).
    expect(r.result.suppressed.map((f) => [f.path, f.suppressedBy.reason])).toEqual([['docs/fixture.ini', expect.stringContaining('main:.gitallowed')]]);
    // The config changes are findings of their own, showing what they allow.
    const changes = r.result.findings.filter((f) => f.ruleId === 'config-change');
    expect(changes.map((f) => [f.path, f.severity])).toEqual([
      ['.gitallowed', 'warning'],
      ['.keyfence.json', 'warning'],
    ]);
    expect(changes[0]!.lineText).toContain('.*');
    expect(changes[1]!.lineText).toContain('"paths":["**"]');
    // The text report shows them too, and never the leaked secret in clear.
    const text = bin(repo, ['scan', '--history', 'main..feature']);
    expect(text.stdout).toContain('config-change');
    expect(text.stdout).not.toContain(leaked.secret);
  });

  it('A...B is judged by the merge base; a scan of all history reads the work tree', () => {
    const repo = tempRepo();
    write(repo, 'README', 'app\n');
    git(repo, 'add', '.');
    commit(repo, 'base');
    git(repo, 'checkout', '-q', '-b', 'feature');
    const leaked = secretFile();
    write(repo, 'deploy.env', leaked.text);
    write(repo, '.keyfence.json', JSON.stringify({ allow: { paths: ['*.env'] } }));
    git(repo, 'add', '.');
    commit(repo, 'add');
    const sym = binScan(repo, '--history', 'main...feature');
    expect(sym.result.findings.filter((f) => f.path === 'deploy.env').length).toBe(2);
    expect(sym.result.findings.some((f) => f.ruleId === 'config-change' && f.path === '.keyfence.json')).toBe(true);
    // Not a range: the checked-out config applies, as before.
    const all = binScan(repo, '--history');
    expect(all.result.findings.filter((f) => f.path === 'deploy.env')).toEqual([]);
  });
});

describe('--history A..B reads the default baseline as of A', () => {
  it("a baseline the range adds hides nothing; the base's baseline applies even where the work tree has none", () => {
    const repo = tempRepo();
    /** Writes files, commits them, then records every finding in the default baseline and commits that. */
    const commitAndRecord = (files: Record<string, string>) => {
      for (const [rel, text] of Object.entries(files)) write(repo, rel, text);
      git(repo, 'add', '.');
      commit(repo, 'files');
      expect(bin(repo, ['baseline']).status).toBe(0);
      git(repo, 'add', '.');
      commit(repo, 'baseline');
    };
    const fixture = secretFile();
    // The base records the documented fixture in the default baseline.
    commitAndRecord({ 'docs/fixture.ini': fixture.text });
    git(repo, 'checkout', '-q', '-b', 'feature');
    // The range touches the fixture (same secrets), adds a key and records it in the baseline.
    const leaked = secretFile();
    commitAndRecord({ 'docs/fixture.ini': `aws_access_key_id=${fixture.keyId}\naws_secret_access_key=${fixture.secret}\n`, 'deploy.env': leaked.text });

    const errorsOf = (r: ReturnType<typeof binScan>) => r.result.findings.filter((f) => f.severity === 'error').map((f) => [f.path, f.secret]);
    const r = binScan(repo, '--history', 'main..feature');
    expect(r.status, r.stderr).toBe(1);
    expect(errorsOf(r)).toEqual([
      ['deploy.env', leaked.keyId],
      ['deploy.env', leaked.secret],
    ]);
    expect(r.result.suppressed.map((f) => [f.path, f.suppressedBy.reason])).toEqual([
      ['docs/fixture.ini', expect.stringContaining('main:.keyfence-baseline.json')],
      ['docs/fixture.ini', expect.stringContaining('main:.keyfence-baseline.json')],
    ]);
    expect(r.result.findings.some((f) => f.ruleId === 'config-change' && f.path === '.keyfence-baseline.json')).toBe(true);

    // gitleaks' ignore file is configuration too: a range adding fingerprints to it is shown.
    write(repo, '.gitleaksignore', `deploy.env:aws-access-key-id:1\n`);
    git(repo, 'add', '.');
    commit(repo, 'ignore it, gitleaks style');
    const ignored = binScan(repo, '--history', 'main..feature');
    expect(ignored.result.findings.filter((f) => f.ruleId === 'config-change').map((f) => [f.path, f.lineText])).toContainEqual([
      '.gitleaksignore',
      'adds: deploy.env:aws-access-key-id:1',
    ]);
    expect(errorsOf(ignored)).toEqual(errorsOf(r));

    // The range deletes the baseline: the base's still judges it (the work tree is not asked).
    git(repo, 'rm', '-q', '.keyfence-baseline.json');
    commit(repo, 'drop the baseline');
    const gone = binScan(repo, '--history', 'main..feature');
    expect(errorsOf(gone)).toEqual(errorsOf(r));
    expect(gone.result.suppressed.map((f) => f.suppressedBy.reason)).toEqual([
      expect.stringContaining('main:.keyfence-baseline.json'),
      expect.stringContaining('main:.keyfence-baseline.json'),
    ]);
  });
});

describe('--no-git audits', () => {
  it('say which configuration was applied and what it turns off', () => {
    const dir = tempRepo();
    write(dir, '.keyfence.json', JSON.stringify({ disabledRules: ['aws-secret-access-key'], allow: { paths: ['vendor/**'] } }));
    write(dir, '.gitallowed', 'EXAMPLE\n');
    write(dir, 'a.txt', 'hello\n');
    const r = bin(dir, ['scan', '--no-git', '.']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      'configuration applied: .keyfence.json, which turns off rules "aws-secret-access-key"; findings in paths "vendor/**"; also applied: .gitallowed',
    );
    const none = bin(tempRepo(), ['scan', '--no-git', '.']);
    expect(none.stderr).toBe('');
  });
});
