import type { ScanResult } from '../types.js';
import { summaryLine } from './summary.js';

export interface TextOptions {
  color: boolean;
}

type Paint = (s: string) => string;
const plain: Paint = (s) => s;

/**
 * The human report: one line per finding, `path:line:column  rule-id  secret`, the commit and
 * AWS account when known, then the summary line. Expects a result that is already redacted
 * (or deliberately not). Colors only when asked (the CLI asks on a TTY without NO_COLOR).
 */
export async function textReport(result: ScanResult, opts: TextOptions): Promise<string> {
  let red = plain, bold = plain, dim = plain, green = plain;
  if (opts.color) {
    const pc = (await import('picocolors')).default;
    ({ red, bold, dim, green } = pc);
  }
  const lines: string[] = [];
  for (const f of result.findings) {
    let line = `${bold(`${f.path}:${f.line}:${f.column}`)}  ${red(f.ruleId)}  ${f.secret}`;
    if (f.awsAccountId) line += dim(`  account ${f.awsAccountId}`);
    if (f.decodedFrom) line += dim(`  (decoded from ${f.decodedFrom})`);
    if (f.commit) line += dim(`  commit ${f.commit.slice(0, 12)} ${f.author ?? ''} ${f.date ?? ''}`.trimEnd());
    lines.push(line);
  }
  const summary = summaryLine(result);
  lines.push(result.findings.length ? bold(summary) : green(summary));
  return `${lines.join('\n')}\n`;
}
