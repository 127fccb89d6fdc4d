import { isUtf8 } from 'node:buffer';
import { existsSync, readdir, type Dirent } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { git, GitError } from '../git/exec.js';
import { locateRepo } from '../git/locateRepo.js';
import { standInSafe } from '../detect/standIn.js';
import type { RuleSpec } from '../rules/spec.js';
import type { Detected } from '../scan.js';
import type { Fragment, ScanStats } from '../types.js';
import { readFragment } from './readFragment.js';
import { InputError } from '../errors.js';

// Reading one file lives in readFragment.ts (what the tree workers load); importers of it from here keep working.
export { readFragment } from './readFragment.js';

export interface TreeOptions {
  /** Files or directories to scan, relative to cwd; empty means cwd. */
  paths: string[];
  cwd: string;
  /** Walk the file system even inside a git work tree. */
  noGit: boolean;
  /** Files larger than this many bytes are skipped with a note. */
  maxFileSize: number;
  /**
   * Called with every listed file's reported path; only files it returns true for are read
   * (a shard's share: src/shard/shardSources.ts). Absent: every file.
   */
  keep?: (rel: string) => boolean;
}

export interface Listed {
  /** Absolute path to read: bytes when the name is not valid UTF-8. */
  abs: string | Uint8Array;
  /** Path to report: "/" separators, relative to the scan root. */
  rel: string;
}

const toSlash = (p: string) => p.split(path.sep).join('/');

/**
 * A path's bytes as text to report: UTF-8 as is; a name that is not valid UTF-8 with each byte
 * outside printable ASCII written `\xNN` (and `\` as `\\`), so it stays one readable line.
 */
export function escapedName(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let out = '';
  for (const b of bytes) out += b === 0x5c ? '\\\\' : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return out;
}

/**
 * `git ls-files -z -t --cached --others --exclude-standard`: what git would commit. Output is
 * a status tag, a space and a path relative to the repo root per entry, NUL-terminated, e.g.
 * "H src/a.ts\0S docs/sparse.md\0? new file.txt\0" (H: cached, S: skip-worktree, i.e. left
 * out of a sparse checkout, ?: untracked, M/C/R/K: unmerged, changed, removed, to be killed).
 * Paths are bytes (not always UTF-8); a path in both the index and the work tree, or at several
 * merge stages, is listed once per entry, so duplicates are dropped. Skip-worktree files absent
 * from the work tree are not listed: a note counts them.
 */
async function listGit(root: string, pathspecs: string[], stats: ScanStats): Promise<Listed[]> {
  const out = await git(['ls-files', '-z', '-t', '--cached', '--others', '--exclude-standard', '--', ...pathspecs], root);
  const seen = new Set<string>();
  const listed: Listed[] = [];
  const rootBytes = Buffer.from(root.endsWith(path.sep) ? root : root + path.sep);
  let sparse = 0;
  for (let start = 0, end; start < out.length; start = end + 1) {
    end = out.indexOf(0, start);
    if (end < 0) end = out.length;
    if (end - start < 3) continue;
    const tag = out[start];
    const bytes = out.subarray(start + 2, end);
    const key = bytes.toString('latin1');
    if (seen.has(key)) continue;
    seen.add(key);
    const rel = escapedName(bytes);
    const abs = isUtf8(bytes) ? path.join(root, rel) : Buffer.concat([rootBytes, bytes]);
    if (tag === 0x53 /* S */ && !existsSync(abs)) {
      sparse++;
      continue;
    }
    listed.push({ abs, rel });
  }
  if (sparse)
    (stats.notes ??= []).push(
      `${sparse} file${sparse === 1 ? '' : 's'} outside the sparse checkout (not in the work tree) not scanned: scan --history, or a full checkout, reads them`,
    );
  return listed;
}

/** Directories a walk reads at once. */
const WALK_CONCURRENCY = 8;

/** A directory to read: its path to open (bytes below a name that is not UTF-8) and to report. */
interface WalkDir {
  abs: string | Buffer;
  rel: string;
}

const SEP = Buffer.from(path.sep);

