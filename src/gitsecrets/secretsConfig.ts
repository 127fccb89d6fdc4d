// Kept free of the rest of the drop-in: `keyfence scan` reads this on every run (the pre-commit
// path) and loads the drop-in's modules only when there is a setup to apply.
import { gitRawSync } from '../git/exec.js';

/** The git-secrets keys in one repository's view of git config (local, global and system). */
export interface SecretsConfig {
  patterns: string[];
  providers: string[];
  allowed: string[];
  /** core.quotePath (default true): how git grep prints unusual path names. */
  quotePath: boolean;
}

/** The keys of the git-secrets setup a scan applies (providers are the drop-in's), as git lists them. */
export const SETUP_KEYS = ['secrets.patterns', 'secrets.allowed'] as const;

/** The part of a SecretsConfig a scan applies (src/gitsecrets/setup.ts). */
export type SecretsSetup = Pick<SecretsConfig, 'patterns' | 'allowed'>;

/** The setup from SETUP_KEYS' values as gitSyncReadingConfig reports them. */
export function setupFrom(config: ReadonlyMap<string, readonly string[]>): SecretsSetup {
  return { patterns: [...(config.get('secrets.patterns') ?? [])], allowed: [...(config.get('secrets.allowed') ?? [])] };
}

/**
 * Reads secrets.patterns, secrets.providers, secrets.allowed (all values, in git's order, as
 * `git config --get-all` lists them) and core.quotePath with one `git config` call.
 *
 * `git config -z --get-regexp` prints, per value: <key> LF <value> NUL (key lower-cased;
 * a key with no value prints <key> NUL).
 *
 * Blocking (gitRawSync): every scan in a repository reads this first (the pre-commit hook's
 * staged diff reads it in its own git process instead: see gitSyncReadingConfig), and a
 * synchronous spawn costs less than a piped, evented one.
 */
export async function readSecretsConfig(cwd: string, env?: NodeJS.ProcessEnv): Promise<SecretsConfig> {
  const r = gitRawSync(['config', '-z', '--get-regexp', '^(secrets\\.(patterns|providers|allowed)|core\\.quotepath)$'], cwd, undefined, env, {
    plainOutput: false,
  });
  const cfg: SecretsConfig = { patterns: [], providers: [], allowed: [], quotePath: true };
  for (const rec of r.stdout.toString('latin1').split('\0')) {
    if (!rec) continue;
    const nl = rec.indexOf('\n');
    const key = nl < 0 ? rec : rec.slice(0, nl);
    const value = nl < 0 ? '' : rec.slice(nl + 1);
    if (key === 'secrets.patterns') cfg.patterns.push(value);
    else if (key === 'secrets.providers') cfg.providers.push(value);
    else if (key === 'secrets.allowed') cfg.allowed.push(value);
    else if (key === 'core.quotepath') cfg.quotePath = !/^(false|no|off|0)$/i.test(value);
  }
  return cfg;
}
