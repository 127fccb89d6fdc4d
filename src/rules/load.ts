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
 * The built-in rules, in file-name order. These files are validated against the schema by the
 * test suite, not at run time, to keep the pre-commit path fast.
 */
export function loadBuiltinRules(dir = BUILTIN_RULES_DIR): RuleSpec[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  return files.flatMap((f) => {
    const text = readFileSync(dir + f, 'utf8');
    try {
      // Built-in rules are bounded by construction (test/linearity.test.ts): V8 runs them.
      return (JSON.parse(text) as RuleFile).rules.map((r) => ({ ...r, engine: 'backtracking' as const }));
    } catch (err) {
      throw new RuleError(`${dir + f}: invalid JSON: ${(err as Error).message}`);
    }
  });
}

/**
 * Chooses and compiles the rules to run: every rule whose `enabled` is not false, plus those
 * named in `enable`, minus those named in `disable`. Throws RuleError on a duplicate id, an
 * unknown id in enable/disable, or a rule that does not compile. A rule's `near` form only
 * fires when the rule it pairs with is selected too.
 */
export function selectRules(specs: RuleSpec[], enable: string[] = [], disable: string[] = []): CompiledRule[] {
  const ids = new Set<string>();
  for (const s of specs) {
    if (ids.has(s.id)) throw new RuleError(`duplicate rule id "${s.id}"`);
    ids.add(s.id);
  }
  for (const id of [...enable, ...disable]) {
    if (!ids.has(id)) throw new RuleError(`unknown rule id "${id}" (see: keyfence rules)`);
  }
  const on = specs.filter((s) => (s.enabled !== false || enable.includes(s.id)) && !disable.includes(s.id));
  return on.map(compileRule);
}
