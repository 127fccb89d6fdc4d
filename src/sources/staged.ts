import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { git, GitError } from '../git/exec.js';
import { DiffParser, fragmentOf, LineSplitter, type AddedLines } from '../git/diffParser.js';
import type { Fragment, ScanStats } from '../types.js';

export interface StagedOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * The options every diff keyfence reads is run with: zero context, none of the user's diff
 * settings that change the output (colors, external diff and textconv tools, prefixes, relative
 * paths), renames detected so a moved file adds nothing, only files that can gain lines
 * (Added, Copied, Modified, Renamed, Type-changed).
 */
export const DIFF_ARGS = [
  '-U0',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--no-relative',
  '-M',
  '--src-prefix=a/',
  '--dst-prefix=b/',
];

/**
 * The git directory for `cwd`: $GIT_DIR when set (git sets it for some hooks), else the nearest
 * `.git` directory or `.git` file (`gitdir: …`, as in worktrees and submodules) upwards.
 * Undefined outside a repository. File system only: no git process on the pre-commit path.
 */
export function findGitDir(cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env.GIT_DIR) return path.resolve(cwd, env.GIT_DIR);
  let dir = path.resolve(cwd);
  for (;;) {
    const dotGit = path.join(dir, '.git');
    try {
      const st = statSync(dotGit);
      if (st.isDirectory()) return dotGit;
      const m = /^gitdir: (.*)$/m.exec(readFileSync(dotGit, 'utf8'));
      if (m) return path.resolve(dir, m[1]!.trim());
    } catch {
      // not here; go up
    }
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Parses one `git diff` output into each file's added lines, counting binary files. */
function parseDiff(out: Buffer, onBinary: () => void): Map<string, AddedLines> {
  const files = new Map<string, AddedLines>();
  const parser = new DiffParser((f) => files.set(f.path, f), onBinary);
  const split = new LineSplitter();
  const feed = (l: string) => parser.line(l);
  split.push(out, feed);
  split.end(feed);
  parser.end();
  return files;
}

/**
 * The fragments of `keyfence scan --staged`: the lines the next commit adds, read from the
 * index (never the working tree) with one `git diff --cached -U0` (against the empty tree when
 * there is no HEAD yet, as git itself does). One fragment per file, numbered as in the staged
 * file; paths relative to the repository root. Deleted files and pure renames add nothing;
 * binary files are counted in `stats.binarySkipped` and not read.
 *
 * While a merge is being concluded (MERGE_HEAD exists) only the lines that are new relative to
 * every parent count: what the merge itself adds, not what it brings in from a branch (that
 * was scanned when it was committed there). Cherry-picks and reverts are ordinary commits.
 *
 * Throws GitError outside a repository or when git fails or is missing.
 */
export async function* stagedFragments(opts: StagedOptions, stats: ScanStats): AsyncGenerator<Fragment> {
  const gitDir = findGitDir(opts.cwd, opts.env);
  if (!gitDir) throw new GitError('not a git repository: --staged reads the index of the repository it runs in');
  const args = ['diff', '--cached', ...DIFF_ARGS, '--diff-filter=ACMRT'];
  const mergeFile = path.join(gitDir, 'MERGE_HEAD');
  const mergeHeads = existsSync(mergeFile)
    ? readFileSync(mergeFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => /^[0-9a-f]{40,64}$/.test(l))
    : [];
  const [main, ...others] = await Promise.all([
    git(args, opts.cwd),
    ...mergeHeads.map((sha) => git([...args, sha, '--'], opts.cwd)),
  ]);
  const files = parseDiff(main!, () => stats.binarySkipped++);
  for (const out of others) {
    const vsParent = parseDiff(out, () => {});
    for (const [p, added] of files) {
      const also = new Set(vsParent.get(p)?.lineNumbers ?? []);
      const keep = added.lineNumbers.map((n, i) => (also.has(n) ? i : -1)).filter((i) => i >= 0);
      if (keep.length === 0) files.delete(p);
      else files.set(p, { path: p, lines: keep.map((i) => added.lines[i]!), lineNumbers: keep.map((i) => added.lineNumbers[i]!) });
    }
  }
  for (const added of files.values()) {
    const fragment: Fragment = fragmentOf(added);
    stats.filesScanned++;
    stats.bytesScanned += Buffer.byteLength(fragment.text);
    yield fragment;
  }
}
