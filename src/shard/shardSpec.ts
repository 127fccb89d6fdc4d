import { createHash } from 'node:crypto';

/** One shard of a scan split N ways: `index` is 1-based (`--shard 2/4` is index 2, count 4). */
export interface ShardSpec {
  index: number;
  count: number;
}

/** The largest N `--shard K/N` accepts: a job matrix wider than this is a typo. */
export const MAX_SHARDS = 4096;

/** Parses `K/N` (1 ≤ K ≤ N ≤ MAX_SHARDS); undefined with the reason when it is not one. */
export function parseShard(text: string): ShardSpec | string {
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  if (!m) return `--shard takes K/N (e.g. 2/4), not "${text}"`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) return `--shard ${text}: N must be 1 to ${MAX_SHARDS}`;
  if (index < 1 || index > count) return `--shard ${text}: K must be 1 to ${count}`;
  return { index, count };
}

/**
 * The positions [start, end) of shard K's commits in the whole selection of `total` commits
 * (topological order): N contiguous runs of equal length. Contiguous because git reads
 * neighbouring commits' trees and blobs from the same delta chains: a shard of every 4th
 * commit made git do a third more work in total than one walk (delta bases re-inflated in every
 * shard), contiguous runs about none. The selection is the same on every machine that has the
 * same history (the merge checks its digest), so each commit is in exactly one shard.
 */
export function shardRange(total: number, shard: ShardSpec): [number, number] {
  return [Math.floor(((shard.index - 1) * total) / shard.count), Math.floor((shard.index * total) / shard.count)];
}

/** The SHA-1 of a path as the tree shard split and the listing digest use it. */
export function pathDigest(rel: string): Buffer {
  return createHash('sha1').update(rel, 'utf8').digest();
}

/** The shard (1-based) a file belongs to, from its reported path's digest (see pathDigest). */
export function shardOfDigest(digest: Buffer, count: number): number {
  return (digest.readUInt32BE(0) % count) + 1;
}
