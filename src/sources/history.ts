import { GitError, gitStream } from '../git/exec.js';
import { DiffParser, fragmentOf, LineSplitter, type AddedLines } from '../git/diffParser.js';
import type { CommitInfo, Finding, Fragment, ScanResult, ScanStats } from '../types.js';
import { decodeBuffer, textFields } from './decode.js';
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
  /** A file's added lines in one commit larger than this many bytes are skipped with a note (as tree scans skip files). */
  maxFileSize?: number;
}

/** The path reported for a secret in a commit's message (subject or body). */
export const COMMIT_MESSAGE = '(commit message)';

/**
 * The commit record keyfence asks git for: NUL, then the fields each ended by NUL, the whole
 * message (%B, subject and body, which may span lines) last. No field can hold a NUL (git
 * prints names and messages as C strings), so no author or message can break the record.
 */
const FORMAT = '--format=%x00%H%x00%an%x00%ae%x00%aI%x00%B%x00';
/** NULs in one whole record (see FORMAT). */
const RECORD_NULS = 6;

/**
 * The `git log` arguments for these options. Throws GitError for a revision that looks like an
 * option. Whatever the repository's config and attributes say, every commit's added lines are
 * shown as text: `--root` (the first commit, even with log.showRoot=false), `--text` (files
 * marked `binary` or `-diff`, UTF-16 files), with textconv and external diff tools off and
 * core.bigFileThreshold raised (src/git/safeGitArgs.ts).
 */
export function logArgs(opts: HistoryOptions): string[] {
  const args = ['log', '-p', '--cc', ...DIFF_ARGS, '--text', '--root', '--topo-order', FORMAT];
  if (opts.commits) return [...args, '--no-walk=unsorted', '--stdin', '--'];
  if (opts.since) args.push(`--since=${opts.since}`);
  if (opts.until) args.push(`--until=${opts.until}`);
  if (opts.revs) return [...args, ...opts.revs, '--'];
  const revs = [...(opts.range ?? '').split(/\s+/), opts.branch ?? ''].filter(Boolean);
  for (const r of revs) if (r.startsWith('-')) throw new GitError(`not a revision: ${r}`);
  if (revs.length === 0) args.push('--all');
  return [...args, '--end-of-options', ...revs, '--'];
}

/** Bytes read as latin1 characters, as UTF-8 text. */
const utf8 = (latin1: string) => Buffer.from(latin1, 'latin1').toString('utf8');

/**
 * The fragments of `keyfence scan --history`: every line each commit adds, from ONE streaming
 * `git log -p -U0` (never a process per commit; output is parsed as it arrives and never held
 * whole, so memory stays flat however long the history). Default: every commit reachable from
 * any ref (`--all`). Merge commits count only the lines new relative to every parent (`--cc`
 * combined diffs: an "evil merge" resolution), not what they bring in from a branch; pure
 * renames add nothing. A file's added lines in one commit are decoded as tree scans decode
 * files (UTF-8, UTF-16, Latin-1; binary content is counted in `stats.binarySkipped`); over
 * `maxFileSize` bytes they are skipped with a note. Each fragment carries its commit (id,
 * author, email, ISO date, subject); each commit's whole message (subject and body) is a
 * fragment of its own, at path COMMIT_MESSAGE. Counts commits in `stats.commitsScanned`.
 * Throws GitError when git is missing, the directory is not a repository, or a revision is
 * unknown (git's first error line).
 *
 * The record git prints per commit (NUL = \0, see FORMAT), then its patch as DiffParser reads it:
 * ```
 * \09c1e…40 hex…\0Ada Lovelace\0ada@example.com\02026-01-02T03:04:05+00:00\0Add config
 *
 * Body line\n
 * \0
 * diff --git a/config.env b/config.env
 * …
 * ```
 * A line starting with NUL cannot be part of a patch outside a hunk (patch lines start with
 * "diff", a header word, "@@", "+", "-", " " or "\"; inside a hunk the line counts say where
 * it ends).
 *
 * `order` receives each commit's position in the output; with `--topo-order` a commit always
 * comes after its descendants, so a larger position is an older commit (see `keepIntroducing`).
 */
