import { describe, expect, it } from 'vitest';
import { bin, cli, commit, git, gitTry, scanJson, secretFile, tempDir, tempRepo, write } from './gitRepo.js';

const at = (iso: string) => ({ GIT_AUTHOR_DATE: iso, GIT_COMMITTER_DATE: iso });

describe('keyfence scan --history', () => {
  it('reports a secret once, at the commit that introduced it, with its commit metadata', async () => {
    const repo = tempRepo();
    const s = secretFile();
    write(repo, 'README.md', '# app\n');
    git(repo, 'add', '.');
    commit(repo, 'init', at('2026-01-01T10:00:00Z'));
    write(repo, 'conf/creds.ini', s.text);
    git(repo, 'add', '.');
    const introduced = commit(repo, 'Add credentials\n\nlong body line', at('2026-01-02T10:00:00Z'));
    // Later commits keep the secret; branches contain it; it is removed and added back.
    write(repo, 'conf/creds.ini', `${s.text}region = eu-west-1\n`);
    git(repo, 'add', '.');
    commit(repo, 'add region', at('2026-01-03T10:00:00Z'));
    git(repo, 'branch', 'b1');
    git(repo, 'branch', 'b2');
    git(repo, 'tag', 'v1');
    write(repo, 'conf/creds.ini', 'region = eu-west-1\n');
    git(repo, 'add', '.');
    commit(repo, 'remove the key', at('2026-01-04T10:00:00Z'));
    write(repo, 'conf/creds.ini', `region = eu-west-1\n${s.text}`);
    git(repo, 'add', '.');
    commit(repo, 'oops, again', at('2026-01-05T10:00:00Z'));

    const { exitCode, findings, result } = await scanJson(repo, '--history');
    expect(exitCode).toBe(1);
    expect(findings.map((f) => [f.ruleId, f.path, f.line, f.secret, f.commit])).toEqual([
      ['aws-access-key-id', 'conf/creds.ini', 2, s.keyId, introduced],
      ['aws-secret-access-key', 'conf/creds.ini', 3, s.secret, introduced],
    ]);
    expect(findings[0]).toMatchObject({ author: 'Ada Lovelace', email: 'ada@example.com', date: '2026-01-02T10:00:00+00:00', message: 'Add credentials' });
    expect(result.stats.commitsScanned).toBe(5);
  });

  // History fragments carry the reader's hint that nothing needs the terminal decoder: lines
  // with colour codes or a no-break space around "=" must still be read as a reader sees them.
  it('finds a secret key written with colour codes or a no-break space before its "="', async () => {
    const repo = tempRepo();
    const a = secretFile().secret;
    const b = secretFile().secret;
    write(repo, 'deploy.log', `aws_secret_access_key\x1b[0m=\x1b[32m${a}\naws_secret_access_key\u00a0= ${b}\n`);
    git(repo, 'add', '.');
    commit(repo, 'logs');
    const { findings } = await scanJson(repo, '--history');
    expect(findings.map((f) => [f.line, f.secret])).toEqual([
      [1, a],
      [2, b],
    ]);
  });

  it('scans commit messages too, and no report shows a secret from one in clear', async () => {
    const repo = tempRepo();
    const s = secretFile();
    write(repo, 'a.txt', 'a\n');
    git(repo, 'add', '.');
    const pasted = commit(repo, `rotate to ${s.keyId}`);
    const { exitCode, findings } = await scanJson(repo, '--history', '--no-redact');
    expect(exitCode).toBe(1);
    expect(findings.map((f) => [f.path, f.line, f.secret, f.commit])).toEqual([['(commit message)', 1, s.keyId, pasted]]);
    for (const format of ['text', 'json', 'sarif', 'csv', 'github', 'junit', 'html']) {
      const r = await cli(repo, 'scan', '--history', '--format', format);
      expect(r.exitCode, format).toBe(1);
      expect(r.stdout, format).not.toContain(s.keyId);
    }
  });

  it('shares fingerprints with a tree scan, so one baseline covers both', async () => {
    const repo = tempRepo();
    write(repo, 'creds.ini', secretFile().text);
    git(repo, 'add', '.');
    commit(repo, 'add');
    const history = await scanJson(repo, '--history');
    const tree = await scanJson(repo);
    expect(history.findings.map((f) => f.fingerprint).sort()).toEqual(tree.findings.map((f) => f.fingerprint).sort());
    expect(history.findings).toHaveLength(2);
  });

  it('walks every ref by default, a RANGE or --branch when given', async () => {
    const repo = tempRepo();
    write(repo, 'a.txt', 'a\n');
    git(repo, 'add', '.');
    commit(repo, 'base');
    const onMain = secretFile();
    write(repo, 'main.ini', onMain.text);
    git(repo, 'add', '.');
    commit(repo, 'main key');
    git(repo, 'checkout', '-q', '-b', 'feature', 'HEAD~1');
    const onFeature = secretFile();
    write(repo, 'feature.ini', onFeature.text);
    git(repo, 'add', '.');
    commit(repo, 'feature key');
    git(repo, 'checkout', '-q', 'main');

    const keys = async (...argv: string[]) =>
      (await scanJson(repo, ...argv)).findings
        .filter((f) => f.ruleId === 'aws-access-key-id')
        .map((f) => f.secret)
        .sort();
    expect(await keys('--history')).toEqual([onMain.keyId, onFeature.keyId].sort());
    expect(await keys('--history', 'main..feature')).toEqual([onFeature.keyId]);
    expect(await keys('--history', '--branch', 'main')).toEqual([onMain.keyId]);
    const range = await scanJson(repo, '--history', 'main..feature');
    expect(range.result.stats.commitsScanned).toBe(1);
  });

  it('passes --since and --until to git', async () => {
    const repo = tempRepo();
    const old = secretFile();
    write(repo, 'old.ini', old.text);
    git(repo, 'add', '.');
    commit(repo, 'old', at('2025-06-01T00:00:00Z'));
    const recent = secretFile();
    write(repo, 'new.ini', recent.text);
    git(repo, 'add', '.');
    commit(repo, 'new', at('2026-03-01T00:00:00Z'));
    const ids = async (...argv: string[]) =>
      (await scanJson(repo, '--history', ...argv)).findings.filter((f) => f.ruleId === 'aws-access-key-id').map((f) => f.secret);
    expect(await ids('--since', '2026-01-01')).toEqual([recent.keyId]);
    expect(await ids('--until', '2026-01-01')).toEqual([old.keyId]);
  });

  it('does not report a merged secret again at the merge commit; pure renames add nothing', async () => {
    const repo = tempRepo();
    write(repo, 'a.txt', 'a\n');
    git(repo, 'add', '.');
    commit(repo, 'base');
    git(repo, 'checkout', '-q', '-b', 'feature');
    write(repo, 'creds.ini', secretFile().text);
    git(repo, 'add', '.');
    const introduced = commit(repo, 'feature key');
    git(repo, 'checkout', '-q', 'main');
    write(repo, 'b.txt', 'b\n');
    git(repo, 'add', '.');
    commit(repo, 'main work');
    git(repo, 'merge', '-q', '--no-ff', '-m', 'merge feature', 'feature');
    git(repo, 'mv', 'creds.ini', 'moved.ini');
    commit(repo, 'rename');
    const { findings, result } = await scanJson(repo, '--history');
    expect(findings.map((f) => [f.path, f.commit])).toEqual([
      ['creds.ini', introduced],
      ['creds.ini', introduced],
    ]);
    expect(result.stats.commitsScanned).toBe(5);
  });

  it('reports a line only a merge commit adds (an "evil merge" conflict resolution) at that merge', async () => {
    const repo = tempRepo();
    write(repo, 'f.txt', 'a\nb\nc\n');
    git(repo, 'add', '.');
    commit(repo, 'base');
    git(repo, 'checkout', '-q', '-b', 'side');
    write(repo, 'f.txt', 'a\nb side\nc\n');
    git(repo, 'add', '.');
    commit(repo, 'side change');
    git(repo, 'checkout', '-q', 'main');
    write(repo, 'f.txt', 'a\nb\nc main\n');
    git(repo, 'add', '.');
    commit(repo, 'main change');
    gitTry(repo, ['merge', '-q', 'side']); // conflicts
    const s = secretFile();
    write(repo, 'f.txt', `a\nb side\naws_access_key_id = ${s.keyId}\nc main\n`);
    git(repo, 'add', '.');
    const merge = commit(repo, 'Merge side');
    const { findings } = await scanJson(repo, '--history');
    expect(findings.map((f) => [f.path, f.line, f.secret, f.commit, f.message])).toEqual([['f.txt', 3, s.keyId, merge, 'Merge side']]);
  });

  it('parses added lines that look like diff headers, and exact paths with spaces, quotes and unicode', async () => {
    const repo = tempRepo();
    const s = secretFile();
    const name = 'wéird "dir"/my file.txt';
    write(repo, name, `++ b/not-a-file\ndiff --git a/x b/x\n@@ -1 +1 @@\n${s.text}`);
    git(repo, 'add', '.');
    commit(repo, 'tricky');
    const { findings } = await scanJson(repo, '--history');
    expect(findings.map((f) => [f.path, f.line])).toEqual([
      [name, 5],
      [name, 6],
    ]);
  });

  it('skips binary files in history', async () => {
    const repo = tempRepo();
    write(repo, 'blob.bin', Buffer.concat([Buffer.from([0, 0, 1]), Buffer.from(secretFile().text)]));
    git(repo, 'add', '.');
    commit(repo, 'binary');
    const { exitCode, result } = await scanJson(repo, '--history');
    expect(exitCode).toBe(0);
    expect(result.stats.binarySkipped).toBe(1);
  });

  it('an unknown revision, or no repository: exit 2 with one line', async () => {
    const repo = tempRepo();
    write(repo, 'a.txt', 'a\n');
    git(repo, 'add', '.');
    commit(repo, 'base');
    const bad = await cli(repo, 'scan', '--history', 'nope..main');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^keyfence: git log: .*nope[^\n]*\n$/);
    const opt = await cli(repo, 'scan', '--history=--output=/tmp/x');
    expect(opt).toMatchObject({ exitCode: 2, stderr: 'keyfence: not a revision: --output=/tmp/x\n' });
    const outside = await cli(tempDir(), 'scan', '--history');
    expect(outside.exitCode).toBe(2);
    expect(outside.stderr).toMatch(/^keyfence: git log: not a git repository[^\n]*\n$/);
  });

  it('when git is not installed: exit 2 with one line', () => {
    const r = bin(tempRepo(), ['scan', '--history'], { PATH: tempDir() });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('keyfence: git is not installed (or not on PATH)\n');
  });

  it('a push with nothing to scan (a branch deletion) still reports as a history scan: 0 commits', async () => {
    const r = await cli(tempRepo(), 'scan', '--pre-push', 'origin');
    expect(r).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^keyfence: no findings in 0 commits, 0 files /) });
  });

  it('one commit is "1 commit", one file "1 file", in the summary and in a clean JUnit report', async () => {
    const repo = tempRepo();
    write(repo, 'README.md', '# app\n');
    git(repo, 'add', '.');
    commit(repo, 'init');
    const text = await cli(repo, 'scan', '--history');
    expect(text).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^keyfence: no findings in 1 commit, 1 file \(/) });
    const junit = await cli(repo, 'scan', '--history', '--format', 'junit');
    expect(junit.stdout).toMatch(/name="no secrets found \(1 commit, 1 file, /);
  });

  it('--since without --history is a usage error', async () => {
    const r = await cli(tempRepo(), 'scan', '--since', '2026-01-01');
    expect(r).toMatchObject({ exitCode: 2, stderr: 'keyfence: --since only applies to --history\n' });
  });
});
