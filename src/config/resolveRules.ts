import type { CompiledRule } from '../rules/compile.js';
import { checkProvider, selectRules } from '../rules/load.js';
import type { RuleSpec } from '../rules/spec.js';
import { ConfigError } from './configError.js';
import type { AllowList, KeyfenceConfig } from './keyfenceConfig.js';

export interface ResolvedRules {
  rules: CompiledRule[];
  /**
   * Per-rule allowlists by rule id: `allow.byRule` plus the `allow` of the config's own rules
   * (taken out of the rule so what it allows is kept in `suppressed` with a reason, not dropped).
   */
  byRule: Map<string, { list: AllowList; field: string }[]>;
}

/**
 * The rules a config asks for: the built-ins (unless `extends: "none"`), the config's rules
 * (one with a built-in's id replaces it), then `providers`, `enableRules`/`disabledRules`, and
 * `only` (--only: these providers' rules alone). Throws ConfigError naming `file` and the field
 * for a duplicate id in `rules`, an unknown id in `disabledRules`, `enableRules`,
 * `allow.byRule` or a rule's `near.rule`, and an unknown provider in `providers`; RuleError for
 * an unknown provider in `only`.
 */
export function resolveRules(config: KeyfenceConfig, file: string, builtins: RuleSpec[], only?: readonly string[]): ResolvedRules {
  const byId = new Map<string, RuleSpec>();
  if (config.extends !== 'none') for (const s of builtins) byId.set(s.id, s);
  const byRule: ResolvedRules['byRule'] = new Map();
  const addAllow = (id: string, list: AllowList, field: string) => {
    byRule.set(id, [...(byRule.get(id) ?? []), { list, field }]);
  };
  const own = new Set<string>();
  (config.rules ?? []).forEach((rule, i) => {
    if (own.has(rule.id)) throw new ConfigError(`${file}: rules[${i}].id: duplicate rule id "${rule.id}"`);
    own.add(rule.id);
    const { allow, ...rest } = rule;
    // A rule replacing a built-in one keeps its provider (for `providers` and --only) unless it names one.
    const provider = rule.provider ?? byId.get(rule.id)?.provider;
    // A config's rule is the user's regex: it runs on the linear-time engine, whatever it says.
    const spec: RuleSpec = { ...rest, description: rule.description ?? rule.id, keywords: rule.keywords ?? [], ...(provider ? { provider } : {}) };
    delete spec.engine;
    byId.set(rule.id, spec);
    if (allow) addAllow(rule.id, allow, `rules[${i}].allow`);
  });
  const known = (id: string, field: string) => {
    if (!byId.has(id)) throw new ConfigError(`${file}: ${field}: unknown rule id "${id}" (see: keyfence rules)`);
  };
  (config.rules ?? []).forEach((rule, i) => rule.near && known(rule.near.rule, `rules[${i}].near.rule`));
  (config.enableRules ?? []).forEach((id, i) => known(id, `enableRules[${i}]`));
  (config.disabledRules ?? []).forEach((id, i) => known(id, `disabledRules[${i}]`));
  for (const [id, list] of Object.entries(config.allow?.byRule ?? {})) {
    const field = `allow.byRule[${JSON.stringify(id)}]`;
    known(id, field);
    addAllow(id, list, field);
  }
  const specs = [...byId.values()];
  for (const p of only ?? []) checkProvider(specs, p, '--only');
  try {
    return { rules: selectRules(specs, config.enableRules, config.disabledRules, { providers: config.providers, only }), byRule };
  } catch (err) {
    throw new ConfigError(`${file}: ${(err as Error).message}`);
  }
}
