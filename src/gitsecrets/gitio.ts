import { runProcess, type Ran } from '../git/runProcess.js';

/** `git args…` via runProcess. */
export function gitRun(args: string[], cwd: string, input?: Buffer | string, env?: NodeJS.ProcessEnv): Promise<Ran> {
  return runProcess('git', args, cwd, input, env);
}

/**
 * Reads objects with one `git cat-file --batch`. Missing objects are left out of the map.
 *
 * Output format, per object:
 *   <oid> SP <type> SP <size> LF <contents> LF
 *   <oid> SP missing LF
 */
export async function readObjects(ids: readonly string[], cwd: string): Promise<Map<string, Buffer>> {
  const map = new Map<string, Buffer>();
  if (ids.length === 0) return map;
  const r = await gitRun(['cat-file', '--batch'], cwd, `${ids.join('\n')}\n`);
  const buf = r.stdout;
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) break;
    const header = buf.toString('latin1', pos, nl).split(' ');
    pos = nl + 1;
    if (header[1] === 'missing' || header.length < 3) continue;
    const size = Number(header[2]);
    map.set(header[0]!, buf.subarray(pos, pos + size));
    pos += size + 1;
  }
  return map;
}

/** git's binary test (xdiff's buffer_is_binary): a NUL in the first 8000 bytes. */
export function isBinary(buf: Buffer, firstFew = 8000): boolean {
  return buf.subarray(0, firstFew).includes(0);
}

/**
 * A path as git prints it with core.quotePath (the default): wrapped in double quotes with C
 * escapes when it holds a control character, `"`, `\` or (quotePath on) a byte ≥ 0x80.
 * `path` is bytes as latin1 characters.
 */
export function quotePath(path: string, quoteHighBytes: boolean): string {
  let needs = false;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x7f || (quoteHighBytes && c >= 0x80)) {
      needs = true;
      break;
    }
  }
  if (!needs) return path;
  const named: Record<number, string> = { 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r', 0x22: '"', 0x5c: '\\' };
  let out = '"';
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (named[c]) out += `\\${named[c]}`;
    else if (c < 0x20 || c === 0x7f || (quoteHighBytes && c >= 0x80)) out += `\\${c.toString(8).padStart(3, '0')}`;
    else out += path[i];
  }
  return `${out}"`;
}
