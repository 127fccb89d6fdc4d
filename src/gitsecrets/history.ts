import { gitRun, isBinary, quotePath, readObjects } from './gitio.js';
import { EreError } from './ere.js';
import { gitGrep, type GrepOutcome } from './grep.js';
import { LineMatcher, type LineMatch } from './matcher.js';

const ZERO = /^0+$/;

/** A compiled git grep -w matcher, or the fatal message git grep prints for a bad pattern. */
export function gitMatcher(combined: string): LineMatcher | GrepOutcome {
  try {
    return new LineMatcher([combined], 'git');
  } catch (err) {
    if (err instanceof EreError) return { status: 128, lines: [], stderr: `fatal: command line, '${combined}': ${err.message}\n` };
    throw err;
  }
}

/**
 * One commit of `git log --all --format=C%H --raw -z --no-abbrev --no-renames`:
 *   C<sha> NUL [LF] :<old mode> SP <new mode> SP <old oid> SP <new oid> SP <status> NUL <path> NUL …
 * (merges list no files). Returns commits in log order with the blobs each one's diff touches.
 */
function parseRawLog(out: string): { sha: string; blobs: string[] }[] {
  const commits: { sha: string; blobs: string[] }[] = [];
  const tokens = out.split('\0');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!.replace(/^\n/, '');
    if (t.startsWith(':')) {
      const [oldMode, newMode, oldOid, newOid] = t.slice(1).split(' ');
      const cur = commits.at(-1);
      if (cur) {
        if (oldMode !== '160000' && oldOid && !ZERO.test(oldOid)) cur.blobs.push(oldOid);
        if (newMode !== '160000' && newOid && !ZERO.test(newOid)) cur.blobs.push(newOid);
      }
      i++; // the path
    } else if (t.startsWith('C') && t.length >= 41) {
      commits.push({ sha: t.slice(1), blobs: [] });
    }
  }
  return commits;
}

/** Reads blobs in chunks so a long history never sits in memory at once. */
async function forEachBlob(ids: string[], cwd: string, fn: (id: string, buf: Buffer) => void): Promise<void> {
  for (let i = 0; i < ids.length; i += 4000) {
    const chunk = ids.slice(i, i + 4000);
    const map = await readObjects(chunk, cwd);
    for (const id of chunk) {
      const b = map.get(id);
      if (b) fn(id, b);
    }
  }
}

/**
 * git-secrets' scan_history: `git grep -nwHEI <combined> $(git log --all -G<combined> --pretty=%H)`.
 *
 * Same output (`<sha>:<path>:<line>:<text>` for every matching line of every file in each
 * commit whose diff adds or removes a line matching the patterns, commits in `git log --all`
 * order; the working tree's tracked files when no commit qualifies), computed faster: one
 * `git log --raw` lists the blobs each commit touches, each blob is read and tested once, only
 * commits touching a blob that contains a match are handed to `git log -G` to confirm, and
 * each distinct blob of the confirmed trees is matched once however many commits hold it.
 */
export async function scanHistory(combined: string, cwd: string, quoteHigh: boolean, env: NodeJS.ProcessEnv = process.env): Promise<GrepOutcome> {
  if (combined === '') return { status: 1, lines: [], stderr: '' };
  const matcher = gitMatcher(combined);
  if (!(matcher instanceof LineMatcher)) return matcher;
  // -G matches anywhere in a line, no word test; the literal prefilter makes most blobs cheap.
  const plain = new LineMatcher([combined], 'anywhere');
  const log = await gitRun(['log', '--all', '--format=C%H', '--raw', '-z', '--no-abbrev', '--no-renames'], cwd, undefined, env);
  if (log.code !== 0) return gitGrep(combined, { cached: false, untracked: false, noIndex: false }, [], cwd, env);
  const commits = parseRawLog(log.stdout.toString('latin1'));
  const hot = new Map<string, boolean>();
  const unique = [...new Set(commits.flatMap((c) => c.blobs))];
  await forEachBlob(unique, cwd, (id, buf) => {
    hot.set(id, !isBinary(buf) && plain.matchLines(buf.toString('latin1')).length > 0);
  });
  const candidates = commits.filter((c) => c.blobs.some((b) => hot.get(b))).map((c) => c.sha);
  let toScan: string[] = [];
  if (candidates.length) {
    const confirm = await gitRun(['log', '--no-walk=unsorted', '--no-textconv', '--stdin', `-G${combined}`, '--pretty=%H'], cwd, `${candidates.join('\n')}\n`);
    toScan = confirm.stdout.toString('latin1').split('\n').filter(Boolean);
  }
  if (toScan.length === 0) return gitGrep(combined, { cached: false, untracked: false, noIndex: false }, [], cwd, env);

  // ls-tree -r -z: <mode> SP <type> SP <oid> TAB <path> NUL
  const trees = await Promise.all(
    toScan.map(async (sha) => {
      const r = await gitRun(['ls-tree', '-r', '-z', sha], cwd, undefined, env);
      const entries: { path: string; oid: string }[] = [];
      for (const rec of r.stdout.toString('latin1').split('\0')) {
        const tab = rec.indexOf('\t');
        if (tab < 0) continue;
        const [, type, oid] = rec.slice(0, tab).split(' ');
        if (type === 'blob') entries.push({ path: rec.slice(tab + 1), oid: oid! });
      }
      return entries;
    }),
  );
  const matches = new Map<string, LineMatch[]>();
  const unseen = new Set<string>();
  for (const entries of trees) for (const e of entries) if (!hot.has(e.oid)) unseen.add(e.oid);
  const toMatch = [
    ...new Set(
      trees
        .flat()
        .map((e) => e.oid)
        .filter((o) => hot.get(o) || unseen.has(o)),
    ),
  ];
  await forEachBlob(toMatch, cwd, (id, buf) => {
    matches.set(id, isBinary(buf) ? [] : matcher.matchLines(buf.toString('latin1')));
  });
  const lines: string[] = [];
  toScan.forEach((sha, i) => {
    for (const e of trees[i]!) {
      for (const m of matches.get(e.oid) ?? []) lines.push(`${sha}:${quotePath(e.path, quoteHigh)}:${m.line}:${m.text}`);
    }
  });
  return { status: lines.length ? 0 : 1, lines, stderr: '' };
}
