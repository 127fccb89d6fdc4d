import { loadBuiltinRules } from '../rules/load.js';
import { EXIT, type RunIO, type RunResult } from './io.js';
import { escapeControl } from '../report/escapeControl.js';

/**
 * `keyfence rules [--config FILE]`: every rule this repository's scans know, built-in and from
 * the config (found as `keyfence scan` finds it), with whether a scan here runs it, as text or
 * JSON. A broken config fails as it would for a scan (ConfigError, exit 2).
 */
export async function rulesCommand(format: string, io: RunIO, config?: string): Promise<RunResult> {
  const { configuredPlan } = await import('../config/configuredPlan.js');
  const plan = await configuredPlan({ cwd: io.cwd, paths: [], config, inlineAllow: true, useBaseline: false });
  const running = new Set(plan.rules.map((r) => r.id));
  const specs = [...loadBuiltinRules(), ...plan.rules.map((r) => r.spec)];
  const seen = new Set<string>();
  const rules = specs
    .filter((s) => !seen.has(s.id) && seen.add(s.id))
    .map((s) => ({ id: s.id, enabled: running.has(s.id), description: s.description ?? '' }));
  const stdout =
    format === 'json'
      ? `${JSON.stringify(rules, null, 2)}\n`
      : `${rules.map((r) => escapeControl(`${r.id.padEnd(28)} ${r.enabled ? 'on ' : 'off'}  ${r.description}`)).join('\n')}\n`; // a config's text drives no terminal
  return { exitCode: EXIT.clean, stdout, stderr: '' };
}
