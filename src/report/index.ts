import type { RuleSpec } from '../rules/spec.js';
import type { ScanResult } from '../types.js';
import { sinkChunks, type ReportSink } from './sink.js';

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

/** A format's sink for one report (see ReportSink). */
export type SinkFactory = (opts: ReportOptions) => ReportSink | Promise<ReportSink>;

/**
 * Every format's sink, loaded on demand so a plain text scan never pays for the others. The
 * keys are the `--format` choices (src/cli/scanOptions.ts lists the same names).
 */
export const REPORTERS: Record<string, () => Promise<SinkFactory>> = {
  text: async () => (await import('./text.js')).textSink,
  json: async () => (await import('./json.js')).jsonSink,
  sarif: async () => (await import('./sarif.js')).sarifSink,
  junit: async () => (await import('./junit.js')).junitSink,
  csv: async () => (await import('./csv.js')).csvSink,
  github: async () => (await import('./github.js')).githubSink,
  html: async () => (await import('./html.js')).htmlSink,
};

/** The sink of one report in a format; throws for an unknown format. */
export async function reportSink(format: string, opts: ReportOptions): Promise<ReportSink> {
  const load = Object.hasOwn(REPORTERS, format) ? REPORTERS[format] : undefined;
  if (!load) throw new Error(`unknown format "${format}"`);
  return (await load())(opts);
}

/** A result in one of the formats, in pieces (the result fed through the format's sink); throws for an unknown format. */
export async function reportChunks(format: string, result: ScanResult, opts: ReportOptions): Promise<Iterable<string>> {
  return sinkChunks(await reportSink(format, opts), result);
}

/** Renders a result in one of the formats, as one string; throws for an unknown format. */
export async function renderReport(format: string, result: ScanResult, opts: ReportOptions): Promise<string> {
  let out = '';
  for (const chunk of await reportChunks(format, result, opts)) out += chunk;
  return out;
}
