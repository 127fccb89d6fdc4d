import { opendirSync, readFileSync, type Dirent } from 'node:fs';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { EreError } from './ere.js';
import { gitRun, isBinary, quotePath, readObjects } from './gitio.js';
import { LineMatcher } from './matcher.js';

/**
 * What one grep run produced, as git-secrets sees it: grep's exit status (0 matched, 1 nothing,
 * 2 or 128 error), its output lines (`path:line:text`, bytes as latin1) and its stderr.
 */
export interface GrepOutcome {
  status: number;
  lines: string[];
  stderr: string;
}

/** Reads files in order (synchronously: many small files read fastest so); unreadable ones come back null. */
function readAll(files: readonly string[], cwd: string): (Buffer | null)[] {
  return files.map((f) => {
    try {
      return readFileSync(path.resolve(cwd, f));
    } catch {
      return null;
    }
  });
}

/**
 * `grep -d skip|recurse -nwHEI <patterns> <files…>` in the C locale (git-secrets' regular_grep):
 * `patternsText` holds one ERE per line; `-` reads `stdin` as "(standard input)"; a directory is
 * skipped unless `recursive`; files with a NUL byte are binary and skipped; a missing file is
 * reported as grep does and makes the status 2.
 */
export async function regularGrep(patternsText: string, files: readonly string[], recursive: boolean, cwd: string, stdin: () => Promise<string>): Promise<GrepOutcome> {
  if (patternsText === '') return { status: 1, lines: [], stderr: '' };
  let matcher: LineMatcher;
  try {
    matcher = new LineMatcher(patternsText.split('\n'), 'grep');
  } catch (err) {
    if (err instanceof EreError) return { status: 2, lines: [], stderr: `grep: ${err.message}\n` };
    throw err;
  }
  const lines: string[] = [];
  let stderr = '';
  let error = false;
  const grepText = (label: string, buf: Buffer): void => {
    if (buf.includes(0)) return;
    const name = Buffer.from(label, 'utf8').toString('latin1');
    for (const m of matcher.matchLines(buf.toString('latin1'))) lines.push(`${name}:${m.line}:${m.text}`);
  };
  const walk = (dir: string): void => {
    const entries: Dirent[] = [];
    try {
      // Directory order, unsorted: GNU grep -r walks with fts and no comparison function.
      const handle = opendirSync(path.resolve(cwd, dir));
      for (let d = handle.readSync(); d !== null; d = handle.readSync()) entries.push(d);
      handle.closeSync();
    } catch {
      stderr += `grep: ${dir}: Permission denied\n`;
      error = true;
      return;
    }
    for (const d of entries) {
      const p = dir.endsWith('/') ? dir + d.name : `${dir}/${d.name}`;
      // -r: symbolic links met while walking are not followed.
      if (d.isDirectory()) walk(p);
      else if (d.isFile()) {
        const buf = readAll([p], cwd)[0];
        if (buf) grepText(p, buf);
      }
    }
  };
  for (const file of files) {
    if (file === '-') {
      grepText('(standard input)', Buffer.from(await stdin(), 'utf8'));
      continue;
    }
    try {
      const st = await stat(path.resolve(cwd, file));
      if (st.isDirectory()) {
        if (recursive) walk(file);
        continue;
      }
      grepText(file, await readFile(path.resolve(cwd, file)));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      stderr += `grep: ${file}: ${code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : (err as Error).message}\n`;
      error = true;
    }
  }
  return { status: error ? 2 : lines.length ? 0 : 1, lines, stderr };
}

/** One staged file: its path (bytes as latin1, relative to cwd) and blob id. */
export interface StagedEntry {
  path: string;
  oid: string;
}

export interface GitGrepOptions {
  cached: boolean;
  untracked: boolean;
  noIndex: boolean;
  /** With `cached` and files: the index entries of exactly those files, already known. */
  staged?: StagedEntry[] | undefined;
}

/** A compiled git grep -w matcher, or the fatal message git grep prints for a bad pattern. */
export function gitMatcher(combined: string): LineMatcher | GrepOutcome {
  try {
    return new LineMatcher([combined], 'git');
  } catch (err) {
    if (err instanceof EreError) return { status: 128, lines: [], stderr: `fatal: command line, '${combined}': ${err.message}\n` };
    throw err;
  }
}

