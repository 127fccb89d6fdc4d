import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './io.js';

/**
 * Checks, before a scan, that a report can be written to `file` (shown to the user as `shown`):
 * its directory exists and it is not a directory itself. Throws UsageError with one line.
 */
export async function checkReportPath(file: string, shown: string): Promise<void> {
  const dir = path.dirname(file);
  const st = await stat(dir).catch(() => undefined);
  if (!st) throw new UsageError(`cannot write report to ${shown}: directory ${path.dirname(shown) || '.'} does not exist`);
  if (!st.isDirectory()) throw new UsageError(`cannot write report to ${shown}: ${path.dirname(shown)} is not a directory`);
  if ((await stat(file).catch(() => undefined))?.isDirectory()) throw new UsageError(`cannot write report to ${shown}: it is a directory`);
}

/**
 * Writes a report to `file` piece by piece (a huge report is never one string), replacing the
 * file; never through a symlink at `file` (O_NOFOLLOW). The one place reports are written to
 * disk. Throws UsageError with one line when the file cannot be written.
 */
export async function writeReportFile(file: string, shown: string, chunks: Iterable<string> | AsyncIterable<string>): Promise<void> {
  let handle;
  try {
    handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0), 0o666);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `directory ${path.dirname(shown) || '.'} does not exist` : code === 'ELOOP' ? 'it is a symbolic link' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? (err as Error).message);
    throw new UsageError(`cannot write report to ${shown}: ${why}`);
  }
  try {
    let buffered = '';
    for await (const chunk of chunks) {
      buffered += chunk;
      if (buffered.length >= 1 << 16) {
        await handle.write(buffered);
        buffered = '';
      }
    }
    if (buffered) await handle.write(buffered);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot write report to ${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  } finally {
    await handle.close();
  }
}
