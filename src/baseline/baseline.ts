import { ConfigError } from '../config/configError.js';
import { jsonSyntaxError } from '../config/jsonSyntaxError.js';
import { BASELINE_MAX_BYTES, readConfigFile } from '../config/readConfigFile.js';
import { redactSecret } from '../report/redact.js';
import type { AllowStage } from '../scan.js';
import type { Finding } from '../types.js';

/** One recorded finding. Never holds the secret in clear: the fingerprint hashes it. */
export interface BaselineEntry {
  /** Finding.fingerprint: rule + path + sha-256 of the secret, no line number. */
  fingerprint: string;
  ruleId: string;
  path: string;
  /** The first characters only, for a human auditing the file ("AKIA…(redacted)"). */
  redactedSecret: string;
}

/**
 * A baseline file (`.keyfence-baseline.json`):
 *
 *     {
 *       "tool": "keyfence",
 *       "version": 1,
 *       "about": "Findings recorded here are allowed. …",
 *       "entries": [
 *         { "fingerprint": "3f…", "ruleId": "aws-access-key-id", "path": "config/prod.env", "redactedSecret": "AKIA…(redacted)" }
 *       ]
 *     }
 */
export interface Baseline {
  tool: 'keyfence';
  version: 1;
  about: string;
  entries: BaselineEntry[];
}

const ABOUT =
  'Findings recorded here are allowed by `keyfence scan --baseline`. Written by `keyfence baseline`; fingerprints hash the secret, which is never stored.';

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Entries sorted by path, rule and fingerprint, one per fingerprint. */
function normalize(entries: BaselineEntry[]): BaselineEntry[] {
  const byFp = new Map<string, BaselineEntry>();
  for (const e of entries) if (!byFp.has(e.fingerprint)) byFp.set(e.fingerprint, e);
  return [...byFp.values()].sort((a, b) => cmp(a.path, b.path) || cmp(a.ruleId, b.ruleId) || cmp(a.fingerprint, b.fingerprint));
}

/**
 * The baseline of these findings (secrets in clear in, only their redaction out). One entry
 * per fingerprint, however often or wherever (tree, history) that secret was found, sorted:
 * the same findings always give the same file.
 */
export function baselineOf(findings: readonly Finding[]): Baseline {
  const entries = findings.map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, path: f.path, redactedSecret: redactSecret(f.secret) }));
  return { tool: 'keyfence', version: 1, about: ABOUT, entries: normalize(entries) };
}

/** The same baseline with only some entries (sorted as ever). */
export function withEntries(baseline: Baseline, entries: BaselineEntry[]): Baseline {
  return { ...baseline, entries: normalize(entries) };
}

/** The file's text: fixed key order, two-space indent, final newline, no timestamps. */
export function serializeBaseline(baseline: Baseline): string {
  const entries = baseline.entries.map((e) => ({ fingerprint: e.fingerprint, ruleId: e.ruleId, path: e.path, redactedSecret: e.redactedSecret }));
  return `${JSON.stringify({ tool: baseline.tool, version: baseline.version, about: baseline.about, entries }, null, 2)}\n`;
}

/** Reads a baseline file's text. Throws ConfigError naming `file` when it is not one. */
export function parseBaseline(text: string, file: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // Never JSON.parse's message: it quotes the text, which may be a key pasted by mistake.
    const where = jsonSyntaxError(text);
    const at = where ? ` at line ${text.slice(0, where.offset).split('\n').length}` : '';
    throw new ConfigError(`${file}: not a keyfence baseline: invalid JSON${at}`);
  }
  const b = data as Partial<Baseline> | null;
  if (!b || typeof b !== 'object' || !Array.isArray(b.entries)) throw new ConfigError(`${file}: not a keyfence baseline: no "entries" array`);
  if (b.version !== 1) throw new ConfigError(`${file}: unsupported baseline version ${JSON.stringify(b.version)} (this keyfence reads version 1)`);
  b.entries.forEach((e, i) => {
    if (!e || typeof e.fingerprint !== 'string') throw new ConfigError(`${file}: entries[${i}].fingerprint: missing`);
  });
  return { tool: 'keyfence', version: 1, about: typeof b.about === 'string' ? b.about : ABOUT, entries: b.entries };
}

/**
 * Reads the baseline file at `file` (named `shown` in messages), or undefined when it is
 * absent and not `required` (a config may name a baseline not yet written). Throws
 * ConfigError when a required one is missing, it cannot be read, or it is not a baseline.
 */
export function readBaselineFile(file: string, shown: string, required: boolean): Baseline | undefined {
  const text = readConfigFile(file, shown, { missingOk: true, maxBytes: BASELINE_MAX_BYTES });
  if (text === undefined) {
    if (required) throw new ConfigError(`${shown}: baseline file not found`);
    return undefined;
  }
  return parseBaseline(text, shown);
}

/** Allows findings whose fingerprint the baseline records; `file` names it in the reason. */
export function baselineStage(baseline: Baseline, file: string): AllowStage {
  const known = new Set(baseline.entries.map((e) => e.fingerprint));
  return (finding) => (known.has(finding.fingerprint) ? { stage: 'baseline', reason: file } : null);
}

/** Splits the entries into those some finding still has and the stale ones. */
export function pruneBaseline(baseline: Baseline, found: readonly Finding[]): { kept: BaselineEntry[]; stale: BaselineEntry[] } {
  const seen = new Set(found.map((f) => f.fingerprint));
  const kept: BaselineEntry[] = [];
  const stale: BaselineEntry[] = [];
  for (const e of baseline.entries) (seen.has(e.fingerprint) ? kept : stale).push(e);
  return { kept, stale };
}
