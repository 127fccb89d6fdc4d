import { spawn } from 'node:child_process';
import { GIT_CONFIG_ARGS, GitError, gitEnv, gitExitError, gitSpawnError } from '../git/exec.js';
import { DiffParser, fragmentOf, LineSplitter, type AddedLines } from '../git/diffParser.js';
import type { CommitInfo, Finding, Fragment, ScanResult, ScanStats } from '../types.js';
import { DIFF_ARGS } from './staged.js';

export interface HistoryOptions {
  cwd: string;
  /** Revisions as the user gave them (`main..feature`, `v1.0 ^v0.9`); empty with no branch = all refs. */
  range?: string;
  /** A branch (or any revision) to walk, added to `range`. */
  branch?: string;
  since?: string;
  until?: string;
  /** Raw revision arguments built by keyfence itself (pre-push); replaces range/branch/--all. */
  revs?: string[];
  /**
   * Exactly these commits, in this order (`--no-walk=unsorted`, ids fed on stdin): the ones a
   * shard or an incremental audit chose (src/shard/selectCommits.ts). Replaces every other
   * revision option, since/until included; each commit's patch is the same as in a walk.
   */
  commits?: string[];
}

/** The path reported for a secret in a commit's subject line. */
export const COMMIT_SUBJECT = '(commit subject)';

/** Commit header line keyfence asks git for: RS, then the fields separated by US. */
const FORMAT = '--format=%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%s';

/** The `git log` arguments for these options. Throws GitError for a revision that looks like an option. */
export function logArgs(opts: HistoryOptions): string[] {
  const args = ['log', '-p', '--cc', ...DIFF_ARGS, '--topo-order', FORMAT];
  if (opts.commits) return [...args, '--no-walk=unsorted', '--stdin', '--'];
  if (opts.since) args.push(`--since=${opts.since}`);
  if (opts.until) args.push(`--until=${opts.until}`);
  if (opts.revs) return [...args, ...opts.revs, '--'];
  const revs = [...(opts.range ?? '').split(/\s+/), opts.branch ?? ''].filter(Boolean);
  for (const r of revs) if (r.startsWith('-')) throw new GitError(`not a revision: ${r}`);
  if (revs.length === 0) args.push('--all');
  return [...args, '--end-of-options', ...revs, '--'];
}

/**
 * The fragments of `keyfence scan --history`: every line each commit adds, from ONE streaming
 * `git log -p -U0` (never a process per commit; output is parsed as it arrives and never held
 * whole, so memory stays flat however long the history). Default: every commit reachable from
 * any ref (`--all`). Merge commits count only the lines new relative to every parent (`--cc`
 * combined diffs: an "evil merge" resolution), not what they bring in from a branch; pure
 * renames add nothing. Each fragment carries its commit (id, author, email, ISO date,
 * subject); each commit's subject is a fragment of its own, at path COMMIT_SUBJECT. Counts commits in `stats.commitsScanned`. Throws GitError when git is missing, the
 * directory is not a repository, or a revision is unknown (git's first error line).
 *
 * The record git prints per commit (RS = \x1e, US = \x1f), then its patch as DiffParser reads it:
 * ```
 * RS9c1e…40 hex…US Ada Lovelace US ada@example.com US 2026-01-02T03:04:05+00:00 US Add config
 *
 * diff --git a/config.env b/config.env
 * …
 * ```
 * A line starting with RS cannot be part of a patch outside a hunk (patch lines start with
 * "diff", a header word, "@@", "+", "-", " " or "\").
 *
 * `order` receives each commit's position in the output; with `--topo-order` a commit always
 * comes after its descendants, so a larger position is an older commit (see `keepIntroducing`).
 */
