import type { AllowStage } from '../scan.js';

/**
 * Allows findings whose secret contains one of `words` (case-insensitive), for every rule or
 * only `ruleId`. A stopword marks a fake value (`dummy`, `fake`) that still looks random.
 */
export function stopwordAllowStage(words: string[], field: string, ruleId?: string): AllowStage {
  const lower = words.map((w) => ({ word: w, low: w.toLowerCase() }));
  return (finding) => {
    if (ruleId !== undefined && finding.ruleId !== ruleId) return null;
    const secret = finding.secret.toLowerCase();
    const hit = lower.find((w) => secret.includes(w.low));
    return hit ? { stage: 'stopword', reason: `${field}: ${hit.word}` } : null;
  };
}
