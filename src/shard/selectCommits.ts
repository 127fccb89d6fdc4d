import { createHash } from 'node:crypto';
import { GitError, git, gitExitError, gitRaw, gitSpawnError } from '../git/exec.js';
import type { SinceState } from './sinceState.js';
import { shardRange, type ShardSpec } from './shardSpec.js';

export interface SelectOptions {
  cwd: string;
  /** Revisions as the user gave them; empty (and no branch) = every ref. */
  range?: string;
  branch?: string;
  since?: string;
  until?: string;
  shard: ShardSpec;
  /** The previous audit's state (--since-state): only commits new since then are selected. */
  state?: SinceState;
}

/** The commits one shard scans, and what a merge needs to order them among every shard's. */
export interface CommitSelection {
  /** This shard's commits, newest first (`git rev-list --topo-order` order). */
  commits: string[];
  /**
   * Each of this shard's commits' position in the whole selection (every shard's commits, in
   * topological order: a commit comes after all its descendants, so larger is older).
   */
  positions: Map<string, number>;
  /** SHA-256 of the whole selection in order: equal in every shard of one scan. */
  digest: string;
  /** How many commits the whole selection has (every shard's). */
  total: number;
  /** With a state: every scanned ref's tip now, to record once the report is delivered. */
  tips?: Record<string, string>;
  /** With a state: the refs whose recorded tip is no longer their ancestor (force-pushed). */
  rewritten?: string[];
}

const lines = (b: Buffer) => b.toString('utf8').split('\n').filter(Boolean);

/** Revision arguments as `git log` gets them for a plain history scan (src/sources/history.ts). */
function userRevs(opts: SelectOptions): string[] {
  const revs = [...(opts.range ?? '').split(/\s+/), opts.branch ?? ''].filter(Boolean);
  for (const r of revs) if (r.startsWith('-')) throw new GitError(`not a revision: ${r}`);
  return revs;
}

function dateArgs(opts: SelectOptions): string[] {
  return [...(opts.since ? [`--since=${opts.since}`] : []), ...(opts.until ? [`--until=${opts.until}`] : [])];
}

/**
 * The refs an incremental audit follows and their tips: the refs named (each must be a ref,
 * not a range), or every ref (`git for-each-ref`, tags peeled, non-commits left out) and HEAD.
 * `git for-each-ref --format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)`:
 * ```
 * refs/heads/main NUL commit NUL 9c1e… NUL NUL
 * refs/tags/v1 NUL tag NUL 5d2a… NUL commit NUL 77b0…
 * ```
 */
async function refTips(opts: SelectOptions): Promise<Record<string, string>> {
  const tips: Record<string, string> = {};
  const named = userRevs(opts);
  if (named.length) {
    // userRevs refused anything starting with "-": no revision here can be taken for an option.
    for (const rev of named) {
      const out = lines(await git(['rev-parse', '--symbolic-full-name', rev], opts.cwd).catch(() => Buffer.alloc(0)));
      const full = out.length === 1 ? out[0] : undefined; // a range prints two
      if (!full || !full.startsWith('refs/')) throw new GitError(`--since-state follows refs: ${rev} is not a branch or ref name`);
      tips[full] = lines(await git(['rev-parse', '--verify', `${full}^{commit}`], opts.cwd))[0]!;
    }
    return tips;
  }
  const out = await git(['for-each-ref', '--format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)'], opts.cwd);
  for (const l of lines(out)) {
    const [ref = '', type, id = '', peeledType, peeled = ''] = l.split('\0');
    if (type === 'commit') tips[ref] = id;
    else if (peeledType === 'commit') tips[ref] = peeled;
  }
  const head = await gitRaw(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], opts.cwd);
  if (head.code === 0) tips.HEAD = head.stdout.toString('utf8').trim();
  return tips;
}

/** True when `old` is an ancestor of (or is) `tip`; false when not, or when `old` is gone. */
async function isAncestor(cwd: string, old: string, tip: string): Promise<boolean> {
  const r = await gitRaw(['merge-base', '--is-ancestor', old, tip], cwd);
  return r.code === 0;
}

/**
 * `git rev-list ARGS`, revisions fed on stdin when given (no argument-length limit, no option
 * injection). GIT_FLUSH=0: rev-list otherwise writes each commit id with its own write(2), and
 * reading 40,000 tiny chunks cost node ten times what git spent listing them.
 */
async function revList(cwd: string, args: string[], revs?: string[]): Promise<string[]> {
  if (revs?.length === 0) return [];
  const input = revs ? `${revs.join('\n')}\n` : undefined;
  const r = await gitRaw(['rev-list', ...args, ...(revs ? ['--stdin'] : [])], cwd, input, { ...process.env, GIT_FLUSH: '0' });
  if (r.spawnError) throw gitSpawnError(r.spawnError, r.stderr.toString('utf8'));
  if (r.code !== 0) throw gitExitError('rev-list', r.stderr.toString('utf8'), `exit code ${r.code}`);
  return lines(r.stdout);
}

/**
 * Chooses the commits of one shard, without generating any diff: `git rev-list --topo-order`
 * lists the whole selection (cheap: the commit graph only), every shard keeps its run of it
 * (shardRange) and remembers their positions in the whole list, which is the order
 * `git log --topo-order` would show them in.
 *
 * Without a state: the same commits a plain `scan --history` walks (same range, branch,
 * since, until; every ref by default). With a state (--since-state): the commits reachable
 * from the refs now but not from the tips recorded last time; a ref whose recorded tip is no
 * longer its ancestor (history rewritten by a force-push, or the old tip gone) is scanned in
 * full, every commit reachable from it. A ref not in the state is new: its commits that no
 * recorded tip reaches are scanned (the tips of refs deleted since count: what they reached
 * was scanned).
 */
export async function selectCommits(opts: SelectOptions): Promise<CommitSelection> {
  let whole: string[];
  let tips: Record<string, string> | undefined;
  let rewritten: string[] | undefined;
  if (!opts.state) {
    const revs = userRevs(opts);
    whole = await revList(opts.cwd, ['--topo-order', ...dateArgs(opts), ...(revs.length ? [] : ['--all']), '--end-of-options', ...revs, '--']);
  } else {
    tips = await refTips(opts);
    rewritten = [];
    const olds: string[] = [];
    for (const [ref, old] of Object.entries(opts.state.refs)) {
      const tip = tips[ref];
      // A ref deleted since: what its recorded tip reached was scanned then (if still here).
      if (tip === undefined || old === tip || (await isAncestor(opts.cwd, old, tip))) olds.push(old);
      else rewritten.push(ref);
    }
    const all = await revList(opts.cwd, ['--topo-order', ...dateArgs(opts)], [...new Set(Object.values(tips))]);
    const seen = new Set(await revList(opts.cwd, ['--ignore-missing'], [...new Set(olds)]));
    const again = new Set(
      await revList(
        opts.cwd,
        [],
        rewritten.map((r) => tips![r]!),
      ),
    );
    whole = seen.size ? all.filter((id) => !seen.has(id) || again.has(id)) : all;
  }
  const [start, end] = shardRange(whole.length, opts.shard);
  const commits = whole.slice(start, end);
  const positions = new Map(commits.map((id, i) => [id, start + i]));
  const digest = createHash('sha256').update(whole.join('\n')).digest('hex');
  return { commits, positions, digest, total: whole.length, tips, rewritten };
}
