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
 * The shard (1-based) a commit belongs to, from its id alone: the first 32 bits of the hex id
 * modulo N. Commit ids are uniformly distributed, so shards get about the same number of
 * commits, and the answer is the same on every machine.
 */
export function shardOfCommit(id: string, count: number): number {
  return (parseInt(id.slice(0, 8), 16) % count) + 1;
}

/** The SHA-1 of a path as the tree shard split and the listing digest use it. */
export function pathDigest(rel: string): Buffer {
  return createHash('sha1').update(rel, 'utf8').digest();
}

/** The shard (1-based) a file belongs to, from its reported path's digest (see pathDigest). */
export function shardOfDigest(digest: Buffer, count: number): number {
  return (digest.readUInt32BE(0) % count) + 1;
}
