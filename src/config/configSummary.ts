import type { KeyfenceConfig } from './keyfenceConfig.js';

const list = (xs: readonly string[]) => xs.map((x) => JSON.stringify(x)).join(', ');

/**
 * One line saying which configuration a scan applied and what it turns off, for audits where
 * the reader must know (`--no-git`: a directory whose config came with it). `applied` names
 * the files in force (the config first when there is one, then .gitallowed, baseline), `config`
 * is the parsed config if any. Undefined when nothing was applied (built-in rules, no allow lists).
 */
export function configSummary(applied: readonly string[], config: KeyfenceConfig | undefined): string | undefined {
  if (applied.length === 0) return undefined;
  if (!config) return `configuration applied: ${applied.join(', ')} (no .keyfence.json: built-in rules)`;
  const off: string[] = [];
  if (config?.extends === 'none') off.push('every built-in rule (extends: "none")');
  if (config?.disabledRules?.length) off.push(`rules ${list(config.disabledRules)}`);
  const allow = config?.allow;
  if (allow?.paths?.length) off.push(`findings in paths ${list(allow.paths)}`);
  if (allow?.regexes?.length) off.push(`findings matching ${list(allow.regexes)}`);
  if (allow?.stopwords?.length) off.push(`secrets holding ${list(allow.stopwords)}`);
  const byRule = Object.keys(allow?.byRule ?? {});
  if (byRule.length) off.push(`some findings of ${list(byRule)} (allow.byRule)`);
  const rest = applied.slice(1).length ? `; also applied: ${applied.slice(1).join(', ')}` : '';
  return `configuration applied: ${applied[0]}${off.length ? `, which turns off ${off.join('; ')}` : ', which turns nothing off'}${rest}`;
}
