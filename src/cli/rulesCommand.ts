import { loadBuiltinRules, providerOf } from '../rules/load.js';
import { EXIT, type RunIO, type RunResult } from './io.js';
import { escapeControl } from '../report/escapeControl.js';

/**
 * `keyfence rules [--config FILE]`: every rule this repository's scans know, built-in and from
 * the config (found as `keyfence scan` finds it), with whether a scan here runs it, as text
 * grouped by provider (a heading per provider, then one line per rule) or JSON (one flat list,
 * each rule with its provider). A broken config fails as it would for a scan (ConfigError, exit 2).
 */
export async function rulesCommand(format: string, io: RunIO, config?: string): Promise<RunResult> {
  const { configuredPlan } = await import('../config/configuredPlan.js');
  const plan = await configuredPlan({ cwd: io.cwd, paths: [], config, inlineAllow: true, useBaseline: false });
  const running = new Set(plan.rules.map((r) => r.id));
  const specs = [...loadBuiltinRules(), ...plan.rules.map((r) => r.spec)];
  const seen = new Set<string>();
  const rules = specs
    .filter((s) => !seen.has(s.id) && seen.add(s.id))
    .map((s) => ({ id: s.id, provider: providerOf(s), enabled: running.has(s.id), description: s.description ?? '' }));
  if (format === 'json') return { exitCode: EXIT.clean, stdout: `${JSON.stringify(rules, null, 2)}\n`, stderr: '' };
  const groups = new Map<string, typeof rules>();
  for (const r of rules) groups.set(r.provider, [...(groups.get(r.provider) ?? []), r]);
  const blocks = [...groups].map(([provider, list]) => {
    const on = list.filter((r) => r.enabled).length;
    const heading = `${provider} (${on} of ${list.length} on)`;
    // a config's text drives no terminal
    return [heading, ...list.map((r) => `${r.id.padEnd(28)} ${r.enabled ? 'on ' : 'off'}  ${r.description}`)].map((l) => escapeControl(l)).join('\n');
  });
  return { exitCode: EXIT.clean, stdout: `${blocks.join('\n\n')}\n`, stderr: '' };
}
