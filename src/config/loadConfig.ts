import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { locateRepo } from '../git/locateRepo.js';
import { ConfigError } from './configError.js';
import type { KeyfenceConfig } from './keyfenceConfig.js';
import { readConfigFile } from './readConfigFile.js';

/** The config file keyfence looks for. */
export const CONFIG_FILE = '.keyfence.json';

/** The top of the git work tree holding `dir` (see locateRepo: $GIT_DIR/$GIT_WORK_TREE, worktrees, submodules), or undefined. */
export function findRepoRoot(dir: string): string | undefined {
  return locateRepo(dir)?.workTree;
}

/**
 * The directory a scan of `paths` is rooted at: the one directory given, the directory of the
 * one file given, else `cwd` (several paths, none, or "-").
 */
export function scanRootOf(paths: readonly string[], cwd: string): string {
  if (paths.length !== 1 || paths[0] === '-') return cwd;
  const abs = path.resolve(cwd, paths[0]!);
  try {
    return statSync(abs).isDirectory() ? abs : path.dirname(abs);
  } catch {
    return cwd; // the source reports the missing path
  }
}

/** How messages name a file: relative to cwd when below it, else absolute. */
export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

export interface LoadedConfig {
  /** Absolute path of the file. */
  file: string;
  /** How messages name it. */
  shown: string;
  config: KeyfenceConfig;
}

export interface ConfigLocation {
  /** The repository root, or the scan root outside git: where the config and .gitallowed live. */
  root: string;
  inRepo: boolean;
  /** Set when the repository's config files were read as of this revision (a range scan's base), not from the work tree. */
  revision?: string;
  loaded?: LoadedConfig;
}

/**
 * Finds and loads the config: `--config FILE` when given (must exist), else `.keyfence.json`
 * at the repository root holding the scan root (as of `revision` when given: a range scan's
 * base), or at the scan root outside git. Nothing
 * else is read, so files inside the scanned content cannot widen the allowlist. Throws
 * ConfigError for a missing --config file or an invalid config.
 */
export async function loadConfig(opts: { cwd: string; paths: readonly string[]; configPath?: string; revision?: string }): Promise<ConfigLocation> {
  const scanRoot = scanRootOf(opts.paths, opts.cwd);
  const repo = findRepoRoot(scanRoot);
  const root = repo ?? scanRoot;
  if (opts.revision !== undefined && repo !== undefined && opts.configPath === undefined) {
    // A range scan: the repository's own config as of the range's base (see readAtRevision).
    const { readAtRevision } = await import('./readAtRevision.js');
    const text = (await readAtRevision(repo, opts.revision, [CONFIG_FILE])).get(CONFIG_FILE);
    const at = { root, inRepo: true, revision: opts.revision };
    if (text === undefined) return at;
    const shown = `${opts.revision}:${CONFIG_FILE}`;
    const { parseConfig } = await import('./parseConfig.js');
    return { ...at, loaded: { file: path.join(root, CONFIG_FILE), shown, config: parseConfig(text, shown) } };
  }
  let file: string;
  if (opts.configPath !== undefined) {
    file = path.resolve(opts.cwd, opts.configPath);
    if (!existsSync(file)) throw new ConfigError(`--config ${opts.configPath}: file not found`);
  } else {
    file = path.join(root, CONFIG_FILE);
  }
  const shown = displayPath(file, opts.cwd);
  const text = readConfigFile(file, shown, { missingOk: opts.configPath === undefined });
  if (text === undefined) return { root, inRepo: repo !== undefined };
  // Loaded only when there is a config: no config, no validator to load.
  const { parseConfig } = await import('./parseConfig.js');
  return { root, inRepo: repo !== undefined, loaded: { file, shown, config: parseConfig(text, shown) } };
}
