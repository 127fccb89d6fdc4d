import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Where a repository is, as git itself would find it from a directory. */
export interface RepoLocation {
  /** The git directory: `.git`, a worktree's `.git/worktrees/NAME`, a submodule's `.git/modules/NAME`, or $GIT_DIR. */
  gitDir: string;
  /** The directory shared by all worktrees (refs, objects, config): `commondir` of a worktree, else gitDir. */
  commonDir: string;
  /** The top of the work tree (undefined for a bare repository given by $GIT_DIR without a work tree). */
  workTree: string | undefined;
}

/**
 * THE repository locator: every part of keyfence that needs to know where the repository is
 * (staged scans, tree scans, config loading, hooks) asks this, so they all agree. File system
 * only: no git process (it runs on the pre-commit path).
 *
 * - $GIT_DIR set (git sets it for hooks run by some commands, users for bare setups): that
 *   directory, with $GIT_WORK_TREE as the work tree, else `cwd` (as git does).
 * - otherwise the nearest `.git` upwards from `cwd`: a directory, or a file `gitdir: PATH`
 *   (worktrees, submodules), PATH relative to the file's directory.
 * - $GIT_WORK_TREE without $GIT_DIR moves only the work tree.
 * Undefined outside a repository.
 */
export function locateRepo(cwd: string, env: NodeJS.ProcessEnv = process.env): RepoLocation | undefined {
  const here = path.resolve(cwd);
  let gitDir: string | undefined;
  let workTree: string | undefined;
  if (env.GIT_DIR) {
    gitDir = path.resolve(here, env.GIT_DIR);
    workTree = here;
  } else {
    for (let dir = here; ; dir = path.dirname(dir)) {
      const found = dotGit(path.join(dir, '.git'));
      if (found) {
        gitDir = found;
        workTree = dir;
        break;
      }
      if (path.dirname(dir) === dir) return undefined;
    }
  }
  if (env.GIT_WORK_TREE) workTree = path.resolve(here, env.GIT_WORK_TREE);
  let commonDir = gitDir;
  try {
    commonDir = path.resolve(gitDir, readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim());
  } catch {
    // not a linked worktree
  }
  return { gitDir, commonDir, workTree };
}

/** The git directory a `.git` entry names: itself when a directory, its `gitdir:` when a file. */
function dotGit(p: string): string | undefined {
  try {
    const st = statSync(p);
    if (st.isDirectory()) return p;
    if (!st.isFile()) return undefined;
    const m = /^gitdir: (.*)$/m.exec(readFileSync(p, 'utf8'));
    return m ? path.resolve(path.dirname(p), m[1]!.trim()) : undefined;
  } catch {
    return undefined;
  }
}

/** The top of the work tree the repository at `cwd` has (locateRepo), or undefined outside one (or in a bare one). */
export function repoRoot(cwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return locateRepo(cwd, env)?.workTree;
}
