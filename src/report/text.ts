import type { Finding, ScanResult } from '../types.js';
import { excerptOf } from './excerpt.js';
import { summaryLine } from './summary.js';

export interface TextOptions {
  color: boolean;
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
  let red = plain, bold = plain, dim = plain, green = plain, yellow = plain;
  if (opts.color) {
    const pc = (await import('picocolors')).createColors(true);
    ({ red, bold, dim, green, yellow } = pc);
  }
  const blocks: string[] = [];
  for (const f of result.findings) blocks.push(block(f, { red, bold, dim, yellow }));
  const summary = summaryLine(result);
  blocks.push(result.findings.length ? bold(summary) : green(summary));
  return `${blocks.join('\n')}\n`;
}

function block(f: Finding, c: { red: Paint; bold: Paint; dim: Paint; yellow: Paint }): string {
  const lines = [`${c.bold(`${f.path}:${f.line}:${f.column}`)}  ${c.red(f.ruleId)}  ${c.dim(f.description)}`];
  const ex = excerptOf(f);
  if (ex.secret) {
    lines.push(`    ${ex.before}${c.red(c.bold(ex.secret))}${ex.after}`);
    lines.push(`    ${' '.repeat(width(ex.before))}${c.red('^'.repeat(Math.max(1, width(ex.secret))))}`);
  } else {
    lines.push(`    ${ex.before}`);
    lines.push(`    ${c.red(`secret: ${f.secret}`)}`);
  }
  const notes: string[] = [];
  // A secret spanning lines (a private key block) shows its first line only: say how far it runs.
  if (f.endLine !== undefined && f.endLine !== f.line) notes.push(`lines ${f.line}–${f.endLine}`);
  if (f.awsAccountId) notes.push(`account ${f.awsAccountId}`);
  if (f.decodedFrom) notes.push(`decoded from ${f.decodedFrom}`);
  if (f.commit) {
    let commit = `commit ${c.yellow(f.commit.slice(0, 12))}`;
    if (f.author) commit += ` by ${f.author}`;
    if (f.date) commit += ` on ${f.date.slice(0, 10)}`;
    notes.push(commit);
    if (f.message) notes.push(f.message);
  }
  if (notes.length) lines.push(`    ${c.dim(notes.join(' · '))}`);
  return `${lines.join('\n')}\n`;
}
