import type { Finding, ScanResult } from '../types.js';
import { escapeControl } from './escapeControl.js';
import { excerptOf } from './excerpt.js';
import { renderAtEnd, type ReportSink } from './sink.js';
import type { ReportOptions } from './index.js';
import { ruleInfos } from './ruleInfo.js';
import { counted, formatBytes } from './summary.js';
import { verificationText } from './verificationText.js';

/**
 * Text made safe for an XML attribute or element: the five special characters escaped, and
 * characters XML 1.0 forbids (C0 controls other than tab, LF, CR; lone surrogates; U+FFFE/F)
 * replaced by U+FFFD.
 */
export function xmlEscape(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

/** Element text: newlines and tabs kept as they are. */
const xmlText = (s: string) => xmlEscape(s).replace(/&#10;/g, '\n').replace(/&#9;/g, '\t');

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** Scanned data as the report shows it: control characters escaped (C1 ones too, which XML allows). */
const shown = (s: string) => escapeControl(s);

function where(f: Finding): string {
  return `${shown(f.path)}:${f.line}:${f.column}`;
}

/** A finding's `<testcase …` opening: classname = path, name = rule, position and short commit. */
function testcaseOpen(f: Finding): string {
  const commit = f.commit ? ` @ ${f.commit.slice(0, 12)}` : '';
  return `    <testcase classname="${xmlEscape(shown(f.path))}" name="${xmlEscape(`${shown(f.ruleId)} at ${where(f)}${commit}`)}" file="${xmlEscape(shown(f.path))}" line="${f.line}" time="0">\n`;
}

function details(f: Finding, help: string): string {
  const ex = excerptOf(f);
  const lines = [`${shown(f.description)} at ${where(f)}`, `  ${ex.before}${ex.secret}${ex.after}`];
  if (f.awsAccountId) lines.push(`AWS account: ${f.awsAccountId}`);
  if (f.decodedFrom) lines.push(`Decoded from: ${f.decodedFrom}`);
  if (f.verification) lines.push(`Verification: ${shown(verificationText(f.verification))}`);
  if (f.commit) lines.push(`Commit: ${f.commit}${f.author ? ` (${shown(f.author)}${f.date ? `, ${shown(f.date)}` : ''})` : ''}`);
  lines.push(`Fingerprint: ${f.fingerprint}`, `How to fix: ${help}`);
  return lines.join('\n');
}

/**
 * JUnit XML as CI servers read it (Jenkins, GitLab, Azure DevOps, the common XSD): one
 * `<testsuite name="keyfence">` in `<testsuites>`; one failing `<testcase>` per finding
 * (classname = path, name = rule and position, `<failure type=rule message=…>` with the
 * redacted excerpt and how to rotate); one `<skipped>` test case per suppressed finding with
 * the reason; and when nothing was found, one passing test case, so a clean run still shows
 * a test. Attributes are escaped, characters XML forbids are replaced, and control characters in
 * scanned data (paths, authors, rule texts: C1 ones too, which XML allows) are escaped as in the
 * text report; the excerpt has them flattened to spaces (excerptOf).
 */
export function junitReport(result: ScanResult, opts: ReportOptions): string {
  return [...junitReportChunks(result, opts)].join('');
}

/** The JUnit report as a sink (see ReportSink): rendered at the end, since its first element carries the counts and the time. */
export function junitSink(opts: ReportOptions): ReportSink {
  return renderAtEnd((result) => junitReportChunks(result, opts));
}

/** The JUnit report in pieces, one per test case (junitReport joins them). */
export function* junitReportChunks(result: ScanResult, opts: ReportOptions): Generator<string> {
  const { findings, suppressed, stats } = result;
  const help = new Map(ruleInfos(opts.rules, [...findings, ...suppressed]).map((r) => [r.id, r.help]));
  const tests = findings.length + suppressed.length + (findings.length === 0 ? 1 : 0);
  const counts = `tests="${tests}" failures="${findings.length}" errors="0" skipped="${suppressed.length}" time="${seconds(stats.durationMs)}"`;
  const props = [`filesScanned" value="${stats.filesScanned}`, `bytesScanned" value="${stats.bytesScanned}`];
  if (stats.commitsScanned !== undefined) props.push(`commitsScanned" value="${stats.commitsScanned}`);
  if (opts.version) props.unshift(`keyfence.version" value="${xmlEscape(opts.version)}`);
  yield [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="keyfence" ${counts}>`,
    `  <testsuite name="keyfence" ${counts}>`,
    '    <properties>',
    ...props.map((p) => `      <property name="${p}"/>`),
    '    </properties>',
    '',
  ].join('\n');
  if (findings.length === 0) {
    const what = `${stats.commitsScanned !== undefined ? `${counted(stats.commitsScanned, 'commit')}, ` : ''}${counted(stats.filesScanned, 'file')}, ${formatBytes(stats.bytesScanned)}`;
    yield `    <testcase classname="keyfence" name="${xmlEscape(`no secrets found (${what})`)}" time="${seconds(stats.durationMs)}"/>\n`;
  }
  for (const f of findings) {
    yield testcaseOpen(f) +
      `      <failure type="${xmlEscape(shown(f.ruleId))}" message="${xmlEscape(shown(`${f.description}: ${f.secret}`))}">${xmlText(details(f, help.get(f.ruleId)!))}</failure>\n` +
      `    </testcase>\n`;
  }
  for (const f of suppressed) {
    yield testcaseOpen(f) +
      `      <skipped message="${xmlEscape(shown(`suppressed by ${f.suppressedBy.stage}: ${f.suppressedBy.reason}`))}"/>\n` +
      `    </testcase>\n`;
  }
  yield '  </testsuite>\n</testsuites>\n';
}
