import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import { shardRange } from '../src/shard/shardSpec.js';
import type { Finding, ScanResult } from '../src/types.js';
import { sarifErrors } from './helpers/sarifSchema.js';
import { cli, commit, git, gitTry, tempDir, tempRepo, write } from './gitRepo.js';

// Sharded scans (`scan --shard K/N`) merged with `keyfence merge` give exactly what one
// unsharded scan gives, on generated repositories with merges, cherry-picks, the same secret on
// several branches, renames and suppressions; bad shard sets are refused; --since-state audits
// scan only what is new, and a rewritten ref in full. Every secret is made at run time.

const pair = () => `aws_access_key_id = ${fakeKeyId()}\naws_secret_access_key = ${fakeSecretKey()}\n`;

/** A history with branches, merges (one evil), cherry-picks, renames, repeated and allowed secrets. */
function historyRepo(): string {
  const repo = tempRepo();
  const shared = `shared_key = ${fakeKeyId()}\n`;
  const allowed = fakeKeyId();
  write(repo, 'README.md', 'hello\n');
  commit(repo, 'initial');
  for (let i = 0; i < 12; i++) {
    write(repo, `src/f${i % 4}.txt`, `line ${i}\n${i % 5 === 0 ? pair() : ''}`);
    git(repo, 'add', '-A');
    commit(repo, `main ${i}`);
  }
  git(repo, 'checkout', '-q', '-b', 'feature', 'HEAD~6');
  write(repo, 'shared.env', shared); // the same secret, same path, on two branches
  git(repo, 'add', '-A');
  commit(repo, 'feature: shared');
  write(repo, 'pick.env', pair());
  git(repo, 'add', '-A');
  const picked = commit(repo, 'feature: to cherry-pick');
  write(repo, 'allowed.txt', `key = ${allowed} // keyfence:allow\n`);
  git(repo, 'add', '-A');
  commit(repo, 'feature: allowed secret');
  git(repo, 'mv', 'pick.env', 'moved.env'); // a pure rename adds nothing
  commit(repo, 'feature: rename');
  git(repo, 'checkout', '-q', 'main');
  write(repo, 'shared.env', shared);
  git(repo, 'add', '-A');
  commit(repo, 'main: shared too');
  git(repo, 'cherry-pick', picked);
  write(repo, 'allowed.txt', `key = ${allowed}\n`); // the allowed secret, unallowed on main
  git(repo, 'add', '-A');
  commit(repo, 'main: allowed secret without the comment');
  gitTry(repo, ['merge', '-q', '--no-ff', '--no-commit', 'feature']);
  write(repo, 'allowed.txt', `key = ${allowed}\nevil = ${fakeKeyId()}\n`); // the resolution adds a secret
  git(repo, 'add', '-A');
  commit(repo, 'merge feature');
  git(repo, 'checkout', '-q', '-b', 'side', 'HEAD~3');
  for (let i = 0; i < 6; i++) {
    write(repo, `side/s${i}.txt`, i % 2 ? pair() : `text ${i}\n`);
    git(repo, 'add', '-A');
    commit(repo, `side ${i}`);
  }
  git(repo, 'mv', 'side/s1.txt', 'side/renamed.txt');
  write(repo, 'side/renamed.txt', `${readFileSync(path.join(repo, 'side/renamed.txt'), 'utf8')}${pair()}`);
  git(repo, 'add', '-A');
  commit(repo, 'side: rename with an edit');
  git(repo, 'checkout', '-q', 'main');
  return repo;
}

/** A work tree of many files, some with secrets, one allowed, one secret repeated in several files. */
function treeRepo(): string {
  const repo = tempRepo();
  const repeated = `k = ${fakeKeyId()}\n`;
  for (let i = 0; i < 40; i++) write(repo, `dir${i % 5}/file${i}.txt`, i % 3 === 0 ? pair() : i % 7 === 0 ? repeated : `nothing ${i}\n`);
  write(repo, 'allowed.txt', `key = ${fakeKeyId()} // keyfence:allow\n`);
  git(repo, 'add', '-A');
  commit(repo, 'tree');
  write(repo, 'untracked.env', pair()); // what git would commit: untracked files too
  return repo;
}

const reports = tempDir('keyfence-shards-');
let seq = 0;

/** Runs every shard of `--shard K/n` (plus `extra`), returns the report files. */
async function shards(repo: string, n: number, ...extra: string[]): Promise<string[]> {
  const files: string[] = [];
  for (let k = 1; k <= n; k++) {
    const file = path.join(reports, `r${seq++}-${k}of${n}.json`);
    const r = await cli(repo, 'scan', ...extra, '--shard', `${k}/${n}`, '--format', 'json', '--output', file);
    expect(r.exitCode, r.stderr).toBeLessThan(2);
    files.push(file);
  }
  return files;
}

