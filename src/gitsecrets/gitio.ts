import { gitRaw } from '../git/exec.js';
import type { Ran } from '../git/runProcess.js';
import { readObjects as readGitObjects } from '../git/readObjects.js';

/**
 * `git args…` through keyfence's git layer (src/git/exec.ts: no config of the repository can run
 * a program), keeping the repository's output settings so the output matches git-secrets'.
 */
export function gitRun(args: string[], cwd: string, input?: Buffer | string, env?: NodeJS.ProcessEnv): Promise<Ran> {
  return gitRaw(args, cwd, input, env, { plainOutput: false });
}

/** Reads objects with one `git cat-file --batch` (src/git/readObjects.ts). Missing objects are left out of the map. */
export async function readObjects(ids: readonly string[], cwd: string): Promise<Map<string, Buffer>> {
  const map = new Map<string, Buffer>();
  for (const [id, o] of await readGitObjects(ids, cwd)) if (o.bytes) map.set(id, o.bytes);
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
