// lint-staged (the real one, a devDependency) running keyfence with the README's config, in a
// project as `npm init -y` makes it ("type": "commonjs" with npm 11) and in an ES module project.
import { chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commit, git, secretFile, tempRepo, WORKTREE, write } from './gitRepo.js';
import { asDevDependency, PATH_WITHOUT_KEYFENCE, tryCommit } from './installHelpers.js';

/** The lint-staged config the README gives, as JSON (it goes in package.json or .lintstagedrc.json). */
function readmeConfig(): Record<string, string> {
  const readme = readFileSync(path.join(WORKTREE, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### lint-staged'));
  const m = /```json\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README: no json block in the lint-staged section');
  return (JSON.parse(m[1]!) as { 'lint-staged': Record<string, string> })['lint-staged'];
}

function lintStagedProject(type: 'commonjs' | 'module'): string {
  const repo = tempRepo();
  write(repo, 'package.json', `${JSON.stringify({ name: 'app', version: '1.0.0', type, 'lint-staged': readmeConfig() }, null, 2)}\n`);
  asDevDependency(repo);
  write(repo, 'config.ini', secretFile().text); // a key committed before lint-staged was set up
  git(repo, 'add', '.');
  commit(repo, 'init');
  // The pre-commit hook runs lint-staged, as `.husky/pre-commit` with `npx lint-staged` does.
  write(
    repo,
    '.git/hooks/pre-commit',
    `#!/bin/sh\nexec "${process.execPath}" "${path.join(WORKTREE, 'node_modules', 'lint-staged', 'bin', 'lint-staged.js')}"\n`,
  );
  chmodSync(path.join(repo, '.git', 'hooks', 'pre-commit'), 0o755);
  return repo;
}

describe.each(['commonjs', 'module'] as const)('lint-staged with the README config ("type": "%s")', (type) => {
  it('blocks a commit that stages a key; lets a clean commit through, even in a file that already holds one', () => {
    const repo = lintStagedProject(type);
    write(repo, 'config.ini', `${readFileSync(path.join(repo, 'config.ini'), 'utf8')}region = eu-west-1\n`);
    write(repo, 'src/app.js', 'console.log(1);\n');
    git(repo, 'add', '.');
    const clean = tryCommit(repo, 'clean', PATH_WITHOUT_KEYFENCE);
    expect(clean.committed, clean.stdout + clean.stderr).toBe(true);

    write(repo, 'src/settings.env', secretFile().text);
    git(repo, 'add', '.');
    const blocked = tryCommit(repo, 'key', PATH_WITHOUT_KEYFENCE);
    expect(blocked.committed).toBe(false);
    expect(blocked.stdout + blocked.stderr).toContain('src/settings.env:2:');
    expect(blocked.stdout + blocked.stderr).not.toContain('config.ini:2:');
  }, 60_000);
});
