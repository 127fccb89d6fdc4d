import path from 'node:path';
import { stat } from 'node:fs/promises';
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
 * Writes a report to `file` (named on the command line, relative to `cwd`) piece by piece, so a
 * huge report is never one string, through writeFileSafely: never through a symlink, atomically,
 * mode 0600 when `secretsInClear` (--no-redact). Throws UsageError with one line when the file
 * cannot be written.
 */
export async function writeReportFile(
  file: string,
  shown: string,
  chunks: Iterable<string> | AsyncIterable<string>,
  opts: { cwd: string; secretsInClear: boolean },
): Promise<void> {
  const { writeFileSafely } = await import('../io/writeFileSafely.js');
  try {
    await writeFileSafely(file, chunks, { root: opts.cwd, named: true, ...(opts.secretsInClear ? { mode: 0o600 } : {}) });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot write report to ${shown}: ${(err as Error).message}`);
  }
}
