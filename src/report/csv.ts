import type { Finding, ScanResult } from '../types.js';
import { excerptOf } from './excerpt.js';
import { renderAtEnd, type ReportSink } from './sink.js';

/** The columns, in order; the first row of every CSV report. */
export const CSV_COLUMNS = [
  'rule_id',
  'severity',
  'path',
  'line',
  'column',
  'end_column',
  'secret',
  'excerpt',
  'description',
  'aws_account_id',
  'decoded_from',
  'commit',
  'author',
  'date',
  'fingerprint',
] as const;

/** Columns added after CSV_COLUMNS when the scan ran with --verify (a finding has a verification). */
export const CSV_VERIFY_COLUMNS = ['verification_status', 'verification_arn', 'verification_account', 'verification_error'] as const;

/**
 * One RFC 4180 field: quoted when it holds a comma, a semicolon, a double quote, CR or LF
 * (quotes doubled). Text that a spreadsheet would run as a formula (starting with =, +, -, @,
 * tab, CR or LF) gets a leading apostrophe, and so does each `;`-separated part that does (a
 * spreadsheet in a semicolon locale splits `a;=cmd()` into two cells), so opening an audit of
 * a hostile repository in a spreadsheet is safe.
 */
export function csvField(value: string | number | undefined, text = true): string {
  let s = value === undefined ? '' : String(value);
  if (text) s = s.replace(/(^|;)(?=[=+\-@\t\r\n])/g, "$1'");
  return /[",;\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function row(f: Finding, verified: boolean): string[] {
  const ex = excerptOf(f);
  const v = f.verification;
  const verification = verified ? [csvField(v?.status), csvField(v?.arn), csvField(v?.account), csvField(v?.error)] : [];
  return [
    csvField(f.ruleId),
    csvField(f.severity),
    csvField(f.path),
    csvField(f.line, false),
    csvField(f.column, false),
    csvField(f.endColumn, false),
    csvField(f.secret),
    csvField(`${ex.before}${ex.secret}${ex.after}`),
    csvField(f.description),
    csvField(f.awsAccountId),
    csvField(f.decodedFrom),
    csvField(f.commit),
    csvField(f.author),
    csvField(f.date),
    csvField(f.fingerprint),
    ...verification,
  ];
}

/**
 * The UTF-8 byte order mark every CSV report starts with: without it Excel reads the file as
 * the machine's ANSI code page and shows the redaction marker "…" as "â€¦".
 */
export const CSV_BOM = '\ufeff';

/**
 * CSV per RFC 4180, starting with a UTF-8 BOM (CSV_BOM): a header row (CSV_COLUMNS, then
 * CSV_VERIFY_COLUMNS after `scan --verify`), then one row per finding in report order; CRLF
 * after every row. Suppressed findings are not rows (the JSON and SARIF reports keep them).
 */
export function csvReport(result: ScanResult): string {
  return [...csvReportChunks(result)].join('');
}

/** The CSV report as a sink (see ReportSink): rendered at the end, since its header names the verification columns only when a finding has one. */
export function csvSink(): ReportSink {
  return renderAtEnd(csvReportChunks);
}

/** The CSV report in pieces, one per row (csvReport joins them). */
export function* csvReportChunks(result: ScanResult): Generator<string> {
  const verified = result.findings.some((f) => f.verification);
  const header = verified ? [...CSV_COLUMNS, ...CSV_VERIFY_COLUMNS] : CSV_COLUMNS;
  yield `${CSV_BOM}${header.join(',')}\r\n`;
  for (const f of result.findings) yield `${row(f, verified).join(',')}\r\n`;
}
