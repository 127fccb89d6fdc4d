import { linkSync, readFileSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, commit, git, secretFile, tempDir, tempRepo, write } from './gitRepo.js';

/** A repo holding one committed key, and a directory outside it with a file an attacker wants overwritten. */
function setup() {
  const repo = tempRepo();
  write(repo, 'creds.ini', secretFile().text);
  git(repo, 'add', '.');
  commit(repo, 'init');
  const outside = tempDir('keyfence-outside-');
  const victim = path.join(outside, '.bashrc');
  writeFileSync(victim, 'export PATH=$HOME/bin:$PATH\n');
  return { repo, outside, victim };
}

const oneLine = /^keyfence: [^\n]+\n$/;

describe('files keyfence writes stay where they belong (baseline, scan -o)', () => {
  it('baseline: a committed symlink at the default baseline path is refused, not followed', () => {
    const { repo, victim } = setup();
    symlinkSync(victim, path.join(repo, '.keyfence-baseline.json'));
    git(repo, 'add', '.');
    commit(repo, 'link');
    const r = bin(repo, ['baseline']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(oneLine);
    expect(r.stderr).toContain('symbolic link');
    expect(readFileSync(victim, 'utf8')).toBe('export PATH=$HOME/bin:$PATH\n');
  });

  it('baseline: a config "baseline" outside the repository, or through a symlinked directory, is refused', () => {
    const { repo, outside, victim } = setup();
    const up = path.relative(repo, victim);
    write(repo, '.keyfence.json', JSON.stringify({ baseline: up }));
    const r = bin(repo, ['baseline']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(oneLine);
    expect(r.stderr).toContain('outside');
    expect(readFileSync(victim, 'utf8')).toBe('export PATH=$HOME/bin:$PATH\n');

    symlinkSync(outside, path.join(repo, 'audit'));
    write(repo, '.keyfence.json', JSON.stringify({ baseline: 'audit/known.json' }));
    const viaDir = bin(repo, ['baseline']);
    expect(viaDir.status).toBe(2);
    expect(viaDir.stderr).toMatch(oneLine);
    expect(existsSync(path.join(outside, 'known.json'))).toBe(false);
  });

  it('baseline --output may name a path outside the repository (the user asked for it)', () => {
    const { repo, outside } = setup();
    const r = bin(repo, ['baseline', '--output', path.join(outside, 'known.json')]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(outside, 'known.json'), 'utf8')).entries).toHaveLength(2);
  });

  it('scan -o: a committed symlink is refused; the file it points to is untouched', () => {
    const { repo, victim } = setup();
    symlinkSync(victim, path.join(repo, 'report.json'));
    const r = bin(repo, ['scan', '--format', 'json', '-o', 'report.json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(oneLine);
    expect(r.stderr).toContain('cannot write report to report.json: it is a symbolic link');
    expect(readFileSync(victim, 'utf8')).toBe('export PATH=$HOME/bin:$PATH\n');
  });

  it('scan -o replaces the file atomically (a new file, renamed over): a hard link to the old one keeps the old content', () => {
    const { repo, outside } = setup();
    writeFileSync(path.join(outside, 'old.json'), 'old\n');
    linkSync(path.join(outside, 'old.json'), path.join(repo, 'report.json'));
    const r = bin(repo, ['scan', '--format', 'json', '-o', 'report.json']);
    expect(r.status).toBe(1);
    expect(JSON.parse(readFileSync(path.join(repo, 'report.json'), 'utf8')).findings.length).toBeGreaterThan(0);
    expect(readFileSync(path.join(outside, 'old.json'), 'utf8')).toBe('old\n');
  });

  it('a report with unredacted secrets (--no-redact) is mode 0600; a redacted one is readable as usual', () => {
    const { repo } = setup();
    const clear = bin(repo, ['scan', '--format', 'json', '--no-redact', '-o', 'clear.json']);
    expect(clear.status).toBe(1);
    expect(statSync(path.join(repo, 'clear.json')).mode & 0o777).toBe(0o600);
    writeFileSync(path.join(repo, 'was-open.json'), '{}', { mode: 0o644 });
    bin(repo, ['scan', '--format', 'json', '--no-redact', '-o', 'was-open.json']);
    expect(statSync(path.join(repo, 'was-open.json')).mode & 0o777).toBe(0o600);
    bin(repo, ['scan', '--format', 'json', '-o', 'redacted.json']);
    expect(statSync(path.join(repo, 'redacted.json')).mode & 0o777).toBe(0o644);
  });

  it('an -o path in a missing directory is one line saying so', () => {
    const { repo } = setup();
    const r = bin(repo, ['scan', '-o', 'missing/report.txt']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('keyfence: cannot write report to missing/report.txt: directory missing does not exist\n');
  });
});
