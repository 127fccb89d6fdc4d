import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileRule, RuleError, type CompiledRule } from './compile.js';
import type { RuleSpec } from './spec.js';

/** The package's own `rules/` directory (same relative place from src/ and dist/). */
export const BUILTIN_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));
/** The package's `schema/` directory. */
export const SCHEMA_DIR = fileURLToPath(new URL('../../schema/', import.meta.url));

export interface RuleFile {
  provider?: string;
  rules: RuleSpec[];
}

/**
 * The built-in rule files (rules/*.json, in file-name order) as the CLI bundle carries them: the
 * JSON text of a RuleFile array, which scripts/bundle.js reads from rules/ at build time (so a
 * hook run reads no rule file: ~1 ms). Not defined in tsc's build or from src/, which read rules/.
 */
declare const KEYFENCE_BUILTIN_RULES: string | undefined;

/** A rule file's rules, each with the file's `provider` unless it names its own. */
function fileRules(file: RuleFile): RuleSpec[] {
  // Built-in rules are bounded by construction (test/linearity.test.ts): V8 runs them.
  return file.rules.map((r) => ({ ...(r.provider || !file.provider ? r : { ...r, provider: file.provider }), engine: 'backtracking' as const }));
}

/**
 * The built-in rules, in file-name order, each with its file's `provider` (unless it names its
 * own). These files are validated against the schema by the test suite, not at run time, to
 * keep the pre-commit path fast.
 */
export function loadBuiltinRules(dir = BUILTIN_RULES_DIR): RuleSpec[] {
  if (dir === BUILTIN_RULES_DIR && typeof KEYFENCE_BUILTIN_RULES === 'string') return (JSON.parse(KEYFENCE_BUILTIN_RULES) as RuleFile[]).flatMap(fileRules);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return files.flatMap((f) => {
    const text = readFileSync(dir + f, 'utf8');
    let file: RuleFile;
    try {
      file = JSON.parse(text) as RuleFile;
    } catch (err) {
      throw new RuleError(`${dir + f}: invalid JSON: ${(err as Error).message}`);
    }
    return fileRules(file);
  });
}

/** The provider a rule belongs to: its own, else "custom" (a config's rule that names none). */
export function providerOf(spec: RuleSpec): string {
  return spec.provider ?? 'custom';
}

/** How a scan narrows the rules by provider. */
export interface ProviderSelection {
  /** The config's `providers`: false turns every rule of a provider off, true every one on. */
  providers?: Record<string, boolean>;
  /** `--only`: nothing but the rules of these providers runs. */
  only?: readonly string[];
}

/** Throws RuleError naming `field` when `name` is not the provider of any rule. */
export function checkProvider(specs: readonly RuleSpec[], name: string, field: string): void {
  const known = [...new Set(specs.map(providerOf))].sort();
  if (!known.includes(name)) throw new RuleError(`${field}: unknown provider "${name}" (known: ${known.join(', ')})`);
}

/**
 * Chooses and compiles the rules to run. A rule runs when, in this order of precedence: it is
 * not named in `disable`; its provider is among `only` (when given); it is named in `enable`,
 * or else its provider is set in `providers` (false: off, true: on, shipped-disabled rules
 * too), or else its `enabled` is not false. Throws RuleError on a duplicate id, an unknown id in
 * enable/disable, an unknown provider in `only` or `providers`, or a rule that does not
 * compile. A rule's `near` form only fires when the rule it pairs with is selected too.
 */
export function selectRules(specs: RuleSpec[], enable: string[] = [], disable: string[] = [], selection: ProviderSelection = {}): CompiledRule[] {
  const ids = new Set<string>();
  for (const s of specs) {
    if (ids.has(s.id)) throw new RuleError(`duplicate rule id "${s.id}"`);
    ids.add(s.id);
  }
  for (const id of [...enable, ...disable]) {
    if (!ids.has(id)) throw new RuleError(`unknown rule id "${id}" (see: keyfence rules)`);
  }
  const { providers = {}, only } = selection;
  for (const p of Object.keys(providers)) checkProvider(specs, p, `providers[${JSON.stringify(p)}]`);
  for (const p of only ?? []) checkProvider(specs, p, '--only');
  const runs = (s: RuleSpec): boolean => {
    if (disable.includes(s.id)) return false;
    const provider = providerOf(s);
    if (only && !only.includes(provider)) return false;
    if (enable.includes(s.id)) return true;
    if (Object.hasOwn(providers, provider)) return providers[provider]!;
    return s.enabled !== false;
  };
  return specs.filter(runs).map(compileRule);
}
