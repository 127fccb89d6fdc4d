import type { RuleSpec } from '../rules/spec.js';

/** One allowlist: what `allow` and each `allow.byRule[id]` hold. */
export interface AllowList {
  /** micromatch globs against the finding's path (relative to the repo root, "/" separators). */
  paths?: string[];
  /** Regexes matched against the secret, or the whole line when regexTarget is "line". */
  regexes?: string[];
  regexTarget?: 'secret' | 'line';
  /** Words that, found in the secret (case-insensitive), allow it. */
  stopwords?: string[];
}

/**
 * The content of `.keyfence.json`, as described by `schema/config.schema.json` (keep them
 * together). Every field is optional; an empty object means "the defaults".
 */
export interface KeyfenceConfig {
  $schema?: string;
  /** "default" (or absent): start from the built-in rules; "none": only `rules`. */
  extends?: 'default' | 'none';
  /** Custom rules in the built-in rule shape; one with a built-in's id replaces it. */
  rules?: RuleSpec[];
  disabledRules?: string[];
  enableRules?: string[];
  /**
   * Providers turned on or off as a whole, by name ("stripe": false): false turns off every
   * rule of the provider, true turns on every one (shipped-disabled ones too).
   * `enableRules`/`disabledRules` still win for the rules they name.
   */
  providers?: Record<string, boolean>;
  allow?: AllowList & { byRule?: Record<string, AllowList> };
  /** Baseline file, relative to the config file's directory. */
  baseline?: string;
}
