import { loadBuiltinRules } from '../rules/load.js';
import { EXIT, type RunResult } from './io.js';

/** `keyfence rules`: every rule with whether it runs by default, as text or JSON. */
export function rulesCommand(format: string): RunResult {
  const rules = loadBuiltinRules().map((r) => ({ id: r.id, enabled: r.enabled !== false, description: r.description }));
  const stdout =
    format === 'json'
      ? `${JSON.stringify(rules, null, 2)}\n`
      : `${rules.map((r) => `${r.id.padEnd(28)} ${r.enabled ? 'on ' : 'off'}  ${r.description}`).join('\n')}\n`;
  return { exitCode: EXIT.clean, stdout, stderr: '' };
}
