import { LinearRegExp } from '../rules/linearRegex.js';
import type { AllowStage } from '../scan.js';
import { fragmentLine } from './fragmentLine.js';

/**
 * Allows findings whose secret (target "secret") or whole line (target "line") matches one of
 * `regexes`, for every rule or only `ruleId`, on the linear-time engine (src/rules/linearRegex.ts).
 * The regexes must compile (the config loader checked them). The line is read from the fragment, falling back to the finding's excerpt.
 */
export function regexAllowStage(regexes: string[], target: 'secret' | 'line', field: string, ruleId?: string): AllowStage {
  const res = regexes.map((source) => ({ source, re: new LinearRegExp(source) }));
  return (finding, fragment) => {
    if (ruleId !== undefined && finding.ruleId !== ruleId) return null;
    const text = target === 'line' ? (fragmentLine(fragment, finding.line) ?? finding.lineText) : finding.secret;
    const hit = res.find((r) => r.re.test(text));
    return hit ? { stage: 'regex', reason: `${field}: /${hit.source}/${target === 'line' ? ' (line)' : ''}` } : null;
  };
}
