import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gitSync, gitSyncReadingConfig, GitError } from '../git/exec.js';
import { DiffParser, fragmentOf, HUNK, LineSplitter, type AddedLines } from '../git/diffParser.js';
import { locateRepo, type RepoLocation } from '../git/locateRepo.js';
import { readObjects, type ReadObject } from '../git/readObjects.js';
import { SETUP_KEYS, setupFrom, type SecretsSetup } from '../gitsecrets/secretsConfig.js';
import type { Fragment, ScanStats } from '../types.js';
import { decodeBuffer, textFields } from './decode.js';

export interface StagedOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Staged files larger than this many bytes are skipped with a note (default: no cap). */
  maxFileSize?: number;
  /** The staged diff, when readStagedDiff already ran it (with the same options). */
  read?: StagedRead;
}

/** The staged diff run ahead of the scan (readStagedDiff): its output, or the error to throw when the scan reads it. */
export interface StagedRead {
  diff?: { repo: RepoLocation; out: Buffer };
  error?: unknown;
  /** The repository's git-secrets setup, as the diff's git process read it (undefined when it could not say). */
  secrets?: SecretsSetup;
}

/**
 * The options every diff keyfence reads is run with: zero context, none of the user's diff
 * settings that change the output (colors, external diff and textconv tools, prefixes, relative
 * paths), renames detected so a moved file adds nothing, only files that can gain lines
 * (Added, Copied, Modified, Renamed, Type-changed).
 */
export const DIFF_ARGS = ['-U0', '--no-color', '--no-ext-diff', '--no-textconv', '--no-relative', '-M', '--full-index', '--src-prefix=a/', '--dst-prefix=b/'];

/** `git diff --cached` as every staged diff is run (rename detection, no deletions). */
const STAGED_ARGS = ['diff', '--cached', ...DIFF_ARGS, '--diff-filter=ACMRT'];

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
 * The context the staged diff is asked for: more lines than any file git diffs as text can have
 * (core.bigFileThreshold=1g makes larger files binary; see safeGitArgs), so each file's one
 * hunk holds its whole new version. Small enough that git's line arithmetic cannot overflow a
 * 32-bit long.
 */
const WHOLE_FILE = 1_000_000_000;

/** Paths named on one git command line. */
const PATHS_PER_DIFF = 500;

/** One staged diff with whole-file context: each file's added lines, and its staged content. */
interface StagedDiff {
  files: Map<string, AddedLines>;
  /** The staged bytes of each file of `files` whose one hunk covers it whole (see parseStagedDiff). */
  contents: Map<string, Buffer>;
  /** Files git's diff calls binary (no hunk), with their blob ids. */
  binary: Map<string, string | undefined>;
}

/**
 * Parses `git diff --cached -U<WHOLE_FILE>`: with context wider than the file, a file's diff is
 * one hunk starting at new line 1 whose context (" ") and added ("+") lines are the staged
 * version, in order; "\ No newline at end of file" after one of them means the file does not
 * end with a newline:
 * ```
 * @@ -1,3 +1,4 @@
 *  unchanged
 * -old line
 * +new line
 *  unchanged
 * +last line
 * \ No newline at end of file
 * ```
 * Lines are split as Latin-1 (one character per byte), so the content is the blob's bytes
 * exactly (CR, invalid UTF-8 and all). A file whose diff is not that one whole hunk gets no
 * content (the caller reads its blob instead).
 */
