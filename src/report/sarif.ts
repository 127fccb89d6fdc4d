import type * as Sarif from 'sarif';
import type { Finding, ScanResult, Severity, SuppressedFinding } from '../types.js';
import type { ReportOptions } from './index.js';
import { jsonChunks } from './jsonChunks.js';
import { renderAtEnd, type ReportSink } from './sink.js';
import { findingMessage, ruleInfos } from './ruleInfo.js';

/** Where people learn about keyfence (SARIF's tool.driver.informationUri). */
export const INFORMATION_URI = 'https://www.npmjs.com/package/keyfence';

/** The key keyfence's own fingerprint is stored under in `partialFingerprints`. */
export const FINGERPRINT_KEY = 'keyfence/secret/v1';

/** GitHub code scanning's "security severity" (0–10) for each level: secrets are critical. */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '9.0', warning: '6.0', note: '2.0' };

/** A relative path as a URI reference: each segment percent-encoded, "/" kept. */
export function pathToUri(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

function ruleName(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, _d: string, c: string) => c.toUpperCase());
}

function message(f: Finding): string {
  const { what, commit } = findingMessage(f);
  return `${what}${commit ? ` ${commit}` : ''}.`;
}

/**
 * SARIF 2.1.0, one run: `tool.driver` with every rule that ran (id, short description, help
 * text saying how to rotate the credential, default level, GitHub's security-severity), then
 * one result per finding with `ruleId`, `level`, a physical location (URI relative to the scan
 * root, region with startLine/startColumn/endColumn in UTF-16 code units, the redacted line as
 * snippet) and `partialFingerprints`. The fingerprint does not contain the line number, so
 * GitHub code scanning recognises the same secret across runs even when lines move: it is
 * given both under keyfence's own key and as `primaryLocationLineHash`, the key GitHub matches
 * alerts on. Suppressed findings are results too, with a `suppressions` entry giving the reason
 * (inline comments are `inSource`, everything else `external`). History findings carry their
 * commit, author and date in `properties`; a merge of several repositories' findings, each
 * finding's repository.
 */
export function sarifReport(result: ScanResult, opts: ReportOptions): string {
  return [...sarifReportChunks(result, opts)].join('');
}

/** The SARIF report as a sink (see ReportSink): rendered at the end, since its rule list (before the results) names every rule a finding has. */
export function sarifSink(opts: ReportOptions): ReportSink {
  return renderAtEnd((result) => sarifReportChunks(result, opts));
}

/** The SARIF report in pieces, one per result (sarifReport joins them). */
export function* sarifReportChunks(result: ScanResult, opts: ReportOptions): Generator<string> {
  const all: (Finding | SuppressedFinding)[] = [...result.findings, ...result.suppressed];
  const rules = ruleInfos(opts.rules, all);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const toResult = (f: Finding | SuppressedFinding): Sarif.Result => {
    const region: Sarif.Region = { startLine: f.line, startColumn: f.column, endColumn: f.endColumn };
    // SARIF's endLine defaults to startLine: written only for a secret that spans lines (endColumn is then on endLine).
    if (f.endLine !== undefined && f.endLine !== f.line) region.endLine = f.endLine;
    if (f.lineText) region.snippet = { text: f.lineText.replace(/\r$/, '') };
    const r: Sarif.Result = {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId)!,
      level: f.severity,
      message: { text: message(f) },
      locations: [{ physicalLocation: { artifactLocation: { uri: pathToUri(f.path), uriBaseId: '%SRCROOT%' }, region } }],
      partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint, primaryLocationLineHash: f.fingerprint },
    };
    const props: Record<string, string> = {};
    if (f.commit) props.commit = f.commit;
    if (f.author) props.author = f.author;
    if (f.email) props.email = f.email;
    if (f.date) props.date = f.date;
    if (f.awsAccountId) props.awsAccountId = f.awsAccountId;
    if (f.decodedFrom) props.decodedFrom = f.decodedFrom;
    if (f.verification) {
      props.verificationStatus = f.verification.status;
      if (f.verification.arn) props.verificationArn = f.verification.arn;
      if (f.verification.account) props.verificationAccount = f.verification.account;
      if (f.verification.userId) props.verificationUserId = f.verification.userId;
      if (f.verification.error) props.verificationError = f.verification.error;
    }
    if (f.repository) props.repository = f.repository;
    if (Object.keys(props).length) r.properties = props;
    if ('suppressedBy' in f) {
      r.suppressions = [
        { kind: f.suppressedBy.stage === 'inline' ? 'inSource' : 'external', justification: `${f.suppressedBy.stage}: ${f.suppressedBy.reason}` },
      ];
    }
    return r;
  };
  const log: Sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'keyfence',
            ...(opts.version ? { version: opts.version, semanticVersion: opts.version } : {}),
            informationUri: INFORMATION_URI,
            rules: rules.map((r) => ({
              id: r.id,
              name: ruleName(r.id),
              shortDescription: { text: r.description },
              fullDescription: { text: `${r.description}: a credential committed to the repository.` },
              help: { text: r.help, markdown: `**${r.description}**\n\n${r.help}` },
              defaultConfiguration: { level: r.severity },
              properties: { tags: ['security', 'secret'], precision: 'high', 'security-severity': SECURITY_SEVERITY[r.severity] },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The root of the scan: the repository root inside a git work tree.' } } },
        columnKind: 'utf16CodeUnits',
        results: [],
        properties: {
          filesScanned: result.stats.filesScanned,
          bytesScanned: result.stats.bytesScanned,
          ...(result.stats.commitsScanned !== undefined ? { commitsScanned: result.stats.commitsScanned } : {}),
          durationMs: result.stats.durationMs,
        },
      },
    ],
  };
  yield* jsonChunks(log, {
    results: (function* () {
      for (const f of all) yield toResult(f);
    })(),
  });
  yield '\n';
}
