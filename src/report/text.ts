import type { Finding, ScanResult } from '../types.js';
import { escapeControl } from './escapeControl.js';
import { excerptOf } from './excerpt.js';
import { sinkChunks, type ReportSink } from './sink.js';
import { summaryLine } from './summary.js';
import { verificationText } from './verificationText.js';

export interface TextOptions {
  color: boolean;
  /** The baseline applied, for the summary line. */
  baseline?: string;
}

type Paint = (s: string) => string;
const plain: Paint = (s) => s;

const width = (s: string) => [...s].length;

/**
 * The human report. Per finding, a block:
 *
 *   config/prod.env:3:19  aws-access-key-id  AWS access key ID
 *       AWS_ACCESS_KEY_ID=AKIA…(redacted)
 *                         ^^^^^^^^^^^^^^^
 *       account 123456789012 · commit 1a2b3c4d5e6f by Jane Doe on 2026-01-01 · add deploy config
 *
 * (path:line:column, rule id, description; an excerpt of the line, cut around the secret, with
 * the secret marked underneath; then what else is known: AWS account, decoding, commit). Then
 * the summary line: findings by rule, commits, files, bytes, time, suppressed and skipped
 * counts. Expects a result that is already redacted (or deliberately not). Colors only when
 * asked (the CLI asks on a TTY without NO_COLOR); the layout is the same either way.
 */
export async function textReport(result: ScanResult, opts: TextOptions): Promise<string> {
  let out = '';
  for await (const chunk of textReportChunks(result, opts)) out += chunk;
  return out;
}

/** The text report in pieces, one per finding (textReport joins them). */
export async function* textReportChunks(result: ScanResult, opts: TextOptions): AsyncGenerator<string> {
  yield* sinkChunks(await textSink(opts), result);
}

/** The text report as a sink (see ReportSink): each finding's block as it comes, the summary line at the end. */
export async function textSink(opts: TextOptions): Promise<ReportSink> {
  let red = plain,
    bold = plain,
    dim = plain,
    green = plain,
    yellow = plain;
  if (opts.color) {
    const pc = (await import('picocolors')).createColors(true);
    ({ red, bold, dim, green, yellow } = pc);
  }
  return {
    begin: () => [],
    finding: (f) => [`${block(f, { red, bold, dim, yellow })}\n`],
    suppressed: () => [],
    end: (result) => {
      const summary = escapeControl(summaryLine(result, opts.baseline));
      return [`${result.findings.length ? bold(summary) : green(summary)}\n`];
    },
  };
}

/**
 * One finding's block. Every field that comes from scanned data (path, rule and description of
 * a custom rule, author, date, subject) has its control characters escaped (escapeControl); the
 * excerpt has them flattened to spaces (excerptOf, C1 and bidi overrides included).
 */
function block(finding: Finding, c: { red: Paint; bold: Paint; dim: Paint; yellow: Paint }): string {
  const f = { ...finding, path: escapeControl(finding.path), ruleId: escapeControl(finding.ruleId), description: escapeControl(finding.description) };
  const lines = [`${c.bold(`${f.path}:${f.line}:${f.column}`)}  ${c.red(f.ruleId)}  ${c.dim(f.description)}`];
  const ex = excerptOf(f);
  if (ex.secret) {
    lines.push(`    ${ex.before}${c.red(c.bold(ex.secret))}${ex.after}`);
    lines.push(`    ${' '.repeat(width(ex.before))}${c.red('^'.repeat(Math.max(1, width(ex.secret))))}`);
  } else {
    lines.push(`    ${ex.before}`);
    lines.push(`    ${c.red(`secret: ${escapeControl(f.secret)}`)}`);
  }
  const notes: string[] = [];
  if (f.repository !== undefined) notes.push(`repository ${f.repository}`); // a merge of several
  // A secret spanning lines (a private key block) shows its first line only: say how far it runs.
  if (f.endLine !== undefined && f.endLine !== f.line) notes.push(`lines ${f.line}–${f.endLine}`);
  if (f.awsAccountId) notes.push(`account ${f.awsAccountId}`);
  if (f.decodedFrom) notes.push(`decoded from ${f.decodedFrom}`);
  if (f.verification) notes.push(verificationText(f.verification));
  if (f.commit) {
    let commit = `commit ${c.yellow(f.commit.slice(0, 12))}`;
    if (f.author) commit += ` by ${escapeControl(f.author)}`;
    if (f.date) commit += ` on ${escapeControl(f.date.slice(0, 10))}`;
    notes.push(commit);
    if (f.message) notes.push(escapeControl(f.message));
  }
  if (notes.length) lines.push(`    ${c.dim(notes.join(' · '))}`);
  return `${lines.join('\n')}\n`;
}
