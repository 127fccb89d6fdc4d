import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { git, GitError } from '../git/exec.js';
import { DiffParser, fragmentOf, LineSplitter, type AddedLines } from '../git/diffParser.js';
import { locateRepo } from '../git/locateRepo.js';
import { startReadObjects } from '../git/readObjects.js';
import type { Fragment, ScanStats } from '../types.js';
import { decodeBuffer } from './decode.js';

export interface StagedOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Staged files larger than this many bytes are skipped with a note (default: no cap). */
  maxFileSize?: number;
}

/**
 * The options every diff keyfence reads is run with: zero context, none of the user's diff
 * settings that change the output (colors, external diff and textconv tools, prefixes, relative
 * paths), renames detected so a moved file adds nothing, only files that can gain lines
 * (Added, Copied, Modified, Renamed, Type-changed).
 */
export const DIFF_ARGS = ['-U0', '--no-color', '--no-ext-diff', '--no-textconv', '--no-relative', '-M', '--full-index', '--src-prefix=a/', '--dst-prefix=b/'];

/** Parses one `git diff` output into each file's added lines, telling binary files to `onBinary`. */
function parseDiff(out: Buffer, onBinary: (path: string, blob: string | undefined) => void): Map<string, AddedLines> {
  const files = new Map<string, AddedLines>();
  const parser = new DiffParser((f) => files.set(f.path, f), onBinary);
  const split = new LineSplitter();
  const feed = (l: string) => parser.line(l);
  split.push(out, feed);
  split.end(feed);
  parser.end();
  return files;
}

/** The start of a Git LFS pointer file (what is committed in place of an LFS-tracked file). */
const LFS_POINTER = Buffer.from('version https://git-lfs.github.com/spec/v1\n');

/**
 * The fragments of `keyfence scan --staged`: the lines the next commit adds, read from the
 * index (never the working tree), paths relative to the repository root. Deleted files and
 * pure renames add nothing.
 *
 * Nothing the repository's attributes or config say hides a file: one `git diff --cached -U0`
 * (against the empty tree when there is no HEAD yet, as git itself does) finds the added lines;
 * the files git's diff calls binary (`binary` or `-diff` attributes, UTF-16, NUL bytes) are
 * diffed again with `--text` (a second git process only when there are such files). Then ONE
 * `git cat-file --batch` reads every staged blob with added lines: the content the commit
 * records (after clean filters), decoded as tree scans decode files (UTF-16, Latin-1; truly
 * binary blobs are counted in `stats.binarySkipped`). Each fragment is the whole staged file,
 * with `reportLines` the added lines: findings are reported on added lines only, but pair
 * with the file's unchanged lines (a secret added below a committed key ID). Git LFS pointers
 * and blobs over `maxFileSize` are skipped with a note.
 *
 * While a merge is being concluded (MERGE_HEAD exists) only the lines that are new relative to
 * every parent count: what the merge itself adds, not what it brings in from a branch (that
 * was scanned when it was committed there). Cherry-picks and reverts are ordinary commits.
 *
 * Throws GitError outside a repository or when git fails or is missing.
 */
export async function* stagedFragments(opts: StagedOptions, stats: ScanStats): AsyncGenerator<Fragment> {
  const repo = locateRepo(opts.cwd, opts.env);
  if (!repo) throw new GitError('not a git repository: --staged reads the index of the repository it runs in');
  const args = ['diff', '--cached', ...DIFF_ARGS, '--diff-filter=ACMRT'];
  const mergeFile = path.join(repo.gitDir, 'MERGE_HEAD');
  const mergeHeads = existsSync(mergeFile)
    ? readFileSync(mergeFile, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => /^[0-9a-f]{40,64}$/.test(l))
    : [];
  // cat-file starts beside the diff; it is given the blob ids the diff finds.
  const readObjects = startReadObjects(opts.cwd);
  let diffs: Buffer[];
  try {
    diffs = await Promise.all([git(args, opts.cwd), ...mergeHeads.map((sha) => git([...args, '--text', sha, '--'], opts.cwd))]);
  } catch (err) {
    void readObjects([]).catch(() => {}); // let cat-file end
    throw err;
  }
  const [main, ...others] = diffs;
  const binary = new Map<string, string | undefined>();
  const files = parseDiff(main!, (p, blob) => {
    binary.set(p, blob);
  });
  const wanted = [...files.values(), ...[...binary.values()].map((blob) => ({ blob }))].flatMap((f) => (f.blob ? [f.blob] : []));
  const blobs = await readObjects(wanted, opts.maxFileSize);
  // What git's diff calls binary but reads as text (UTF-16, `binary`/`-diff` attributes) is diffed again as text.
  const textual: string[] = [];
  for (const [p, blob] of binary) {
    const o = blob ? blobs.get(blob) : undefined;
    if (o && !o.bytes) stats.skipped.push({ path: p, reason: `larger than --max-file-size (${o.size} bytes)` });
    else if (o?.bytes && decodeBuffer(o.bytes.subarray(0, 8000)).kind === 'text') textual.push(p);
    else stats.binarySkipped++;
  }
  if (textual.length) {
    const again = parseDiff(await git([...args, '--text', '--', ...textual.map((p) => `:(top,literal)${p}`)], opts.cwd), () => {});
    for (const [p, added] of again) files.set(p, added);
  }
  for (const out of others) {
    const vsParent = parseDiff(out, () => {});
    for (const [p, added] of files) {
      const also = new Set(vsParent.get(p)?.lineNumbers ?? []);
      const keep = added.lineNumbers.map((n, i) => (also.has(n) ? i : -1)).filter((i) => i >= 0);
      if (keep.length === 0) files.delete(p);
      else files.set(p, { ...added, lines: keep.map((i) => added.lines[i]!), lineNumbers: keep.map((i) => added.lineNumbers[i]!) });
    }
  }
  for (const added of files.values()) {
    const fragment = stagedFragment(added, added.blob ? blobs.get(added.blob) : undefined, stats);
    if (fragment) yield fragment;
  }
}

/** One staged file's fragment (see stagedFragments), counting it in `stats`; undefined when skipped. */
function stagedFragment(added: AddedLines, blob: { size: number; bytes?: Buffer } | undefined, stats: ScanStats): Fragment | undefined {
  if (!blob) {
    // No blob to read (cannot happen with --full-index): the added lines alone.
    const fragment: Fragment = fragmentOf(added);
    stats.filesScanned++;
    stats.bytesScanned += Buffer.byteLength(fragment.text);
    return fragment;
  }
  if (!blob.bytes) {
    stats.skipped.push({ path: added.path, reason: `larger than --max-file-size (${blob.size} bytes)` });
    return undefined;
  }
  if (blob.bytes.subarray(0, LFS_POINTER.length).equals(LFS_POINTER)) {
    stats.skipped.push({ path: added.path, reason: 'Git LFS pointer: the content is stored outside git and was not scanned' });
    return undefined;
  }
  const decoded = decodeBuffer(blob.bytes);
  if (decoded.kind === 'binary') {
    stats.binarySkipped++;
    return undefined;
  }
  stats.filesScanned++;
  stats.bytesScanned += blob.size;
  const fragment: Fragment = { text: decoded.text, path: added.path, startLine: 1, reportLines: added.lineNumbers };
  if (decoded.encoding) fragment.encoding = decoded.encoding;
  return fragment;
}