/**
 * Every regular file below `dir` (dotfiles too, .git skipped, links not followed), yielded as
 * the walk finds them, so scanning can start before the walk ends. `rel` is relative to `base`;
 * a directory that cannot be read is a note in `skipped`. Names are read as the bytes they are:
 * a file whose name is not valid UTF-8 is opened by those bytes and reported with
 * escapedName (a name decoded to text with U+FFFD in it could not be opened, so such a file
 * would go unscanned). By hand, on fs.readdir: a glob library decodes names to text, and did
 * three times the work on the thread that also feeds the workers (0.25 s of CPU for 27k files).
 */
async function* walkDir(dir: string, base: string, skipped: ScanStats['skipped']): AsyncGenerator<Listed> {
  const todo: WalkDir[] = [{ abs: dir, rel: toSlash(path.relative(base, dir)) }];
  const found: Listed[] = [];
  let reading = 0;
  let wake: (() => void) | undefined;
  const under = (parent: WalkDir, name: string | Buffer): WalkDir => {
    const text = typeof name === 'string' ? name : isUtf8(name) ? name.toString('utf8') : undefined;
    const rel = `${parent.rel ? `${parent.rel}/` : ''}${text ?? escapedName(name as Buffer)}`;
    if (text !== undefined && typeof parent.abs === 'string') {
      return { abs: parent.abs.endsWith(path.sep) ? parent.abs + text : parent.abs + path.sep + text, rel };
    }
    const parentBytes = typeof parent.abs === 'string' ? Buffer.from(parent.abs) : parent.abs;
    const nameBytes = typeof name === 'string' ? Buffer.from(name) : name;
    return { abs: Buffer.concat(parentBytes.at(-1) === SEP[0] ? [parentBytes, nameBytes] : [parentBytes, SEP, nameBytes]), rel };
  };
  const take = (parent: WalkDir, entries: Dirent[]) => {
    for (const e of entries) {
      const name = e.name as string | Buffer;
      if (e.isDirectory()) {
        if (String(name) !== '.git') todo.push(under(parent, name));
      } else if (e.isFile()) found.push(under(parent, name));
    }
  };
  const read = (d: WalkDir, encoding: 'utf8' | 'buffer') => {
    reading++;
    readdir(d.abs, { withFileTypes: true, encoding: encoding as 'utf8' }, (err, entries) => {
      reading--;
      if (err) {
        if (err.code !== 'ENOENT') skipped.push({ path: d.rel || '.', reason: `unreadable directory (${err.code})` });
      } else if (encoding === 'utf8' && entries.some((e) => e.name.includes('\uFFFD'))) {
        read(d, 'buffer'); // a name that is not UTF-8 (or holds U+FFFD): read as bytes
      } else take(d, entries);
      pump();
      wake?.();
      wake = undefined;
    });
  };
  const pump = () => {
    while (reading < WALK_CONCURRENCY && todo.length) {
      const d = todo.shift()!;
      read(d, typeof d.abs === 'string' ? 'utf8' : 'buffer');
    }
  };
  pump();
  for (;;) {
    if (found.length) {
      yield* found.splice(0);
      continue;
    }
    if (reading === 0 && todo.length === 0) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
}

/**
 * The files a tree scan reads, yielded as they are found. Inside a git work tree (unless
 * noGit): the files git would commit, paths relative to the repo root. Without git installed,
 * the file system is walked instead, with a note in `stats.notes`. Otherwise: every regular
 * file under the given paths, relative to the one directory given (or to cwd when several
 * paths or a file are given). Throws InputError, before yielding anything, for a path that
 * does not exist.
 */
export async function* walkTree(opts: TreeOptions, stats: ScanStats): AsyncGenerator<Listed> {
  const given = opts.paths.length ? opts.paths : ['.'];
  const resolved = given.map((p) => path.resolve(opts.cwd, p));
  const kinds = await Promise.all(
    resolved.map(async (abs, i) => {
      try {
        return (await stat(abs)).isDirectory() ? 'dir' : 'file';
      } catch {
        throw new InputError(`path not found: ${given[i]}`);
      }
    }),
  );
  if (!opts.noGit) {
    const repo = locateRepo(kinds[0] === 'dir' ? resolved[0]! : path.dirname(resolved[0]!));
    const root = repo?.workTree;
    if (root && resolved.every((abs) => !path.relative(root, abs).startsWith('..'))) {
      const specs = resolved.map((abs) => toSlash(path.relative(root, abs)) || '.');
      let listed: Listed[] | undefined;
      try {
        listed = await listGit(
          root,
          specs.map((s) => `:(literal)${s}`),
          stats,
        );
      } catch (err) {
        if (!(err instanceof GitError)) throw err;
        (stats.notes ??= []).push(`${err.message}: scanning every file under the paths, as with --no-git`);
      }
      if (listed) {
        yield* listed;
        return;
      }
    }
  }
  const base = resolved.length === 1 && kinds[0] === 'dir' ? resolved[0]! : opts.cwd;
  for (const [i, abs] of resolved.entries()) {
    if (kinds[i] === 'dir') yield* walkDir(abs, base, stats.skipped);
    else yield { abs, rel: toSlash(path.relative(base, abs)) };
  }
}

/**
 * Below this many listed files a tree scan never starts a worker thread (the listing runs ahead
 * of the reading, so this is known before the first file is read).
 */
export const PARALLEL_MIN_FILES = 400;

/**
 * A tree scan starts a worker thread only once the main thread has read this many bytes and
 * files are still waiting: a worker costs ~40 ms of CPU to start (its one-module bundle, the
 * rules compiled), and on a shared 2-core machine a second thread seldom has a core of its own.
 * Measured (2-core VM, quiet; three runs each): a 43 MB repository scan (`npm run bench -- repo`)
 * takes 0.41 s wall / 0.63 s CPU with a worker from 16 MB, 0.39 s / 0.55 s from 32 MB, 0.38 s /
 * 0.55 s with none; the 600 MB tree audit takes the same 2.5–2.6 s wall from 4, 16 or 32 MB.
 */
export const PARALLEL_START_BYTES = 32 << 20;

/**
 * Fragments of a tree scan: one per text file, read here in listing order. With `rules` given,
 * more than one CPU, at least PARALLEL_MIN_FILES files and PARALLEL_START_BYTES read with more
 * waiting, the rest goes through scanInWorkers (treeWorkers.ts): worker threads read and scan
 * batches and yield their findings already detected (each with the lines around it as context),
 * while this thread goes on reading files between their batches. `stats.filesTotal` is set
 * when the listing ends.
 */
export async function* treeFragments(opts: TreeOptions, stats: ScanStats, rules?: readonly RuleSpec[]): AsyncGenerator<Fragment | Detected> {
  const walk = opts.keep ? kept(walkTree(opts, stats), opts.keep) : walkTree(opts, stats);
  const head: Listed[] = [];
  const parallel = rules !== undefined && availableParallelism() > 1;
  let ended = false;
  while (!ended && (!parallel || head.length < PARALLEL_MIN_FILES)) {
    const next = await walk.next();
    if (next.done) ended = true;
    else head.push(next.value);
  }
  if (!ended && rules) {
    const { scanInWorkers } = await import('./treeWorkers.js');
    yield* scanInWorkers(concat(head, walk), rules, opts.maxFileSize, stats, PARALLEL_START_BYTES);
    return;
  }
  stats.filesTotal = head.length;
  // Stand-in views only for a scan whose rules allow them (../detect/standIn.ts).
  const standIns = rules !== undefined && rules.every(standInSafe);
  for (const f of head) {
    const fragment = readFragment(f, opts.maxFileSize, stats, standIns);
    if (fragment) yield fragment;
  }
}

async function* kept(listed: AsyncIterable<Listed>, keep: (rel: string) => boolean): AsyncGenerator<Listed> {
  for await (const f of listed) if (keep(f.rel)) yield f;
}

async function* concat<T>(first: readonly T[], rest: AsyncIterable<T>): AsyncGenerator<T> {
  yield* first;
  yield* rest;
}
