import type { AllowStage } from '../scan.js';
import type { Finding, Fragment, Suppression } from '../types.js';
import { fragmentLine } from './fragmentLine.js';

/** Markers that allow a finding on their own line (keyfence's, gitleaks' and detect-secrets'). */
const SAME_LINE = /keyfence:allow(?![\w-])|gitleaks:allow(?![\w-])|pragma: ?(?:allow|white)list[ -]secret/;
/** Markers that allow a finding on the line after theirs. */
const NEXT_LINE = /keyfence:allow-next-line(?![\w-])|pragma: ?(?:allow|white)list[ -]nextline[ -]secret/;

/**
 * Why an inline comment allows this finding, or null. Only the finding's own line (for
 * `keyfence:allow`, `gitleaks:allow`, `pragma: allowlist secret`) and the line right before it (for
 * `keyfence:allow-next-line`, `pragma: allowlist nextline secret`) are read, and only when the
 * fragment holds them: a marker elsewhere in scanned content cannot widen the allowlist.
 */
export function inlineAllow(finding: Finding, fragment: Fragment): Suppression | null {
  const line = fragmentLine(fragment, finding.line);
  const same = line === undefined ? null : SAME_LINE.exec(line);
  if (same) return { stage: 'inline', reason: `${same[0]} on line ${finding.line}` };
  const prev = finding.line > 1 ? fragmentLine(fragment, finding.line - 1) : undefined;
  const next = prev === undefined ? null : NEXT_LINE.exec(prev);
  if (next) return { stage: 'inline', reason: `${next[0]} on line ${finding.line - 1}` };
  return null;
}

/** The inline-comment stage. */
export function inlineAllowStage(): AllowStage {
  return inlineAllow;
}

/**
 * For `--no-inline-allow`: a stage that allows nothing but counts, in `hidden`, the findings
 * an inline comment would have allowed, so the CLI can say how many it now reports.
 */
export function inlineAuditStage(hidden: { count: number }): AllowStage {
  return (finding, fragment) => {
    if (inlineAllow(finding, fragment)) hidden.count++;
    return null;
  };
}