function parseStagedDiff(out: Buffer): StagedDiff {
  const diff: StagedDiff = { files: new Map(), contents: new Map(), binary: new Map() };
  /** The current file's new-version lines as [start, end) byte ranges of `out`. */
  let ranges: number[] = [];
  let hunks = 0;
  let expected = -1;
  let last = 0;
  let noNewline = false;
  const parser = new DiffParser(
    (f) => {
      diff.files.set(f.path, f);
      if (hunks !== 1 || ranges.length / 2 !== expected) return;
      let size = ranges.length / 2 - (noNewline ? 1 : 0);
      for (let i = 0; i < ranges.length; i += 2) size += ranges[i + 1]! - ranges[i]!;
      const bytes = Buffer.allocUnsafe(size);
      let at = 0;
      for (let i = 0; i < ranges.length; i += 2) {
        at += out.copy(bytes, at, ranges[i]!, ranges[i + 1]!);
        if (at < size) bytes[at++] = 10;
      }
      diff.contents.set(f.path, bytes);
    },
    (p, blob) => diff.binary.set(p, blob),
  );
  let pos = 0;
  const feed = (l: string) => {
    const inHunk = parser.inHunk;
    parser.line(l);
    const c = l.charCodeAt(0);
    if (c === 92 /* \ */) {
      if (last === 32 || last === 43) noNewline = true;
    } else if (inHunk) {
      if (c === 32 || c === 43) ranges.push(pos + 1, pos + l.length);
      last = c;
    } else if (c === 64 /* @ */) {
      hunks++;
      const m = HUNK.exec(l);
      expected = m && m[2] === '1' ? (m[3] === undefined ? 1 : Number(m[3])) : -1;
      if (expected >= WHOLE_FILE) expected = -1; // could be cut short: read the blob
    } else if (l.startsWith('diff ')) {
      ranges = [];
      hunks = 0;
      expected = -1;
      last = 0;
      noNewline = false;
    }
    pos += l.length + 1;
  };
  const split = new LineSplitter('latin1');
  split.push(out, feed);
  split.end(feed);
  parser.end();
  return diff;
}

/** The diff of stagedFragments: the repository, and `git diff --cached` with whole-file context. */
function runStagedDiff(opts: StagedOptions, readSetup: boolean): { repo: RepoLocation; out: Buffer; secrets?: SecretsSetup } {
  const repo = locateRepo(opts.cwd, opts.env);
  if (!repo) throw new GitError('not a git repository: --staged reads the index of the repository it runs in');
  const args = [...STAGED_ARGS, `-U${WHOLE_FILE}`];
  const big = bigFiles(opts);
  if (!readSetup) return { repo, out: gitSync(args, opts.cwd, undefined, big) };
  const { stdout, config } = gitSyncReadingConfig(args, opts.cwd, SETUP_KEYS, opts.env, big);
  return { repo, out: stdout, ...(config ? { secrets: setupFrom(config) } : {}) };
}

/**
 * Runs the staged diff before the scan is planned, so that its git process also reads the
 * repository's git-secrets setup, which the plan needs (see gitSyncReadingConfig): a commit
 * costs the hook one git process, not two. Never throws: a failure is kept in `error` and
 * thrown when stagedFragments reads it (after the plan's own errors, as before).
 */
export function readStagedDiff(opts: StagedOptions): StagedRead {
  try {
    const { secrets, ...diff } = runStagedDiff(opts, true);
    return { diff, ...(secrets ? { secrets } : {}) };
  } catch (error) {
    return { error };
  }
}

/**
 * A file over --max-file-size is "binary" to the staged diffs: its content is never printed
 * (it is skipped with a note by size, read from cat-file's header alone).
 */
function bigFiles(opts: StagedOptions): { bigFileThreshold?: number } {
  return opts.maxFileSize === undefined ? {} : { bigFileThreshold: opts.maxFileSize };
}

/**
 * The fragments of `keyfence scan --staged`: the lines the next commit adds, read from the
 * index (never the working tree), paths relative to the repository root. Deleted files and
 * pure renames add nothing.
 *
 * Nothing the repository's attributes or config say hides a file: ONE `git diff --cached` with
 * whole-file context (against the empty tree when there is no HEAD yet, as git itself does)
 * gives both the added lines and each file's staged content: the content the commit records
 * (after clean filters), decoded as tree scans decode files (UTF-16, Latin-1; truly binary
 * content is counted in `stats.binarySkipped`). The files git's diff calls binary (`binary` or
 * `-diff` attributes, UTF-16, NUL bytes) are read with one `git cat-file --batch` and, when
 * they read as text, diffed again with `--text` (more git processes only when there are such
 * files). Each fragment is the whole staged file, with `reportLines` the added lines: findings
 * are reported on added lines only, but pair with the file's unchanged lines (a secret added
 * below a committed key ID). Git LFS pointers and files over `maxFileSize` are skipped with a
 * note. Git runs synchronously (gitSync): the hook has nothing else to do meanwhile.
 *
 * While a merge is being concluded (MERGE_HEAD exists) only the lines that are new relative to
 * every parent count: what the merge itself adds, not what it brings in from a branch (that
 * was scanned when it was committed there). Cherry-picks and reverts are ordinary commits.
 *
 * Throws GitError outside a repository or when git fails or is missing.
 */