export async function* historyFragments(opts: HistoryOptions, stats: ScanStats, order?: Map<string, number>): AsyncGenerator<Fragment> {
  const args = logArgs(opts);
  stats.commitsScanned ??= 0;
  if ((opts.commits ?? opts.revs)?.length === 0) return;
  const child = spawn('git', [...GIT_CONFIG_ARGS, ...args], {
    cwd: opts.cwd,
    env: gitEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.on('error', () => {}); // git gone early: its exit code tells why
  child.stdin.end(opts.commits ? `${opts.commits.join('\n')}\n` : '');
  const err: Buffer[] = [];
  child.stderr.on('data', (d: Buffer) => err.push(d));
  let spawnError: NodeJS.ErrnoException | undefined;
  const closed = new Promise<number | null>((resolve) => {
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
      resolve(null);
    });
    child.on('close', (code) => resolve(code));
  });

  let commit: CommitInfo | undefined;
  const ready: Fragment[] = [];
  const parser = new DiffParser(
    (added: AddedLines) => {
      const fragment: Fragment = fragmentOf(added);
      if (commit) fragment.commit = commit;
      stats.filesScanned++;
      stats.bytesScanned += Buffer.byteLength(fragment.text);
      ready.push(fragment);
    },
    () => stats.binarySkipped++,
  );
  const onLine = (l: string) => {
    if (!parser.inHunk && l.charCodeAt(0) === 0x1e) {
      parser.end();
      const [id = '', author = '', email = '', date = '', message = ''] = l.slice(1).split('\x1f');
      commit = { commit: id, author, email, date, message };
      // The subject is history too (and reports show it): scan it like a file's added line.
      if (message) ready.push({ text: message, path: COMMIT_SUBJECT, startLine: 1, commit });
      order?.set(id, order.size);
      stats.commitsScanned = (stats.commitsScanned ?? 0) + 1;
      return;
    }
    parser.line(l);
  };
  const split = new LineSplitter();
  try {
    for await (const chunk of child.stdout) {
      split.push(chunk as Buffer, onLine);
      while (ready.length) yield ready.shift()!;
    }
    split.end(onLine);
    parser.end();
    while (ready.length) yield ready.shift()!;
  } finally {
    if (child.exitCode === null) child.kill();
  }
  const code = await closed;
  if (spawnError) throw gitSpawnError(spawnError.code, spawnError.message);
  if (code !== 0) throw gitExitError('log', Buffer.concat(err).toString('utf8'), `exit code ${code}`);
}

/**
 * Reports each secret once, at the commit that introduced it: of the findings sharing a
 * fingerprint (rule + path + secret, the same as a tree scan's), keeps the one from the oldest
 * commit, i.e. the latest in `order` (git log's topological output position).
 */
export function keepIntroducing(result: ScanResult, order: Map<string, number>): ScanResult {
  const pos = (f: Finding) => order.get(f.commit ?? '') ?? -1;
  const oldest = <T extends Finding>(list: T[]): T[] => {
    const best = new Map<string, T>();
    for (const f of list) {
      const seen = best.get(f.fingerprint);
      if (!seen || pos(f) > pos(seen) || (pos(f) === pos(seen) && (f.line < seen.line || (f.line === seen.line && f.column < seen.column)))) best.set(f.fingerprint, f);
    }
    return list.filter((f) => best.get(f.fingerprint) === f);
  };
  return { ...result, findings: oldest(result.findings), suppressed: oldest(result.suppressed) };
}

/**
 * The pre-push hook's input, one line per ref being pushed:
 * ```
 * refs/heads/main 67890abc…(local sha) refs/heads/main 12345def…(remote sha)
 * ```
 * A remote sha of zeros is a new branch; a local sha of zeros is a deletion (nothing to scan).
 * Returns the revisions of the commits being pushed: each new local sha, minus each known
 * remote sha (ignored when this clone does not have it), minus everything the remote's
 * tracking branches already have.
 */
export function prePushRevs(stdin: string, remote: string): string[] {
  const ZERO = /^0+$/;
  const include: string[] = [];
  const exclude: string[] = [];
  for (const line of stdin.split('\n')) {
    const [, localSha, , remoteSha] = line.trim().split(/\s+/);
    if (!localSha || !remoteSha || ZERO.test(localSha)) continue;
    if (!/^[0-9a-f]+$/.test(localSha) || !/^[0-9a-f]+$/.test(remoteSha)) continue;
    include.push(localSha);
    if (!ZERO.test(remoteSha)) exclude.push(`^${remoteSha}`);
  }
  if (include.length === 0) return [];
  return ['--ignore-missing', ...include, ...exclude, '--not', `--remotes=${remote}`];
}
