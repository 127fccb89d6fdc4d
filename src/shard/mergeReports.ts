import { InputError } from '../cli/io.js';
import { compareFindings } from '../scan.js';
import { keepIntroducing } from '../sources/history.js';
import type { Finding, ScanResult, ScanStats, ShardInfo, SuppressedFinding } from '../types.js';

/** One shard's JSON report (`scan --shard K/N --format json`), as read from `file`. */
export interface ShardReport {
  file: string;
  findings: Finding[];
  suppressed: SuppressedFinding[];
  stats: ScanStats;
  shard: ShardInfo;
}

/** The merge of every shard: one result, the rules the shards ran, whether secrets are redacted. */
export interface Merged {
  result: ScanResult;
  rules: ShardInfo['rules'];
  redacted: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isFinding(v: unknown): v is Finding {
  return (
    isObject(v) &&
    typeof v.ruleId === 'string' &&
    typeof v.path === 'string' &&
    typeof v.fingerprint === 'string' &&
    typeof v.line === 'number' &&
    typeof v.column === 'number'
  );
}

/**
 * Reads one shard report. Throws InputError naming `file` for anything that is not a complete
 * one: invalid or truncated JSON, a report without its `shard` facts (not made with --shard),
 * a finding whose commit the shard gives no position for.
 */
export function parseShardReport(text: string, file: string): ShardReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not a complete JSON report (truncated?): ${(err as Error).message}`);
  }
  if (!isObject(data) || !Array.isArray(data.findings) || !Array.isArray(data.suppressed) || !isObject(data.stats)) {
    throw new InputError(`${file}: not a keyfence JSON report (no findings, suppressed and stats)`);
  }
  const shard = data.shard;
  if (!isObject(shard)) throw new InputError(`${file}: not a shard report (made without --shard K/N)`);
  if (shard.format !== 'keyfence-shard/1') throw new InputError(`${file}: unknown shard report format ${JSON.stringify(shard.format)}`);
  const ok =
    (shard.kind === 'history' || shard.kind === 'tree') &&
    Number.isInteger(shard.index) &&
    Number.isInteger(shard.count) &&
    (shard.index as number) >= 1 &&
    (shard.index as number) <= (shard.count as number) &&
    ['repository', 'input', 'keyfenceVersion', 'rulesHash', 'digest'].every((k) => typeof shard[k] === 'string') &&
    Array.isArray(shard.rules) &&
    typeof shard.redacted === 'boolean' &&
    typeof shard.total === 'number' &&
    (shard.kind === 'tree' || isObject(shard.commits));
  if (!ok) throw new InputError(`${file}: damaged shard facts (kind, index/count, repository, versions or commits missing)`);
  const info = shard as unknown as ShardInfo;
  for (const f of [...data.findings, ...data.suppressed]) {
    if (!isFinding(f)) throw new InputError(`${file}: damaged finding ${JSON.stringify(f).slice(0, 80)}`);
    if (info.kind === 'history' && (typeof f.commit !== 'string' || typeof info.commits![f.commit] !== 'number')) {
      throw new InputError(`${file}: finding in ${f.path} names commit ${String(f.commit)}, which the shard gives no position for`);
    }
  }
  return {
    file,
    findings: data.findings as Finding[],
    suppressed: data.suppressed as SuppressedFinding[],
    stats: data.stats as unknown as ScanStats,
    shard: info,
  };
}

const describe = (s: ShardInfo) => `${s.repository} (${s.kind} ${s.input})`;

/**
 * Checks that the reports are every shard of their scans, each once, made alike: one keyfence
 * version and one rule set throughout; within a scan (same repository, kind and input) the
 * same N, the same input digest (the same commits or files were split) and each K from 1 to N
 * exactly once. Throws InputError, one line naming the offending file, otherwise. Returns the
 * reports grouped by scan, in the order first seen.
 */
export function checkShards(reports: readonly ShardReport[]): ShardReport[][] {
  if (reports.length === 0) throw new InputError('no shard reports to merge');
  const first = reports[0]!;
  const groups = new Map<string, ShardReport[]>();
  for (const r of reports) {
    if (r.shard.keyfenceVersion !== first.shard.keyfenceVersion) {
      throw new InputError(
        `${r.file}: made by keyfence ${r.shard.keyfenceVersion} but ${first.file} by keyfence ${first.shard.keyfenceVersion}: merge reports of one version`,
      );
    }
    if (r.shard.rulesHash !== first.shard.rulesHash) throw new InputError(`${r.file}: scanned with a different rule set than ${first.file}`);
    const key = JSON.stringify([r.shard.repository, r.shard.kind, r.shard.input]);
    const group = groups.get(key) ?? [];
    const g0 = group[0];
    if (g0 && r.shard.count !== g0.shard.count)
      throw new InputError(
        `${r.file}: shard ${r.shard.index}/${r.shard.count}, but ${g0.file} is ${g0.shard.index}/${g0.shard.count} of the same scan of ${describe(r.shard)}`,
      );
    if (g0 && (r.shard.digest !== g0.shard.digest || r.shard.total !== g0.shard.total)) {
      throw new InputError(
        `${r.file}: split different ${r.shard.kind === 'history' ? 'commits' : 'files'} than ${g0.file} (shards of one scan must see the same ${r.shard.kind === 'history' ? 'history' : 'tree'})`,
      );
    }
    const twin = group.find((o) => o.shard.index === r.shard.index);
    if (twin) throw new InputError(`${r.file}: duplicate shard ${r.shard.index}/${r.shard.count} of ${describe(r.shard)} (also ${twin.file})`);
    group.push(r);
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    const { count } = group[0]!.shard;
    for (let k = 1; k <= count; k++) {
      if (!group.some((r) => r.shard.index === k))
        throw new InputError(`missing shard ${k}/${count} of ${describe(group[0]!.shard)}: have ${group.map((r) => r.file).join(', ')}`);
    }
  }
  return [...groups.values()];
}

/** Stats of several shards: counts summed, skips and notes listed once. */
function sumStats(list: readonly ScanStats[]): ScanStats {
  const stats: ScanStats = { filesScanned: 0, bytesScanned: 0, binarySkipped: 0, skipped: [], durationMs: 0 };
  const skips = new Set<string>();
  const notes = new Set<string>();
  for (const s of list) {
    stats.filesScanned += s.filesScanned ?? 0;
    stats.bytesScanned += s.bytesScanned ?? 0;
    stats.binarySkipped += s.binarySkipped ?? 0;
    stats.durationMs += s.durationMs ?? 0;
    for (const skip of s.skipped ?? []) {
      const k = `${skip.path}\0${skip.reason}`;
      if (!skips.has(k)) stats.skipped.push(skip);
      skips.add(k);
    }
    for (const n of s.notes ?? []) notes.add(n);
    for (const k of ['commitsScanned', 'filesTotal', 'commitsTotal'] as const) if (typeof s[k] === 'number') stats[k] = (stats[k] ?? 0) + s[k];
  }
  if (notes.size) stats.notes = [...notes];
  return stats;
}

/**
 * Merges checked shard reports (see checkShards) into the result one unsharded scan of the
 * same input gives: tree shards' findings are disjoint (each file is in one shard) and simply
 * joined; history shards each kept a secret's oldest commit among their own, so of the
 * findings sharing a fingerprint the merge keeps the one whose commit has the largest
 * position in the whole selection (keepIntroducing, with the same tie-breaks), separately for
 * findings and suppressed findings, as the unsharded scan does. When the reports come from
 * more than one repository, each finding names its repository and findings are ordered by
 * repository first. Stats are summed.
 */
export function mergeShardReports(reports: readonly ShardReport[]): Merged {
  const groups = checkShards(reports);
  const repositories = new Set(reports.map((r) => r.shard.repository));
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const group of groups) {
    let part: ScanResult = {
      findings: group.flatMap((r) => r.findings).sort(compareFindings),
      suppressed: group.flatMap((r) => r.suppressed).sort(compareFindings),
      stats: sumStats([]),
    };
    if (group[0]!.shard.kind === 'history') {
      const order = new Map<string, number>();
      for (const r of group) for (const [id, pos] of Object.entries(r.shard.commits ?? {})) order.set(id, pos);
      part = keepIntroducing(part, order);
    }
    const named = <T extends Finding>(f: T): T => (repositories.size > 1 ? { ...f, repository: group[0]!.shard.repository } : f);
    findings.push(...part.findings.map(named));
    suppressed.push(...part.suppressed.map(named));
  }
  const byRepo = (a: Finding, b: Finding) =>
    ((a.repository ?? '') < (b.repository ?? '') ? -1 : (a.repository ?? '') > (b.repository ?? '') ? 1 : 0) || compareFindings(a, b);
  findings.sort(byRepo);
  suppressed.sort(byRepo);
  return {
    result: { findings, suppressed, stats: sumStats(reports.map((r) => r.stats)) },
    rules: reports[0]!.shard.rules,
    redacted: reports.every((r) => r.shard.redacted),
  };
}
