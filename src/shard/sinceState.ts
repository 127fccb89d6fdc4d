import { lstatSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../cli/io.js';

/**
 * The `--since-state FILE` of an incremental history audit: the tip each ref had when it was
 * last scanned. Written after a scan whose report was delivered, read by the next one:
 * ```json
 * { "keyfence": "since-state/1", "refs": { "refs/heads/main": "9c1e…40 hex…", "HEAD": "9c1e…" } }
 * ```
 */
export interface SinceState {
  keyfence: 'since-state/1';
  refs: Record<string, string>;
}

const OBJECT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * Reads the state file; a file that does not exist yet is an empty state (the first audit
 * scans everything). Throws UsageError (one line, naming the file) for anything else that is
 * not a state file.
 */
export function readSinceState(file: string, shown: string): SinceState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { keyfence: 'since-state/1', refs: {} };
    throw new UsageError(`cannot read --since-state ${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`--since-state ${shown} is not a keyfence state file (invalid JSON)`);
  }
  const refs = (data as SinceState | null)?.refs;
  if ((data as SinceState | null)?.keyfence !== 'since-state/1' || typeof refs !== 'object' || refs === null || Array.isArray(refs)) {
    throw new UsageError(`--since-state ${shown} is not a keyfence state file (no "keyfence": "since-state/1" and "refs")`);
  }
  for (const [ref, id] of Object.entries(refs)) {
    if (typeof id !== 'string' || !OBJECT_ID.test(id)) throw new UsageError(`--since-state ${shown}: ref ${JSON.stringify(ref)} has no commit id`);
  }
  return { keyfence: 'since-state/1', refs: { ...refs } };
}

/**
 * Writes the state file: to a new temporary file beside it (O_EXCL: never through an existing
 * file or link), then renamed over it, so a reader never sees half a file. Refuses a FILE that
 * is a symbolic link. Keys are sorted so the file diffs well.
 */
export function writeSinceState(file: string, shown: string, state: SinceState): void {
  try {
    if (lstatSync(file).isSymbolicLink()) throw new UsageError(`--since-state ${shown} is a symbolic link: not writing through it`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
  const refs = Object.fromEntries(Object.entries(state.refs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, `${JSON.stringify({ keyfence: state.keyfence, refs }, null, 2)}\n`, { flag: 'wx' });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new UsageError(`cannot write --since-state ${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
