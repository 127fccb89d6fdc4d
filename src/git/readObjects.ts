import { gitLater } from './exec.js';

/** One object read by readObjects: its bytes, or only its size when it was over the cap. */
export interface ReadObject {
  size: number;
  /** Undefined when `size` is over the `maxSize` readObjects was given (the bytes were not kept). */
  bytes?: Buffer;
}

/**
 * Reads objects (ids or `rev:path` names) with ONE `git cat-file --batch` (never a process per
 * object). Missing objects are left out of the map; objects larger than `maxSize` bytes are
 * listed with their size only.
 *
 * Output format, per object:
 * ```
 * <oid> SP <type> SP <size> LF <contents> LF
 * <name> SP missing LF
 * ```
 * Keys of the map are the names as given (one line each: a name holding a newline cannot be asked).
 */
export async function readObjects(names: readonly string[], cwd: string, maxSize = Infinity): Promise<Map<string, ReadObject>> {
  return startReadObjects(cwd)(names, maxSize);
}

/**
 * readObjects in two steps: the `git cat-file --batch` process starts now, the names are given
 * later (the hook starts it beside the staged diff that yields the names, so its start-up costs
 * no time). Call the returned function exactly once.
 */
export function startReadObjects(cwd: string): (names: readonly string[], maxSize?: number) => Promise<Map<string, ReadObject>> {
  const run = gitLater(['cat-file', '--batch'], cwd);
  return (names, maxSize = Infinity) => parseBatch(names, maxSize, run);
}

async function parseBatch(names: readonly string[], maxSize: number, run: (input: string) => Promise<Buffer>): Promise<Map<string, ReadObject>> {
  const map = new Map<string, ReadObject>();
  const asked = names.filter((n) => !n.includes('\n'));
  const buf = await run(asked.length ? `${asked.join('\n')}\n` : '');
  let pos = 0;
  for (const name of asked) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) break;
    const header = buf.toString('latin1', pos, nl).split(' ');
    pos = nl + 1;
    if (header.length < 3 || header[header.length - 1] === 'missing' || header[1] === 'ambiguous') continue;
    const size = Number(header[2]);
    map.set(name, size > maxSize ? { size } : { size, bytes: buf.subarray(pos, pos + size) });
    pos += size + 1;
  }
  return map;
}
