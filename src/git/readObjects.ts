import { git } from './exec.js';

/** One object read by readObjects: its bytes, or only its size when it was over the cap. */
export interface ReadObject {
  size: number;
  /** Undefined when `size` is over the `maxSize` readObjects was given (the bytes were not kept). */
  bytes?: Buffer;
}

/**
 * Reads objects (ids or `rev:path` names) with ONE `git cat-file --batch` (never a process per
 * object), after one `--batch-check` for their sizes when `maxSize` is finite. Missing objects
 * are left out of the map; objects larger than `maxSize` bytes are listed with their size only
 * and never read.
 *
 * Output format, per object:
 * ```
 * <oid> SP <type> SP <size> LF <contents> LF
 * <name> SP missing LF
 * ```
 * Keys of the map are the names as given (one line each: a name holding a newline cannot be asked).
 */
export async function readObjects(names: readonly string[], cwd: string, maxSize = Infinity): Promise<Map<string, ReadObject>> {
  const asked = names.filter((n) => !n.includes('\n'));
  const map = new Map<string, ReadObject>();
  let small = asked;
  if (Number.isFinite(maxSize) && asked.length) {
    // Sizes first (`--batch-check`: the same header lines, no contents), so an object over the
    // cap is never read: a 600 MB blob would otherwise pass through memory.
    const lines = (await git(['cat-file', '--batch-check'], cwd, `${asked.join('\n')}\n`)).toString('latin1').split('\n');
    small = [];
    asked.forEach((name, i) => {
      const size = sizeIn(lines[i] ?? '');
      if (size === undefined) return;
      if (size > maxSize) map.set(name, { size });
      else small.push(name);
    });
  }
  if (small.length === 0) return map;
  const buf = await git(['cat-file', '--batch'], cwd, `${small.join('\n')}\n`);
  let pos = 0;
  for (const name of small) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) break;
    const size = sizeIn(buf.toString('latin1', pos, nl));
    pos = nl + 1;
    if (size === undefined) continue;
    map.set(name, { size, bytes: buf.subarray(pos, pos + size) });
    pos += size + 1;
  }
  return map;
}

/** The size in an object's header line ("<oid> <type> <size>"); undefined for a missing or ambiguous name. */
function sizeIn(header: string): number | undefined {
  const parts = header.split(' ');
  if (parts.length < 3 || parts[parts.length - 1] === 'missing' || parts[1] === 'ambiguous') return undefined;
  return Number(parts[2]);
}