async function merged(files: string[], ...extra: string[]): Promise<{ exitCode: number; stderr: string; stdout: string }> {
  return cli(reports, 'merge', ...files, ...extra);
}

const json = (s: string) => JSON.parse(s) as ScanResult;
const commitsOf = (fs: Finding[]) => new Set(fs.map((f) => f.commit));

describe('scan --shard K/N then keyfence merge', () => {
  const history = historyRepo();
  const tree = treeRepo();

  it('history: for N = 1..5 the merge equals the unsharded scan, finding for finding', async () => {
    const whole = await cli(history, 'scan', '--history', '--format', 'json');
    expect(whole.exitCode).toBe(1);
    const expected = json(whole.stdout);
    // The fixture exercises what the merge must get right: a secret kept at its oldest of
    // several commits, suppressions, findings from many commits.
    expect(expected.findings.length).toBeGreaterThan(8);
    expect(expected.suppressed.length).toBeGreaterThan(0);
    expect(commitsOf(expected.findings).size).toBeGreaterThan(5);
    for (let n = 1; n <= 5; n++) {
      const files = await shards(history, n, '--history');
      const parts = files.map((f) => json(readFileSync(f, 'utf8')));
      // Every commit is in exactly one shard: git only showed each shard its own commits.
      expect(parts.reduce((s, p) => s + p.stats.commitsScanned!, 0)).toBe(expected.stats.commitsScanned);
      if (n > 1) for (const p of parts) expect(p.stats.commitsScanned!).toBeLessThan(expected.stats.commitsScanned!);
      const m = await merged(files, '--format', 'json');
      expect(m.exitCode, m.stderr).toBe(1);
      const got = json(m.stdout);
      expect(got.findings, `N=${n}`).toEqual(expected.findings);
      expect(got.suppressed, `N=${n}`).toEqual(expected.suppressed);
      for (const k of ['filesScanned', 'bytesScanned', 'binarySkipped', 'commitsScanned'] as const) expect(got.stats[k], k).toBe(expected.stats[k]);
    }
  });

  it('history: a secret on several branches is reported once, at its oldest commit, whichever shard has it', async () => {
    const whole = json((await cli(history, 'scan', '--history', '--format', 'json')).stdout);
    const shared = whole.findings.filter((f) => f.path === 'shared.env');
    expect(shared).toHaveLength(1);
    // Two sibling commits add it; the oldest is the later of the two in the scan's order, a
    // plain `git rev-list --topo-order --all` (a commit always after its descendants).
    const order = git(history, 'rev-list', '--topo-order', '--all').trim().split('\n');
    const subjects = new Map(
      git(history, 'log', '--all', '--format=%H %s')
        .trim()
        .split('\n')
        .map((l) => [l.slice(41), l.slice(0, 40)]),
    );
    const adders = [subjects.get('feature: shared')!, subjects.get('main: shared too')!];
    expect(shared[0]!.commit).toBe(adders.sort((a, b) => order.indexOf(a) - order.indexOf(b)).at(-1));
    // An N that puts the two commits adding it in different shards: each shard reports it.
    const shardOf = (id: string, n: number) => [...Array(n).keys()].find((k) => order.indexOf(id) < shardRange(order.length, { index: k + 1, count: n })[1])!;
    const n = [2, 3, 4, 5].find((k) => shardOf(adders[0]!, k) !== shardOf(adders[1]!, k))!;
    const files = await shards(history, n, '--history');
    const perShard = files.map((f) => json(readFileSync(f, 'utf8')).findings.filter((x) => x.path === 'shared.env'));
    expect(
      perShard
        .flat()
        .map((f) => f.commit)
        .sort(),
    ).toEqual([...adders].sort());
    const got = json((await merged(files, '--format', 'json')).stdout);
    expect(got.findings.filter((f) => f.path === 'shared.env')).toEqual(shared);
  });

  it('tree: for N = 1..5 the merge equals the unsharded scan', async () => {
    const expected = json((await cli(tree, 'scan', '--format', 'json')).stdout);
    expect(expected.findings.length).toBeGreaterThan(10);
    expect(expected.suppressed).toHaveLength(1);
    for (let n = 1; n <= 5; n++) {
      const files = await shards(tree, n);
      const parts = files.map((f) => json(readFileSync(f, 'utf8')));
      if (n > 1) for (const p of parts) expect(p.stats.filesScanned).toBeLessThan(expected.stats.filesScanned);
      const got = json((await merged(files, '--format', 'json')).stdout);
      expect(got.findings, `N=${n}`).toEqual(expected.findings);
      expect(got.suppressed, `N=${n}`).toEqual(expected.suppressed);
      expect(got.stats.filesScanned).toBe(expected.stats.filesScanned);
      expect(got.stats.bytesScanned).toBe(expected.stats.bytesScanned);
    }
    // Outside git's listing too (a file system walk, in whatever order it finds files).
    const walked = json((await cli(tree, 'scan', '--no-git', '--format', 'json')).stdout);
    const got = json((await merged(await shards(tree, 3, '--no-git'), '--format', 'json')).stdout);
    expect(got.findings).toEqual(walked.findings);
    expect(got.stats.filesScanned).toBe(walked.stats.filesScanned);
  });

  it('the same split on every machine: a shard of a clone holds the same commits', async () => {
    const clone = tempDir('keyfence-clone-');
    git(clone, 'clone', '-q', '--mirror', history, '.');
    const a = json(readFileSync((await shards(history, 3, '--history'))[1]!, 'utf8'));
    const b = json(readFileSync((await shards(clone, 3, '--history'))[1]!, 'utf8'));
    expect(b.shard!.digest).toBe(a.shard!.digest);
    expect(b.findings.map((f) => f.commit)).toEqual(a.findings.map((f) => f.commit));
  });

  it('merged SARIF validates against SARIF 2.1.0 and keeps the rules that ran', async () => {
    const m = await merged(await shards(history, 3, '--history'), '--format', 'sarif');
    const log = JSON.parse(m.stdout);
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0].results.length).toBeGreaterThan(8);
    const whole = JSON.parse((await cli(history, 'scan', '--history', '--format', 'sarif')).stdout);
    expect(log.runs[0].tool.driver.rules).toEqual(whole.runs[0].tool.driver.rules);
    expect(log.runs[0].results).toEqual(whole.runs[0].results);
  });

  it('reports of several repositories merge: each finding names its repository, the HTML page groups by it', async () => {
    const files = [...(await shards(history, 2, '--history', '--repository', 'acme/history')), ...(await shards(tree, 1, '--repository', 'acme/tree'))];
    const got = json((await merged(files, '--format', 'json')).stdout);
    const repos = got.findings.map((f) => f.repository);
    expect(new Set(repos)).toEqual(new Set(['acme/history', 'acme/tree']));
    expect(repos).toEqual([...repos].sort()); // grouped
    const text = (await merged(files)).stdout;
    expect(text).toContain('repository acme/history');
    expect(text).toContain('repository acme/tree');
    const sarif = JSON.parse((await merged(files, '--format', 'sarif')).stdout);
    expect(sarifErrors(sarif)).toEqual([]);
    expect(new Set(sarif.runs[0].results.map((r: { properties: { repository: string } }) => r.properties.repository))).toEqual(
      new Set(['acme/history', 'acme/tree']),
    );
    const alone = json((await cli(tree, 'scan', '--format', 'json')).stdout);
    expect(got.findings.filter((f) => f.repository === 'acme/tree').map(({ repository: _r, ...f }) => f)).toEqual(alone.findings);
    const out = path.join(reports, 'page.html');
    const m = await merged(files, '--format', 'html', '-o', out);
    expect(m.exitCode).toBe(1);
    expect(m.stderr).toMatch(/merged 3 shard reports/);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<table id="repo-counts"');
    expect(html).toMatch(/<td>acme\/history<\/td><td class="num">\d+<\/td>/);
    expect(html).toContain('Findings by repository');
    const clear = json((await cli(tree, 'scan', '--format', 'json', '--no-redact')).stdout).findings;
    for (const f of clear) expect(html).not.toContain(f.secret); // as redacted as the shards were
  });

  describe('bad input: one line naming the file, exit 2, no report', () => {
    const expectRefused = (r: { exitCode: number; stdout: string; stderr: string }, re: RegExp) => {
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    };
    const edit = (file: string, change: (d: { shard?: Record<string, unknown> }) => void) => {
      const d = JSON.parse(readFileSync(file, 'utf8'));
      change(d);
      const out = file.replace(/\.json$/, `-edited${seq++}.json`);
      writeFileSync(out, JSON.stringify(d));
      return out;
    };
    it('a truncated report', async () => {
      const files = await shards(history, 2, '--history');
      const cut = path.join(reports, 'cut.json');
      writeFileSync(cut, readFileSync(files[1]!, 'utf8').slice(0, 500));
      expectRefused(await merged([files[0]!, cut]), /cut\.json: not a complete JSON report/);
    });
    it('a missing shard, a duplicate shard, shards of different N', async () => {
      const files = await shards(history, 3, '--history');
      expectRefused(await merged([files[0]!, files[2]!]), /missing shard 2\/3 of .* have .*1of3\.json/);
      expectRefused(await merged([files[0]!, files[1]!, files[1]!, files[2]!]), new RegExp(`${path.basename(files[1]!)}: duplicate shard 2/3`));
      const other = await shards(history, 2, '--history');
      expectRefused(await merged([...files, other[0]!]), /1of2\.json: shard 1\/2, but .* is 1\/3/);
    });
    it('different keyfence versions, rule sets, histories; a report made without --shard', async () => {
      const files = await shards(history, 2, '--history');
      expectRefused(await merged([files[0]!, edit(files[1]!, (d) => (d.shard!.keyfenceVersion = '9.9.9'))]), /edited\d+\.json: made by keyfence 9\.9\.9/);
      expectRefused(await merged([files[0]!, edit(files[1]!, (d) => (d.shard!.rulesHash = 'x'))]), /edited\d+\.json: scanned with a different rule set/);
      expectRefused(await merged([files[0]!, edit(files[1]!, (d) => (d.shard!.digest = 'x'))]), /edited\d+\.json: split different commits/);
      expectRefused(await merged([files[0]!, edit(files[1]!, (d) => delete d.shard)]), /edited\d+\.json: not a shard report/);
      expectRefused(await merged([files[0]!, path.join(reports, 'nope.json')]), /nope\.json: cannot read/);
    });
    it('a config with its own rule makes a different rule set', async () => {
      const files = await shards(history, 2, '--history');
      const cfg = path.join(reports, 'extra-rule.json');
      writeFileSync(cfg, JSON.stringify({ rules: [{ id: 'acme-token', description: 'Acme token', pattern: 'acme_[a-z0-9]{20}', keywords: ['acme_'] }] }));
      const changed = await shards(history, 2, '--history', '--config', cfg);
      expectRefused(await merged([files[0]!, changed[1]!]), /2of2\.json: scanned with a different rule set/);
    });
    it('--shard must be K/N with 1 <= K <= N', async () => {
      for (const bad of ['0/3', '4/3', '3', 'a/b']) {
        const r = await cli(history, 'scan', '--history', '--shard', bad);
        expect(r.exitCode).toBe(2);
        expect(r.stderr).toMatch(/--shard/);
      }
      expect((await cli(history, 'scan', '--staged', '--shard', '1/2')).stderr).toMatch(/apply to --history and tree scans/);
      // A baseline records every finding: a shard's share of them would hide nothing it should.
      expect((await cli(history, 'baseline', '--history', '--shard', '1/2')).exitCode).toBe(2);
    });
  });
});

