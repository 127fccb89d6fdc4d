import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './configError.js';
import type { KeyfenceConfig } from './keyfenceConfig.js';
import { readConfigFile } from './readConfigFile.js';

/** The config file keyfence looks for. */
export const CONFIG_FILE = '.keyfence.json';

/** The top of the git work tree holding `dir` (a `.git` directory or file), or undefined. */
export function findRepoRoot(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
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
  loaded?: LoadedConfig;
}

/**
 * Finds and loads the config: `--config FILE` when given (must exist), else `.keyfence.json`
 * at the repository root holding the scan root, or at the scan root outside git. Nothing
 * else is read, so files inside the scanned content cannot widen the allowlist. Throws
 * ConfigError for a missing --config file or an invalid config.
 */
export async function loadConfig(opts: { cwd: string; paths: readonly string[]; configPath?: string }): Promise<ConfigLocation> {
  const scanRoot = scanRootOf(opts.paths, opts.cwd);
  const repo = findRepoRoot(scanRoot);
  const root = repo ?? scanRoot;
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
