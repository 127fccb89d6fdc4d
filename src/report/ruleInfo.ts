import type { RuleSpec } from '../rules/spec.js';
import type { Finding, Severity } from '../types.js';
import { verificationText } from './verificationText.js';

/** What reports say about a rule. */
export interface RuleInfo {
  id: string;
  description: string;
  help: string;
  severity: Severity;
}

const DEFAULT_HELP =
  'Treat the secret as leaked: revoke or rotate it where it was issued, then remove it from the code. Removing the commit does not un-leak it.';

/**
 * The rules a report describes: every rule given (the rules that ran), then any rule a finding
 * names that was not given (a finding from a custom rule), described from the finding itself.
 * Sorted by id, so reports are stable.
 */
export function ruleInfos(rules: readonly RuleSpec[] | undefined, findings: readonly Finding[]): RuleInfo[] {
  const byId = new Map<string, RuleInfo>();
  for (const r of rules ?? []) byId.set(r.id, { id: r.id, description: r.description, help: r.help ?? DEFAULT_HELP, severity: r.severity ?? 'error' });
  for (const f of findings) if (!byId.has(f.ruleId)) byId.set(f.ruleId, { id: f.ruleId, description: f.description, help: DEFAULT_HELP, severity: f.severity });
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** How to fix a finding, as ruleInfos says it, looked up one finding at a time (for sinks fed findings as they come). */
export function helpOf(rules: readonly RuleSpec[] | undefined): (f: Finding) => string {
  const byId = new Map((rules ?? []).map((r) => [r.id, r.help ?? DEFAULT_HELP]));
  return (f) => byId.get(f.ruleId) ?? DEFAULT_HELP;
}

/**
 * The sentence annotations say about a finding, in two parts: what was found (rule
 * description, redacted secret, account, decoding) and, for history findings, where it came in
 * ("in commit … by … on …"); each format joins them its own way.
 */
export function findingMessage(f: Finding): { what: string; commit?: string } {
  let what = `${f.description} found: ${f.secret}`;
  if (f.awsAccountId) what += ` (AWS account ${f.awsAccountId})`;
  if (f.decodedFrom) what += ` (decoded from ${f.decodedFrom})`;
  if (f.verification) what += ` (${verificationText(f.verification)})`;
  if (!f.commit) return { what };
  return { what, commit: `in commit ${f.commit.slice(0, 12)}${f.author ? ` by ${f.author}` : ''}${f.date ? ` on ${f.date}` : ''}` };
}
