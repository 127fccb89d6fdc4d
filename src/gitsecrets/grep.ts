import { closeSync, fstatSync, openSync, opendirSync, readFileSync, readSync, type Dirent } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { runProcess } from '../git/runProcess.js';
import { gitRun } from './gitio.js';
import type { LineMatcher } from './matcher.js';

/**
 * What one grep run produced, as git-secrets sees it: grep's exit status (0 matched, 1 nothing,
 * 2 or 128 error), its output lines (`path:line:text`, bytes as latin1) and its stderr.
 */
export interface GrepOutcome {
  status: number;
  lines: string[];
  stderr: string;
}

/**
 * Reads files one at a time into one reused buffer (thousands of small files read fastest so,
 * and nothing is left for the garbage collector). The returned view is valid until the next read.
 */
class FileReader {
  private buf = Buffer.allocUnsafe(1 << 20);

  constructor(private readonly cwd: string) {}

  read(file: string): Buffer | null {
    const full = file.startsWith('/') ? file : `${this.cwd}/${file}`;
    let fd: number;
    try {
      fd = openSync(full, 'r');
    } catch {
      return null;
    }
    try {
      const size = fstatSync(fd).size;
      if (!(size < this.buf.length)) this.buf = Buffer.allocUnsafe(Math.max(size + 1, this.buf.length * 2));
      let n = 0;
      for (let r; n < this.buf.length && (r = readSync(fd, this.buf, n, this.buf.length - n, null)) > 0; ) n += r;
      if (n === this.buf.length) return readFileSync(full); // grew while reading
      return this.buf.subarray(0, n);
    } catch {
      return null;
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * `grep -d skip|recurse -nwHEI <patterns> <files…>` in the C locale (git-secrets' regular_grep):
 * `patternsText` holds one ERE per line; `-` reads `stdin` as "(standard input)"; a directory is
 * skipped unless `recursive`; files with a NUL byte are binary and skipped; a missing file is
 * reported as grep does and makes the status 2.
 */
export async function regularGrep(
  patternsText: string,
  files: readonly string[],
  recursive: boolean,
  cwd: string,
  stdin: () => Promise<Buffer>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GrepOutcome> {
  if (patternsText === '') return { status: 1, lines: [], stderr: '' };
  if (recursive && env.KEYFENCE_GIT_SECRETS_GREP !== 'js') {
    // Whole directory trees: the system grep (what git-secrets runs) is the fastest reader;
    // same arguments as git-secrets. Without one, the built-in matcher below does the work.
    const childEnv: NodeJS.ProcessEnv = { ...env, LC_ALL: 'C', GREP_OPTIONS: '' };
    const input = files.includes('-') ? await stdin() : undefined;
    const r = await runProcess('grep', ['-d', 'recurse', '-nwHEI', patternsText, ...files], cwd, input, childEnv);
    if (!(r.code === 127 && r.stdout.length === 0)) {
      const out = r.stdout.toString('latin1').replace(/\n$/, '');
      return { status: r.code, lines: r.code === 0 && out ? out.split('\n') : [], stderr: r.stderr.toString('latin1') };
    }
  }
  let matcher: LineMatcher;
  try {
    const { LineMatcher } = await import('./matcher.js');
    matcher = new LineMatcher(patternsText.split('\n'), 'grep');
  } catch (err) {
    if ((err as Error)?.name === 'EreError') return { status: 2, lines: [], stderr: `grep: ${(err as Error).message}\n` };
    throw err;
  }
  const lines: string[] = [];
  const reader = new FileReader(path.resolve(cwd));
  let stderr = '';
  let error = false;
  const grepText = (label: string, buf: Buffer): void => {
    if (buf.includes(0)) return;
    const name = Buffer.from(label, 'utf8').toString('latin1');
    for (const m of matcher.matchBuffer(buf)) lines.push(`${name}:${m.line}:${m.text}`);
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
        const buf = reader.read(p);
        if (buf) grepText(p, buf);
      }
    }
  };
  for (const file of files) {
    if (file === '-') {
      grepText('(standard input)', await stdin());
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

export interface GitGrepOptions {
  cached: boolean;
  untracked: boolean;
  noIndex: boolean;
}

/**
 * git-secrets' git_grep: `git grep -nwHEI [--cached] [--untracked] [--no-index] <combined> --
 * <files…>` in the C locale, run as is. Tree scans are git grep's job in git-secrets too: git's
 * native, threaded grep is as fast as it gets, and running it keeps every detail identical (which
 * files, binary detection with .gitattributes, path quoting, git grep's own -w rule).
 *
 * Output, one line per match: <path> ":" <line number> ":" <text>. Exit 0 match, 1 none, else error.
 */
export async function gitGrep(
  combined: string,
  opts: GitGrepOptions,
  files: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GrepOutcome> {
  if (combined === '') return { status: 1, lines: [], stderr: '' };
  const args = ['grep', '-nwHEI'];
  if (opts.cached) args.push('--cached');
  if (opts.untracked) args.push('--untracked');
  if (opts.noIndex) args.push('--no-index');
  const childEnv: NodeJS.ProcessEnv = { ...env, LC_ALL: 'C' };
  delete childEnv.GREP_OPTIONS;
  const r = await gitRun([...args, combined, '--', ...files], cwd, undefined, childEnv);
  const out = r.stdout.toString('latin1').replace(/\n$/, '');
  return { status: r.code, lines: r.code === 0 && out ? out.split('\n') : [], stderr: r.stderr.toString('latin1') };
}
