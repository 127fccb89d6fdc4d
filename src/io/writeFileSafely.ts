import { randomBytes } from 'node:crypto';
import { chmod, lstat, open, realpath, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Why keyfence would not (or could not) write a file: one line, the caller adds which file. */
export class WriteRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriteRefused';
  }
}

export interface SafeWriteOptions {
  /**
   * The directory the file belongs in (the repository root, or the directory a command-line
   * path is relative to). A path inside it must stay inside it once symlinked directories are
   * resolved, so a committed symlink cannot lead a write out of the repository.
   */
  root: string;
  /**
   * The path was named on the command line: it may then lie outside `root` (the user asked for
   * it). A path that comes from a config file or a default must be inside `root`.
   */
  named?: boolean;
  /**
   * Permission bits of the written file. Default: those of the file being replaced, else 0o644.
   * Give 0o600 for content that holds unredacted secrets (--no-redact).
   */
  mode?: number;
}

const inside = (root: string, p: string): boolean => {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
};

/** A reason for a file-system error code a person understands. */
function reasonOf(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'its directory does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    default:
      return err.code ?? err.message;
  }
}

/**
 * Every file keyfence writes (reports, baselines, git hooks) goes through here. Contract:
 * - never through a symlink: a symlink at `file` is refused (it is not followed, not replaced);
 * - never outside `root` unless the path was `named` on the command line, and a path inside
 *   `root` must resolve (symlinked directories included) to a place inside it;
 * - atomically: the content goes to a temporary file next to the target, then is renamed over
 *   it, so a reader sees the old file or the new one, never half of one, and a failed write
 *   leaves the old file as it was;
 * - with `mode` (see SafeWriteOptions), not widened by the umask-free temp file;
 * - `data` may come in pieces (a huge report is never one string): they are written as they come.
 * Throws WriteRefused with one line saying why (the caller names the file).
 */
export async function writeFileSafely(file: string, data: string | Buffer | Iterable<string> | AsyncIterable<string>, opts: SafeWriteOptions): Promise<void> {
  const abs = path.resolve(opts.root, file);
  const root = path.resolve(opts.root);
  const lexicallyInside = inside(root, abs);
  if (!lexicallyInside && !opts.named) throw new WriteRefused(`it is outside ${root}, and keyfence writes there only to a path named on the command line`);
  let dir: string;
  try {
    dir = await realpath(path.dirname(abs));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Relative to the root inside it; outside it, the absolute path (not ../../../x).
    const parent = path.dirname(abs);
    const shownDir = inside(root, parent) ? path.relative(root, parent) || '.' : parent;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new WriteRefused(`directory ${shownDir} does not exist`);
    throw new WriteRefused(reasonOf(err as NodeJS.ErrnoException));
  }
  if (lexicallyInside) {
    const realRoot = await realpath(root).catch(() => root);
    if (!inside(realRoot, dir)) throw new WriteRefused(`a symbolic link in its path leads outside ${root}; keyfence never writes through a symbolic link`);
  }
  const target = path.join(dir, path.basename(abs));
  let mode = opts.mode;
  try {
    const st = await lstat(target);
    if (st.isSymbolicLink()) throw new WriteRefused('it is a symbolic link; keyfence never writes through one');
    if (!st.isFile()) throw new WriteRefused('it is not a regular file');
    mode ??= st.mode & 0o777;
  } catch (err) {
    if (err instanceof WriteRefused) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new WriteRefused(reasonOf(err as NodeJS.ErrnoException));
  }
  mode ??= 0o644;
  const tmp = path.join(dir, `.${path.basename(abs)}.keyfence-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let created = false;
  try {
    // O_EXCL: never opens an existing file (or a symlink planted under the temp name).
    const handle = await open(tmp, 'wx', 0o600);
    created = true;
    try {
      if (typeof data === 'string' || Buffer.isBuffer(data)) await handle.writeFile(data);
      else {
        let buffered = '';
        for await (const chunk of data) {
          buffered += chunk;
          if (buffered.length >= 1 << 16) {
            await handle.write(buffered);
            buffered = '';
          }
        }
        if (buffered) await handle.write(buffered);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(tmp, mode);
    await rename(tmp, target);
  } catch (err) {
    if (created) await unlink(tmp).catch(() => undefined);
    throw new WriteRefused(reasonOf(err as NodeJS.ErrnoException));
  }
}