describe('scan --history --since-state FILE', () => {
  const audit = async (repo: string, state: string, range = '') => {
    const r = await cli(repo, 'scan', '--history', range, '--since-state', state, '--format', 'json');
    expect(r.exitCode, r.stderr).toBeLessThan(2);
    return { ...json(r.stdout), stderr: r.stderr };
  };

  it('scans everything first, then only the new commits of each ref, recording the tips', async () => {
    const repo = historyRepo();
    const state = path.join(tempDir('keyfence-state-'), 'state.json');
    const all = await audit(repo, state);
    const total = Number(git(repo, 'rev-list', '--all', '--count').trim());
    expect(all.stats.commitsScanned).toBe(total);
    const recorded = JSON.parse(readFileSync(state, 'utf8'));
    expect(recorded.refs['refs/heads/main']).toBe(git(repo, 'rev-parse', 'main').trim());
    expect(recorded.refs['refs/heads/side']).toBe(git(repo, 'rev-parse', 'side').trim());

    expect((await audit(repo, state)).stats.commitsScanned).toBe(0); // nothing new

    write(repo, 'new.env', pair());
    git(repo, 'add', '-A');
    const added = commit(repo, 'main: new secret');
    git(repo, 'checkout', '-q', '-b', 'fresh', 'side');
    write(repo, 'fresh.env', pair());
    git(repo, 'add', '-A');
    const fresh = commit(repo, 'fresh branch');
    git(repo, 'checkout', '-q', 'main');
    const next = await audit(repo, state);
    expect(next.stats.commitsScanned).toBe(2); // the new commit on main, the new branch's own commit
    expect(commitsOf(next.findings)).toEqual(new Set([added, fresh]));

    // A branch deleted, then a new one from where it was: only the new commit is new.
    git(repo, 'branch', '-q', '-m', 'fresh', 'renamed');
    git(repo, 'checkout', '-q', 'renamed');
    write(repo, 'renamed.env', pair());
    git(repo, 'add', '-A');
    const onRenamed = commit(repo, 'on the renamed branch');
    git(repo, 'checkout', '-q', 'main');
    const third = await audit(repo, state);
    expect(third.stats.commitsScanned).toBe(1);
    expect(commitsOf(third.findings)).toEqual(new Set([onRenamed]));
  });

  it('follows the refs named instead of all refs; a range is refused', async () => {
    const repo = historyRepo();
    const state = path.join(tempDir('keyfence-state-'), 'state.json');
    const first = await audit(repo, state, 'side');
    expect(first.stats.commitsScanned).toBe(Number(git(repo, 'rev-list', '--count', 'side').trim()));
    expect(Object.keys(JSON.parse(readFileSync(state, 'utf8')).refs)).toEqual(['refs/heads/side']);
    git(repo, 'checkout', '-q', 'side');
    write(repo, 'side.env', pair());
    git(repo, 'add', '-A');
    const added = commit(repo, 'side: new');
    git(repo, 'checkout', '-q', 'main');
    const next = await audit(repo, state, 'side');
    expect(next.findings.map((f) => f.commit)).toEqual([added, added]);
    const range = await cli(repo, 'scan', '--history', 'main..side', '--since-state', state);
    expect(range.exitCode).toBe(2);
    expect(range.stderr).toMatch(/main\.\.side is not a branch or ref name/);
  });

  it('a ref whose history was rewritten (force-push) is scanned in full', async () => {
    const repo = historyRepo();
    const state = path.join(tempDir('keyfence-state-'), 'state.json');
    await audit(repo, state);
    git(repo, 'checkout', '-q', 'side');
    git(repo, 'reset', '-q', '--hard', 'HEAD~3');
    write(repo, 'rewritten.env', pair());
    git(repo, 'add', '-A');
    commit(repo, 'rewritten');
    git(repo, 'checkout', '-q', 'main');
    const next = await audit(repo, state);
    expect(next.stats.commitsScanned).toBe(Number(git(repo, 'rev-list', '--count', 'side').trim()));
    expect(next.stderr).toMatch(/refs\/heads\/side was rewritten since the last audit/);
    const whole = json((await cli(repo, 'scan', '--history', 'side', '--format', 'json')).stdout);
    expect(next.findings).toEqual(whole.findings);
  });

  it('sharded incremental audits merge to the unsharded incremental audit', async () => {
    const repo = historyRepo();
    const dir = tempDir('keyfence-state-');
    const git1 = git(repo, 'rev-parse', 'side~2').trim();
    writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ keyfence: 'since-state/1', refs: { 'refs/heads/side': git1 } }));
    for (const n of [1, 2, 3]) for (let k = 1; k <= n; k++) writeFileSync(path.join(dir, `s${n}-${k}.json`), readFileSync(path.join(dir, 'state.json')));
    const whole = await audit(repo, path.join(dir, 's1-1.json'));
    for (const n of [2, 3]) {
      const files: string[] = [];
      for (let k = 1; k <= n; k++) {
        const file = path.join(reports, `inc${seq++}.json`);
        await cli(repo, 'scan', '--history', '--since-state', path.join(dir, `s${n}-${k}.json`), '--shard', `${k}/${n}`, '--format', 'json', '-o', file);
        files.push(file);
      }
      const got = json((await merged(files, '--format', 'json')).stdout);
      expect(got.findings).toEqual(whole.findings);
      expect(got.stats.commitsScanned).toBe(whole.stats.commitsScanned);
    }
  });

  it('refuses a state file that is not one, and never writes through a symbolic link', async () => {
    const repo = historyRepo();
    const dir = tempDir('keyfence-state-');
    writeFileSync(path.join(dir, 'bad.json'), '{"refs": 1}');
    const bad = await cli(repo, 'scan', '--history', '--since-state', path.join(dir, 'bad.json'));
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json is not a keyfence state file/);
    writeFileSync(path.join(dir, 'target.json'), 'keep');
    symlinkSync(path.join(dir, 'target.json'), path.join(dir, 'link.json'));
    const link = await cli(repo, 'scan', '--history', '--since-state', path.join(dir, 'link.json'));
    expect(link.exitCode).toBe(2);
    expect(readFileSync(path.join(dir, 'target.json'), 'utf8')).toBe('keep');
    expect((await cli(repo, 'scan', '--since-state', path.join(dir, 's.json'))).stderr).toMatch(/only applies to --history/);
  });
});
