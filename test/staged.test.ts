import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, cli, commit, git, gitTry, scanJson, secretFile, tempDir, tempRepo, write } from './gitRepo.js';

describe('keyfence scan --staged', () => {
  it('scans the very first commit of a repository (no HEAD yet), with staged line numbers', async () => {
    const repo = tempRepo();
    const s = secretFile();
    write(repo, 'creds.ini', s.text);
    git(repo, 'add', 'creds.ini');
    const { exitCode, findings } = await scanJson(repo, '--staged');
    expect(exitCode).toBe(1);
    expect(findings.map((f) => [f.path, f.line, f.ruleId, f.secret])).toEqual([
      ['creds.ini', 2, 'aws-access-key-id', s.keyId],
      ['creds.ini', 3, 'aws-secret-access-key', s.secret],
    ]);
  });

  it('reads the index, not the working tree: an unstaged secret passes, a staged then deleted one blocks', async () => {
    const repo = tempRepo();
    write(repo, 'app.cfg', 'name = app\n');
    git(repo, 'add', 'app.cfg');
    commit(repo, 'base');
    write(repo, 'app.cfg', `name = app\n${secretFile().text}`);
    write(repo, 'untracked.ini', secretFile().text);
    expect((await scanJson(repo, '--staged')).exitCode).toBe(0);

    git(repo, 'add', 'app.cfg');
    write(repo, 'app.cfg', 'name = app\n');
    const { exitCode, findings } = await scanJson(repo, '--staged');
    expect(exitCode).toBe(1);
    expect(findings.map((f) => `${f.path}:${f.line}`)).toEqual(['app.cfg:3', 'app.cfg:4']);
  });

  it('sees each staged file byte for byte as a tree scan of it does (no final newline, CRLF, Latin-1, lines that look like diff syntax)', async () => {
    const repo = tempRepo();
    const [a, b, c, d, e] = [secretFile(), secretFile(), secretFile(), secretFile(), secretFile()];
    const base: Record<string, Buffer> = {
      'nonl.ini': Buffer.from(`[default]\naws_access_key_id = ${a.keyId}\nmiddle\n`),
      'crlf.ini': Buffer.from(`[default]\r\naws_access_key_id = ${b.keyId}\r\n`),
      'latin1.cfg': Buffer.from(`caf\xe9 = 1\naws_access_key_id = ${c.keyId}\n`, 'latin1'),
      'diffish.txt': Buffer.from(`diff --git a/x b/x\n@@ -1 +1 @@\n\\ No newline at end of file\n+plus\n-minus\n\n aws_access_key_id = ${d.keyId}\n`),
    };
    for (const [name, bytes] of Object.entries(base)) write(repo, name, bytes);
    git(repo, 'add', '.');
    commit(repo, 'base');
    const staged: Record<string, Buffer> = {
      'nonl.ini': Buffer.concat([base['nonl.ini']!, Buffer.from(`aws_secret_access_key = ${a.secret}`)]),
      'crlf.ini': Buffer.concat([base['crlf.ini']!, Buffer.from(`\r\naws_secret_access_key = ${b.secret}\r\n`)]),
      'latin1.cfg': Buffer.concat([
        Buffer.from(`caf\xe9 = 2\n`, 'latin1'),
        base['latin1.cfg']!.subarray(9),
        Buffer.from(`aws_secret_access_key = ${c.secret}\n`),
      ]),
      'diffish.txt': Buffer.concat([base['diffish.txt']!, Buffer.from(`+++ b/y\n\\ x\naws_secret_access_key = ${d.secret}\n`)]),
      'new-utf8.txt': Buffer.from(`\u2713 \u00e9t\u00e9 aws_access_key_id = ${e.keyId}\n\n\u2713 aws_secret_access_key = ${e.secret}`),
    };
    for (const [name, bytes] of Object.entries(staged)) write(repo, name, bytes);
    git(repo, 'add', '.');
    const viaIndex = await scanJson(repo, '--staged');
    expect(viaIndex.exitCode).toBe(1);
    // The work tree holds the staged bytes: a tree scan reads them from disk.
    const viaFiles = await scanJson(repo, '--no-git', ...Object.keys(staged));
    const addedLines: Record<string, number[]> = {
      'nonl.ini': [4],
      'crlf.ini': [3, 4],
      'latin1.cfg': [1, 3],
      'diffish.txt': [8, 9, 10],
      'new-utf8.txt': [1, 2, 3],
    };
    const onAdded = viaFiles.findings.filter((f) => addedLines[f.path]?.includes(f.line));
    const shape = (fs: typeof onAdded) => fs.map((f) => JSON.stringify(f)).sort();
    expect(onAdded.map((f) => f.secret).sort()).toEqual([a.secret, b.secret, c.secret, d.secret, e.keyId, e.secret].sort());
    expect(shape(viaIndex.findings)).toEqual(shape(onAdded));
  });

  it('reports line numbers of the staged file when several separate lines are added', async () => {
    const repo = tempRepo();
    write(repo, 'a.txt', Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
    git(repo, 'add', '.');
    commit(repo, 'base');
    const k1 = secretFile();
    const k2 = secretFile();
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`);
    lines.splice(2, 0, `aws_access_key_id = ${k1.keyId}`);
    lines.splice(8, 1, `aws_secret_access_key = ${k2.secret}`);
    write(repo, 'a.txt', lines.join('\n') + '\n');
    git(repo, 'add', '.');
    const { findings } = await scanJson(repo, '--staged');
    expect(findings.map((f) => [f.line, f.secret])).toEqual([
      [3, k1.keyId],
      [9, k2.secret],
    ]);
  });

  it('passes a commit that only deletes a secret, and a pure rename of a file holding one', async () => {
    const repo = tempRepo();
    write(repo, 'old/creds.ini', secretFile().text);
    write(repo, 'keep.ini', `x = 1\n${secretFile().text}`);
    git(repo, 'add', '.');
    commit(repo, 'history already has these');
    mkdirSync(path.join(repo, 'new', 'place'), { recursive: true });
    git(repo, 'mv', 'old/creds.ini', 'new/place/creds.ini');
    expect((await scanJson(repo, '--staged')).exitCode).toBe(0);
    write(repo, 'keep.ini', 'x = 1\n');
    git(repo, 'add', 'keep.ini');
    expect((await scanJson(repo, '--staged')).exitCode).toBe(0);
    commit(repo, 'rename and delete lines');
    git(repo, 'rm', '-q', 'new/place/creds.ini');
    const r = await scanJson(repo, '--staged');
    expect(r.exitCode).toBe(0);
    expect(r.findings).toEqual([]);
  });

  it('reports paths with spaces, unicode and quotes exactly, relative to the repository root', async () => {
    const repo = tempRepo();
    const names = ['dir with space/my creds.ini', 'ünïcødé/客户 "q".env', 'quo"te\'s\\back.txt', 'tab\there.txt'];
    for (const n of names) write(repo, n, secretFile().text);
    git(repo, 'add', '.');
    write(repo, 'sub/dir/.keep', '');
    const { findings } = await scanJson(path.join(repo, 'sub', 'dir'), '--staged');
    expect([...new Set(findings.map((f) => f.path))].sort()).toEqual([...names].sort());
  });

  it("is not fooled by diff settings in the user's config (prefixes, relative paths, colors, external tools)", async () => {
    const repo = tempRepo();
    for (const [k, v] of [
      ['diff.noprefix', 'true'],
      ['diff.mnemonicPrefix', 'true'],
      ['diff.relative', 'true'],
      ['color.ui', 'always'],
      ['diff.external', 'false'],
      ['diff.renames', 'false'],
    ])
      git(repo, 'config', k!, v!);
    write(repo, 'deep/dir/creds.ini', secretFile().text);
    git(repo, 'add', '.');
    const { findings } = await scanJson(path.join(repo, 'deep'), '--staged');
    expect(findings.map((f) => `${f.path}:${f.line}`)).toEqual(['deep/dir/creds.ini:2', 'deep/dir/creds.ini:3']);
  });

  it('skips binary files instead of crashing on them', async () => {
    const repo = tempRepo();
    const s = secretFile();
    write(repo, 'blob.bin', Buffer.concat([Buffer.from([0, 1, 2, 0, 255]), Buffer.from(s.text)]));
    write(repo, 'ok.txt', 'hello\n');
    git(repo, 'add', '.');
    const { exitCode, result } = await scanJson(repo, '--staged');
    expect(exitCode).toBe(0);
    expect(result.stats.binarySkipped).toBe(1);
    expect(result.stats.filesScanned).toBe(1);
  });

  it('merges: only what the merge itself adds counts, not what it brings from the merged branch', async () => {
    const repo = tempRepo();
    write(repo, 'base.txt', 'base\n');
    git(repo, 'add', '.');
    commit(repo, 'base');
    git(repo, 'checkout', '-q', '-b', 'feature');
    write(repo, 'feature.ini', secretFile().text);
    write(repo, 'base.txt', 'base\nfeature line\n');
    git(repo, 'add', '.');
    commit(repo, 'feature with a key (already scanned on its branch)');
    git(repo, 'checkout', '-q', 'main');
    write(repo, 'main.txt', 'main\n');
    git(repo, 'add', '.');
    commit(repo, 'main moves on');
    gitTry(repo, ['merge', '--no-commit', '--no-ff', '-q', 'feature']);
    expect((await scanJson(repo, '--staged')).exitCode).toBe(0);

    // An "evil merge": a line the merge adds that neither parent has.
    const evil = secretFile();
    write(repo, 'base.txt', `base\nfeature line\naws_access_key_id = ${evil.keyId}\n`);
    git(repo, 'add', 'base.txt');
    const { exitCode, findings } = await scanJson(repo, '--staged');
    expect(exitCode).toBe(1);
    expect(findings.map((f) => [f.path, f.line, f.secret])).toEqual([['base.txt', 3, evil.keyId]]);
  });

  it('cherry-picks: what the picked commit adds blocks, a picked deletion passes', async () => {
    const repo = tempRepo();
    write(repo, 'base.txt', 'base\n');
    git(repo, 'add', '.');
    commit(repo, 'base');
    git(repo, 'checkout', '-q', '-b', 'other');
    const s = secretFile();
    write(repo, 'creds.ini', s.text);
    git(repo, 'add', '.');
    const adds = commit(repo, 'adds a key');
    git(repo, 'rm', '-q', 'creds.ini');
    const removes = commit(repo, 'removes it');
    git(repo, 'checkout', '-q', 'main');
    git(repo, 'cherry-pick', '-n', adds);
    const picked = await scanJson(repo, '--staged');
    expect(picked.exitCode).toBe(1);
    expect(picked.findings.map((f) => f.secret)).toEqual([s.keyId, s.secret]);
    commit(repo, 'picked (test setup)');
    git(repo, 'cherry-pick', '-n', removes);
    expect((await scanJson(repo, '--staged')).exitCode).toBe(0);
  });

  it('reports findings through the built bin (the hook path) with exit 1', () => {
    const repo = tempRepo();
    const s = secretFile();
    write(repo, 'creds.ini', s.text);
    git(repo, 'add', '.');
    const r = bin(repo, ['scan', '--staged', '--quiet']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^creds\.ini:2:\d+ {2}aws-access-key-id {2}/m);
    expect(r.stdout).toMatch(/^creds\.ini:3:\d+ {2}aws-secret-access-key {2}/m);
    expect(r.stdout).not.toContain(s.keyId);
    expect(r.stdout).not.toContain(s.secret);
  });

  it('outside a git repository: exit 2 with one line', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'x.txt'), 'x');
    const r = await cli(dir, 'scan', '--staged');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^keyfence: not a git repository[^\n]*\n$/);
  });

  it('when git is not installed: exit 2 with one line', () => {
    const repo = tempRepo();
    const empty = tempDir();
    const r = bin(repo, ['scan', '--staged'], { PATH: empty });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('keyfence: git is not installed (or not on PATH)\n');
  });

  it('--staged PATH… scans only the staged changes under those paths (relative to where it runs)', async () => {
    const repo = tempRepo();
    write(repo, 'src/app.env', secretFile().text);
    write(repo, 'other/b.env', secretFile().text);
    git(repo, 'add', '.');
    expect((await scanJson(repo, '--staged', 'src')).findings.map((f) => f.path)).toEqual(['src/app.env', 'src/app.env']);
    expect((await scanJson(path.join(repo, 'other'), '--staged', 'b.env')).findings.map((f) => f.path)).toEqual(['other/b.env', 'other/b.env']);
    expect((await scanJson(repo, '--staged', 'README.md')).exitCode).toBe(0);
  });

  it('refuses --staged with --history (exit 2)', async () => {
    const repo = tempRepo();
    const both = await cli(repo, 'scan', '--staged', '--history');
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toBe('keyfence: --staged and --history cannot be combined\n');
  });
});
