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
}

type Reporter = (result: ScanResult, opts: ReportOptions) => string | Promise<string>;

/**
 * Every format, loaded on demand so a plain text scan never pays for the others. The keys are
 * the `--format` choices (src/cli/scanOptions.ts lists the same names).
 */
export const REPORTERS: Record<string, () => Promise<Reporter>> = {
  text: async () => (await import('./text.js')).textReport,
  json: async () => (await import('./json.js')).jsonReport,
  sarif: async () => (await import('./sarif.js')).sarifReport,
  junit: async () => (await import('./junit.js')).junitReport,
  csv: async () => (await import('./csv.js')).csvReport,
  github: async () => (await import('./github.js')).githubReport,
  html: async () => (await import('./html.js')).htmlReport,
};

/** Renders a result in one of the formats; throws for an unknown format. */
export async function renderReport(format: string, result: ScanResult, opts: ReportOptions): Promise<string> {
  const load = Object.hasOwn(REPORTERS, format) ? REPORTERS[format] : undefined;
  if (!load) throw new Error(`unknown format "${format}"`);
  return (await load())(result, opts);
}