/** Every file under `dir` (relative to cwd), sorted, `.git` entries skipped: git grep --no-index. */
async function walkNoIndex(dir: string, cwd: string, out: string[]): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(path.resolve(cwd, dir))).sort();
  } catch {
    return;
  }
  for (const name of names) {
    if (name === '.git') continue;
    const p = dir === '.' ? name : dir.endsWith('/') ? dir + name : `${dir}/${name}`;
    const st = await lstat(path.resolve(cwd, p));
    if (st.isDirectory()) await walkNoIndex(p, cwd, out);
    else if (st.isFile() || st.isSymbolicLink()) out.push(p);
  }
}

/**
 * `git grep -nwHEI [--cached] [--untracked] [--no-index] <combined> -- <files…>` (git-secrets'
 * git_grep): the tracked files under cwd (paths relative to it), their staged blobs with
 * `cached`, plus untracked non-ignored files with `untracked`, or every file under cwd with
 * `noIndex` (as outside a repository). Binary files (a NUL in the first 8000 bytes) are skipped.
 */
export async function gitGrep(combined: string, opts: GitGrepOptions, files: readonly string[], cwd: string, quoteHigh: boolean, inRepo: boolean): Promise<GrepOutcome> {
  if (combined === '') return { status: 1, lines: [], stderr: '' };
  const matcher = gitMatcher(combined);
  if (!(matcher instanceof LineMatcher)) return matcher;
  const lines: string[] = [];
  const emit = (p: string, buf: Buffer | null | undefined): void => {
    if (!buf || isBinary(buf)) return;
    const label = quotePath(p, quoteHigh);
    for (const m of matcher.matchLines(buf.toString('latin1'))) lines.push(`${label}:${m.line}:${m.text}`);
  };
  if (opts.noIndex || (!inRepo && !opts.cached)) {
    const all: string[] = [];
    for (const f of files.length ? files : ['.']) {
      try {
        const st = await stat(path.resolve(cwd, f));
        if (st.isDirectory()) await walkNoIndex(f, cwd, all);
        else all.push(f);
      } catch {
        /* git grep --no-index ignores a path that is not there */
      }
    }
    const bufs = readAll(all, cwd);
    all.forEach((p, i) => emit(Buffer.from(p, 'utf8').toString('latin1'), bufs[i]));
    return { status: lines.length ? 0 : 1, lines, stderr: '' };
  }
  if (opts.cached && opts.staged && files.length) {
    const blobs = await readObjects([...new Set(opts.staged.map((e) => e.oid))], cwd);
    const sorted = [...opts.staged].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const e of sorted) emit(e.path, blobs.get(e.oid));
    return { status: lines.length ? 0 : 1, lines, stderr: '' };
  }
  if (opts.cached) {
    // git ls-files -s -z: <mode> SP <oid> SP <stage> TAB <path> NUL
    const r = await gitRun(['ls-files', '-s', '-z', '--', ...files], cwd);
    if (r.code !== 0) return { status: 128, lines: [], stderr: r.stderr.toString('latin1') };
    const entries: { path: string; oid: string }[] = [];
    const seen = new Set<string>();
    for (const rec of r.stdout.toString('latin1').split('\0')) {
      const tab = rec.indexOf('\t');
      if (tab < 0) continue;
      const [mode, oid] = rec.slice(0, tab).split(' ');
      const p = rec.slice(tab + 1);
      if (mode === '160000' || seen.has(p)) continue;
      seen.add(p);
      entries.push({ path: p, oid: oid! });
    }
    const blobs = await readObjects([...new Set(entries.map((e) => e.oid))], cwd);
    for (const e of entries) emit(e.path, blobs.get(e.oid));
    return { status: lines.length ? 0 : 1, lines, stderr: '' };
  }
  const args = ['ls-files', '-z', '--cached'];
  if (opts.untracked) args.push('--others', '--exclude-standard');
  const r = await gitRun([...args, '--', ...files], cwd);
  if (r.code !== 0) return { status: 128, lines: [], stderr: r.stderr.toString('latin1') };
  let paths = [...new Set(r.stdout.toString('latin1').split('\0').filter(Boolean))];
  if (opts.untracked) paths = paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // Paths are bytes-as-latin1; the file system wants the real (UTF-8) name.
  const bufs = readAll(paths.map((p) => Buffer.from(p, 'latin1').toString('utf8')), cwd);
  paths.forEach((p, i) => emit(p, bufs[i]));
  return { status: lines.length ? 0 : 1, lines, stderr: '' };
}
