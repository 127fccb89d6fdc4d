import { readObjects } from '../git/readObjects.js';
import { ConfigError } from './configError.js';

/** Config files read from a revision larger than this are refused (a config is a few KB). */
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

/**
 * Files as of revision `rev` (the base of a range scan: the configuration a pull request is
 * judged by, not the one it brings), `rels` relative to the repository root, read with ONE
 * `git cat-file --batch` in `cwd`. Files absent at `rev` are absent from the map. Throws
 * ConfigError for a file over 8 MB; GitError when git fails.
 */
export async function readAtRevision(cwd: string, rev: string, rels: readonly string[]): Promise<Map<string, string>> {
  const names = rels.map((rel) => `${rev}:${rel}`);
  const objects = await readObjects(names, cwd, MAX_CONFIG_BYTES);
  const out = new Map<string, string>();
  rels.forEach((rel, i) => {
    const o = objects.get(names[i]!);
    if (!o) return;
    if (!o.bytes) throw new ConfigError(`${names[i]}: too large for a config file (${o.size} bytes)`);
    out.set(rel, o.bytes.toString('utf8'));
  });
  return out;
}