export async function* historyFragments(opts: HistoryOptions, stats: ScanStats, order?: Map<string, number>): AsyncGenerator<Fragment> {
  const args = logArgs(opts);
  stats.commitsScanned ??= 0;
  if ((opts.commits ?? opts.revs)?.length === 0) return;
  const maxBytes = opts.maxFileSize ?? Infinity;
  const git = gitStream(args, opts.cwd, opts.commits ? `${opts.commits.join('\n')}\n` : undefined);

  let commit: CommitInfo | undefined;
  const ready: Fragment[] = [];
  const parser = new DiffParser(
    (added: AddedLines) => {
      const fragment = addedFragment(added, commit, stats);
      if (fragment) ready.push(fragment);
    },
    () => stats.binarySkipped++,
    maxBytes,
  );
  /** The commit record being read: its lines so far, joined, and the NULs in them. */
  let record: string | undefined;
  let nuls = 0;
  const onRecord = (text: string) => {
    const [, id = '', author = '', email = '', date = '', body = ''] = text.split('\0');
    const message = utf8(body).replace(/\n+$/, '');
    commit = { commit: id, author: utf8(author), email: utf8(email), date, message: message.split('\n', 1)[0]! };
    // The message is history too (and reports show its subject): scan it like a file's added lines.
    if (message.trim()) ready.push({ text: message, path: COMMIT_MESSAGE, startLine: 1, commit });
    order?.set(id, order.size);
    stats.commitsScanned = (stats.commitsScanned ?? 0) + 1;
  };
  const onLine = (l: string) => {
    if (record === undefined && !parser.inHunk && l.charCodeAt(0) === 0) {
      parser.end();
      record = '';
      nuls = 0;
    }
    if (record === undefined) return parser.line(l);
    record = record.length ? `${record}\n${l}` : l;
    for (let i = l.indexOf('\0'); i !== -1; i = l.indexOf('\0', i + 1)) nuls++;
    if (nuls >= RECORD_NULS) {
      onRecord(record);
      record = undefined;
    }
  };
  const split = new LineSplitter('latin1');
  let read = false;
  try {
    for await (const chunk of git.stdout) {
      split.push(chunk as Buffer, onLine);
      while (ready.length) yield ready.shift()!;
    }
    split.end(onLine);
    parser.end();
    read = true;
    while (ready.length) yield ready.shift()!;
  } finally {
    if (!read) git.stop(); // the consumer stopped early: git is not needed any more
  }
  await git.finish();
}

/**
 * One file's added lines in one commit as a fragment, decoded as a tree scan decodes a file
 * (the lines arrive as latin1 characters, one per byte); undefined (counted or noted in
 * `stats`) for binary content or more than `maxBytes`.
 */
function addedFragment(added: AddedLines, commit: CommitInfo | undefined, stats: ScanStats): Fragment | undefined {
  const where = commit ? ` in commit ${commit.commit.slice(0, 12)}` : '';
  if (added.oversized) {
    stats.skipped.push({ path: added.path, reason: `larger than --max-file-size (${added.bytes} bytes added${where})` });
    return undefined;
  }
  const raw = fragmentOf(added);
  const bytes = Buffer.from(raw.text, 'latin1');
  const decoded = decodeBuffer(bytes);
  if (decoded.kind === 'binary') {
    stats.binarySkipped++;
    return undefined;
  }
  const fragment: Fragment = { ...raw, ...textFields(bytes, decoded) };
  if (commit) fragment.commit = commit;
  stats.filesScanned++;
  stats.bytesScanned += raw.text.length;
  return fragment;
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
      if (!seen || pos(f) > pos(seen) || (pos(f) === pos(seen) && (f.line < seen.line || (f.line === seen.line && f.column < seen.column))))
        best.set(f.fingerprint, f);
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
