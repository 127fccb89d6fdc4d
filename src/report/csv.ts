import type { Finding, ScanResult } from '../types.js';
import { excerptOf } from './excerpt.js';

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
 * One RFC 4180 field: quoted when it holds a comma, a double quote, CR or LF (quotes doubled).
 * Text that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) gets a
 * leading apostrophe, so opening an audit of a hostile repository in a spreadsheet is safe.
 */
export function csvField(value: string | number | undefined, text = true): string {
  let s = value === undefined ? '' : String(value);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
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
 * CSV per RFC 4180: a header row (CSV_COLUMNS, then CSV_VERIFY_COLUMNS after `scan --verify`),
 * then one row per finding in report order; CRLF after every row. Suppressed findings are not
 * rows (the JSON and SARIF reports keep them).
 */
export function csvReport(result: ScanResult): string {
  const verified = result.findings.some((f) => f.verification);
  const header = verified ? [...CSV_COLUMNS, ...CSV_VERIFY_COLUMNS] : CSV_COLUMNS;
  return [header.join(','), ...result.findings.map((f) => row(f, verified).join(','))].map((l) => `${l}\r\n`).join('');
}
