import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ScanPlan, FinishingSource } from '../cli/scanCommand.js';
import type { RunIO } from '../cli/io.js';
import type { ScanArgs } from '../cli/scanOptions.js';
import { version } from '../cli/run.js';
import { repoRoot } from '../git/locateRepo.js';
import { historyFragments, keepIntroducing } from '../sources/history.js';
import { treeFragments } from '../sources/tree.js';
import type { ScanResult, ShardInfo } from '../types.js';
import { selectCommits, type CommitSelection } from './selectCommits.js';
import { readSinceState, writeSinceState, type SinceState } from './sinceState.js';
import { pathDigest, shardOfDigest, type ShardSpec } from './shardSpec.js';

/** What every shard of one scan says alike: who scanned, with which keyfence and rules. */
async function shardIdentity(
  args: ScanArgs,
  io: RunIO,
  plan: ScanPlan,
  kind: ShardInfo['kind'],
  shard: ShardSpec,
  input: string,
): Promise<Omit<ShardInfo, 'digest' | 'total'>> {
  const specs = plan.rules.map((r) => r.spec);
  const root = repoRoot(io.cwd, io.env) ?? io.cwd;
  return {
    format: 'keyfence-shard/1',
    kind,
    index: shard.index,
    count: shard.count,
    repository: args.repository || path.basename(root),
    input,
    keyfenceVersion: version(),
    rulesHash: createHash('sha256').update(JSON.stringify(specs)).digest('hex'),
    rules: specs.map((r) => ({ id: r.id, description: r.description, ...(r.help ? { help: r.help } : {}), ...(r.severity ? { severity: r.severity } : {}) })),
    redacted: args.redact,
  };
}

/** How a history shard describes its input: the revision options as given. */
function historyInput(args: ScanArgs): string {
  const parts = [args.history || '--all'];
  if (args.branch) parts.push(`--branch ${args.branch}`);
  if (args.since) parts.push(`--since ${args.since}`);
  if (args.until) parts.push(`--until ${args.until}`);
  if (args.sinceState !== undefined) parts.push('--since-state');
  return parts.join(' ');
}

/**
 * `scan --history` with `--shard K/N` and/or `--since-state FILE`: the commits selectCommits
 * picks (no diff is generated for another shard's commits), scanned by one `git log -p
 * --no-walk --stdin`. Each secret is kept at its oldest commit by the commits' positions in
 * the whole selection, so the merge of every shard keeps the same one an unsharded scan does.
 * With --shard the result carries its ShardInfo; with --since-state the refs' tips are written
 * to the state file once the report is delivered (`delivered`), never before.
 */
export function selectedHistorySource(args: ScanArgs, io: RunIO, plan: ScanPlan, shard: ShardSpec | undefined): FinishingSource {
  let selection: CommitSelection | undefined;
  const stateFile = args.sinceState ? path.resolve(io.cwd, args.sinceState) : undefined;
  let state: SinceState | undefined;
  let info: Omit<ShardInfo, 'digest' | 'total'> | undefined;
  const source: FinishingSource = async function* (stats) {
    if (stateFile) state = readSinceState(stateFile, args.sinceState!);
    selection = await selectCommits({
      cwd: io.cwd,
      range: args.history,
      branch: args.branch,
      since: args.since,
      until: args.until,
      shard: shard ?? { index: 1, count: 1 },
      state,
    });
    if (shard) info = await shardIdentity(args, io, plan, 'history', shard, historyInput(args));
    stats.commitsTotal = selection.commits.length;
    for (const ref of selection.rewritten ?? [])
      (stats.notes ??= []).push(`${ref} was rewritten since the last audit (its recorded tip is not its ancestor): scanned in full`);
    yield* historyFragments({ cwd: io.cwd, commits: selection.commits, maxFileSize: args.maxFileSize }, stats);
  };
  source.finish = (r: ScanResult) => {
    if (!selection) return r;
    const kept = keepIntroducing(r, selection.positions);
    if (!info) return kept;
    const commits: Record<string, number> = {};
    for (const f of [...kept.findings, ...kept.suppressed]) if (f.commit) commits[f.commit] = selection.positions.get(f.commit)!;
    return { ...kept, shard: { ...info, digest: selection.digest, total: selection.total, commits } };
  };
  source.delivered = () => {
    if (!stateFile || !state || !selection?.tips) return;
    writeSinceState(stateFile, args.sinceState!, { keyfence: 'since-state/1', refs: { ...state.refs, ...selection.tips } });
  };
  return source;
}

/**
 * A tree scan with `--shard K/N`: every file is listed, and only those whose path's digest
 * falls in shard K are read. The digests of all listed paths are folded (XOR, so the listing's
 * order does not matter) into the ShardInfo's digest: shards that listed different files do
 * not merge.
 */
export function shardedTreeSource(args: ScanArgs, io: RunIO, plan: ScanPlan, shard: ShardSpec): FinishingSource {
  const folded = Buffer.alloc(20);
  let total = 0;
  let info: Omit<ShardInfo, 'digest' | 'total'> | undefined;
  const keep = (rel: string) => {
    const d = pathDigest(rel);
    for (let i = 0; i < 20; i++) folded[i] = folded[i]! ^ d[i]!;
    total++;
    return shardOfDigest(d, shard.count) === shard.index;
  };
  const specs = plan.rules.map((r) => r.spec);
  const source: FinishingSource = async function* (stats) {
    info = await shardIdentity(args, io, plan, 'tree', shard, args.paths.length ? args.paths.join(' ') : '.');
    yield* treeFragments({ paths: args.paths, cwd: io.cwd, noGit: !args.git, maxFileSize: args.maxFileSize, keep }, stats, specs);
  };
  source.finish = (r: ScanResult) => {
    if (!info) return r;
    const digest = createHash('sha256')
      .update(`${total}\n${folded.toString('hex')}`)
      .digest('hex');
    return { ...r, shard: { ...info, digest, total } };
  };
  return source;
}
