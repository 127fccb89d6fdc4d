import type { RuleSpec } from '../rules/spec.js';
import type { ScanResult } from '../types.js';

/** What a reporter may know besides the result. Reporters stay pure: same input, same output. */
export interface ReportOptions {
  /** ANSI colors (text only); the CLI asks for them on a TTY without NO_COLOR. */
  color: boolean;
  /** The rules that ran, for formats that describe them (SARIF's tool.driver.rules, help text). */
  rules?: readonly RuleSpec[];
  /** keyfence's version, for formats that name the tool (SARIF, JUnit, HTML). */
  version?: string;
  /** False when the result was deliberately not redacted (--no-redact), for reports that say so. */
  redacted?: boolean;
  /** The baseline file applied (as shown to the user): summaries say how many findings it allowed. */
  baseline?: string;
  /** What was audited, when and how (the HTML report shows it); absent in tests of other formats. */
  meta?: ReportMeta;
}

/** What a report says about the scan itself (see src/cli/reportMeta.ts). */
export interface ReportMeta {
  /** The repository's directory name, its origin remote without credentials, the branch checked out. */
  repository?: { name: string; remote?: string; branch?: string };
  /** What was scanned: a revision range, "all refs", the index, a directory. */
  target: string;
  /** The scan mode: tree, no-git, staged, history, commit-msg, pre-push, stdin. */
  mode: string;
  /** When the scan started, ISO 8601 UTC. */
  startedAt: string;
  /** The command line, as typed (`keyfence scan …`). */
  commandLine: string;
}

/**
 * A reporter: the report in pieces, written one after the other, so a huge report is never one
 * string (each finding is its own piece).
 */
type Reporter = (result: ScanResult, opts: ReportOptions) => Iterable<string> | AsyncIterable<string>;

/**
 * Every format, loaded on demand so a plain text scan never pays for the others. The keys are
 * the `--format` choices (src/cli/scanOptions.ts lists the same names).
 */
export const REPORTERS: Record<string, () => Promise<Reporter>> = {
  text: async () => (await import('./text.js')).textReportChunks,
  json: async () => (await import('./json.js')).jsonReportChunks,
  sarif: async () => (await import('./sarif.js')).sarifReportChunks,
  junit: async () => (await import('./junit.js')).junitReportChunks,
  csv: async () => (await import('./csv.js')).csvReportChunks,
  github: async () => (await import('./github.js')).githubReportChunks,
  html: async () => (await import('./html.js')).htmlReportChunks,
};

/** A result in one of the formats, in pieces; throws for an unknown format. */
export async function reportChunks(format: string, result: ScanResult, opts: ReportOptions): Promise<Iterable<string> | AsyncIterable<string>> {
  const load = Object.hasOwn(REPORTERS, format) ? REPORTERS[format] : undefined;
  if (!load) throw new Error(`unknown format "${format}"`);
  return (await load())(result, opts);
}

/** Renders a result in one of the formats, as one string; throws for an unknown format. */
export async function renderReport(format: string, result: ScanResult, opts: ReportOptions): Promise<string> {
  let out = '';
  for await (const chunk of await reportChunks(format, result, opts)) out += chunk;
  return out;
}
