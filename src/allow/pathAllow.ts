import micromatch from 'micromatch';
import type { AllowStage } from '../scan.js';

/**
 * Allows findings whose path matches one of `globs` (micromatch, dotfiles included), for every
 * rule or only `ruleId`. `field` names where the globs came from, for the reason.
 */
export function pathAllowStage(globs: string[], field: string, ruleId?: string): AllowStage {
  const matchers = globs.map((g) => ({ glob: g, test: micromatch.matcher(g, { dot: true }) }));
  return (finding) => {
    if (ruleId !== undefined && finding.ruleId !== ruleId) return null;
    const hit = matchers.find((m) => m.test(finding.path));
    return hit ? { stage: 'path', reason: `${field}: ${hit.glob}` } : null;
  };
}
