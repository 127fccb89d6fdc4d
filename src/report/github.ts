import type { Finding, ScanResult, Severity } from '../types.js';
import type { ReportOptions } from './index.js';
import { findingMessage, helpOf } from './ruleInfo.js';
import { sinkChunks, type ReportSink } from './sink.js';
import { escapeControl } from './escapeControl.js';
import { summaryLine } from './summary.js';

/**
 * A workflow command's message, escaped as @actions/core does: % CR LF become %25 %0D %0A.
 *
 *   ::error file=config/prod.env,line=3,col=19,endColumn=39,title=keyfence%3A aws-access-key-id::AWS access key ID …
 */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value: like data, and also : and , (they delimit properties). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', note: 'notice' };

function annotation(finding: Finding, help: string): string {
  // Scanned data (a path, an author, a subject) keeps no terminal control sequence; CR and LF
  // are escaped by escapeData/escapeProperty below.
  const f: Finding = { ...finding, path: escapeControl(finding.path, true), description: escapeControl(finding.description, true) };
  if (f.author !== undefined) f.author = escapeControl(f.author, true);
  if (f.date !== undefined) f.date = escapeControl(f.date, true);
  if (f.message !== undefined) f.message = escapeControl(f.message, true);
  const endLine = f.endLine ?? f.line;
  // GitHub reads columns only for an annotation on one line: a multi-line one (a private key) spans whole lines.
  const columns = endLine === f.line ? [`col=${f.column}`, `endColumn=${f.endColumn}`] : [];
  const props = [`file=${escapeProperty(f.path)}`, `line=${f.line}`, `endLine=${endLine}`, ...columns, `title=${escapeProperty(`keyfence: ${f.ruleId}`)}`];
  const { what, commit } = findingMessage(f);
  const msg = `${what}${commit ? `\n${commit}` : ''}\n${help}`;
  return `::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(msg)}`;
}

/**
 * GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` per finding (by the
 * rule's severity) with file, line, col, endColumn, a title and the rule's help (how to rotate), so each finding shows as an
 * annotation on the pull request's diff; then the summary line as plain log output. Paths
 * must be relative to the repository root for GitHub to place the annotation (they are,
 * inside a git work tree).
 */
export function githubReport(result: ScanResult, opts: ReportOptions): string {
  return [...githubReportChunks(result, opts)].join('');
}

/** The github report in pieces, one per annotation (githubReport joins them). */
export function githubReportChunks(result: ScanResult, opts: ReportOptions): Generator<string> {
  return sinkChunks(githubSink(opts), result);
}

/** The github report as a sink (see ReportSink): each annotation as its finding comes, the summary line at the end. */
export function githubSink(opts: Pick<ReportOptions, 'rules' | 'baseline'>): ReportSink {
  const help = helpOf(opts.rules);
  return {
    begin: () => [],
    finding: (f) => [`${annotation(f, help(f))}\n`],
    suppressed: () => [],
    end: (result) => [`${escapeControl(summaryLine(result, opts.baseline))}\n`],
  };
}

/**
 * A line for stderr when the report is GitHub workflow commands: escaped as workflow-command
 * data (%, CR, LF), so a note quoting scanned data (a file name holding "\n::error …" or
 * "::stop-commands::") cannot start a command of its own.
 */
export function githubLogLine(line: string): string {
  return escapeData(escapeControl(line, true));
}