export async function* stagedFragments(opts: StagedOptions, stats: ScanStats): AsyncGenerator<Fragment> {
  if (opts.read?.error) throw opts.read.error;
  const { repo, out } = opts.read?.diff ?? runStagedDiff(opts, false);
  const mergeFile = path.join(repo.gitDir, 'MERGE_HEAD');
  const mergeHeads = existsSync(mergeFile)
    ? readFileSync(mergeFile, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => /^[0-9a-f]{40,64}$/.test(l))
    : [];
  const big = bigFiles(opts);
  const { files, contents, binary } = parseStagedDiff(out);
  // Blobs to read: binary files', and any file the diff did not give whole.
  const wanted = [...[...files.values()].filter((f) => !contents.has(f.path)), ...[...binary.values()].map((blob) => ({ blob }))].flatMap((f) =>
    f.blob ? [f.blob] : [],
  );
  const blobs = wanted.length ? await readObjects(wanted, opts.cwd, opts.maxFileSize) : new Map<string, ReadObject>();
  // What git's diff calls binary but reads as text (UTF-16, `binary`/`-diff` attributes) is diffed again as text.
  const textual: string[] = [];
  for (const [p, blob] of binary) {
    const o = blob ? blobs.get(blob) : undefined;
    if (o && !o.bytes) stats.skipped.push({ path: p, reason: `larger than --max-file-size (${o.size} bytes)` });
    else if (o?.bytes && decodeBuffer(o.bytes.subarray(0, 8000)).kind === 'text') textual.push(p);
    else stats.binarySkipped++;
  }
  // `--text` would print a file over --max-file-size too (it overrides bigFileThreshold), so
  // only these files are diffed with it, by name, in chunks that keep the command line short.
  const textDiff = (rev: string[]): Buffer[] => {
    const outs: Buffer[] = [];
    for (let i = 0; i < textual.length; i += PATHS_PER_DIFF) {
      const specs = textual.slice(i, i + PATHS_PER_DIFF).map((p) => `:(top,literal)${p}`);
      outs.push(gitSync([...STAGED_ARGS, '--text', ...rev, '--', ...specs], opts.cwd, undefined, big));
    }
    return outs;
  };
  for (const out of textDiff([])) for (const [p, added] of parseDiff(out, () => {})) files.set(p, added);
  const others = mergeHeads.map((sha) => Buffer.concat([gitSync([...STAGED_ARGS, sha, '--'], opts.cwd, undefined, big), ...textDiff([sha])]));
  for (const out of others) {
    const vsParent = parseDiff(out, () => {});
    for (const [p, added] of files) {
      const also = new Set(vsParent.get(p)?.lineNumbers ?? []);
      const keep = added.lineNumbers.map((n, i) => (also.has(n) ? i : -1)).filter((i) => i >= 0);
      if (keep.length === 0) files.delete(p);
      else files.set(p, { ...added, lines: keep.map((i) => added.lines[i]!), lineNumbers: keep.map((i) => added.lineNumbers[i]!) });
    }
  }
  const maxSize = opts.maxFileSize ?? Infinity;
  for (const added of files.values()) {
    const content = contents.get(added.path);
    const blob = content
      ? content.length > maxSize
        ? { size: content.length }
        : { size: content.length, bytes: content }
      : added.blob
        ? blobs.get(added.blob)
        : undefined;
    const fragment = stagedFragment(added, blob, stats);
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
  return { ...textFields(blob.bytes, decoded), path: added.path, startLine: 1, reportLines: added.lineNumbers };
}
