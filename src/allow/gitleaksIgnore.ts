import type { AllowStage } from '../scan.js';

/**
 * gitleaks rule ids that name a credential a keyfence rule finds, and that rule. An entry with
 * a keyfence rule id is read as is; entries of any other gitleaks rule (generic-api-key, …)
 * allow nothing, since no keyfence rule finds what they found.
 */
export const GITLEAKS_RULES: Record<string, string> = {
  'aws-access-token': 'aws-access-key-id',
  'aws-amazon-bedrock-api-key-long-lived': 'aws-bedrock-api-key',
  'aws-amazon-bedrock-api-key-short-lived': 'aws-bedrock-api-key',
};

export interface GitleaksIgnoreEntry {
  /** 1-based line of the entry in the file. */
  entryLine: number;
  /** The commit (full or abbreviated hex) for `commit:path:rule:line` entries. */
  commit?: string;
  path: string;
  /** The keyfence rule id the entry's rule maps to. */
  ruleId: string;
  /** The finding's 1-based line in its file. */
  line: number;
}

const HEX_COMMIT = /^[0-9a-f]{7,40}$/;

/**
 * Parses gitleaks' `.gitleaksignore`: one finding fingerprint a line, as gitleaks prints them
 * (`Fingerprint:` in its report), `#` comments and blank lines skipped:
 *
 *     # a directory scan's fingerprint: path:rule-id:line
 *     config/prod.env:aws-access-token:12
 *     # a git scan's: commit:path:rule-id:line
 *     5f1c3e9a0b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e:config/prod.env:aws-access-token:12
 *
 * Fields are read from the right (line, rule id, then the path, which may hold ":"); a first
 * field of 7 to 40 hex digits with a path after it is a commit. Lines that are not fingerprints
 * are ignored, as gitleaks ignores them. Rule ids map through GITLEAKS_RULES.
 */
export function parseGitleaksIgnore(text: string): GitleaksIgnoreEntry[] {
  const out: GitleaksIgnoreEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const entry = raw.replace(/\r$/, '').trim();
    if (entry === '' || entry.startsWith('#')) return;
    const parts = entry.split(':');
    if (parts.length < 3) return;
    const line = Number(parts.pop());
    const rule = parts.pop()!;
    if (!Number.isInteger(line) || line < 1 || rule === '') return;
    let commit: string | undefined;
    if (parts.length > 1 && HEX_COMMIT.test(parts[0]!)) commit = parts.shift();
    const path = parts.join(':');
    if (path === '') return;
    out.push({ entryLine: i + 1, ...(commit ? { commit } : {}), path, ruleId: GITLEAKS_RULES[rule] ?? rule, line });
  });
  return out;
}

/**
 * Allows a finding that an entry names: same path, rule (mapped) and line; an entry with a
 * commit only allows findings of that commit (history scans), one without allows the finding
 * wherever it is found, as gitleaks' own `path:rule:line` fingerprints do. `file` names the
 * file in the reason.
 */
export function gitleaksIgnoreStage(entries: GitleaksIgnoreEntry[], file: string): AllowStage {
  const byPlace = new Map<string, GitleaksIgnoreEntry[]>();
  for (const e of entries) {
    const key = `${e.path}\0${e.line}`;
    const list = byPlace.get(key);
    if (list) list.push(e);
    else byPlace.set(key, [e]);
  }
  return (finding) => {
    const hit = byPlace
      .get(`${finding.path}\0${finding.line}`)
      ?.find((e) => e.ruleId === finding.ruleId && (e.commit === undefined || (finding.commit?.startsWith(e.commit) ?? false)));
    return hit ? { stage: 'gitleaksignore', reason: `${file}:${hit.entryLine}` } : null;
  };
}
