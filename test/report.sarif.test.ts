import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { sarifReport, pathToUri } from '../src/report/sarif.js';
import { loadBuiltinRules } from '../src/rules/load.js';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import { cleanResult, reportResult, reportRules } from './fixtures/reportResult.js';

// SARIF output checked against the SARIF 2.1.0 schema (see test/fixtures/sarif/README.md for
// where it comes from) and against what GitHub code scanning reads.
const raw = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'));
const { id, $schema: _draft04, ...rest } = raw;
// unicodeRegExp: false because the schema's "language" pattern (`…{2}]?$`) is not valid with the u flag.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats.default(ajv);
const validate = ajv.compile({ $id: id, ...rest });

function expectValid(log: unknown): void {
  const ok = validate(log);
  expect(validate.errors?.map((e) => `${e.instancePath} ${e.message}`) ?? []).toEqual([]);
  expect(ok).toBe(true);
}

describe('SARIF 2.1.0', () => {
  it('the schema rejects what it should (the validator is live)', () => {
    const log = JSON.parse(sarifReport(reportResult, { color: false, rules: reportRules })) as Sarif.Log;
    (log.runs[0]!.results![0] as { level: string }).level = 'critical';
    log.runs[0]!.results![1]!.locations![0]!.physicalLocation!.region!.startLine = 0;
    expect(validate(log)).toBe(false);
    expect(validate.errors!.map((e) => e.instancePath)).toEqual(
      expect.arrayContaining(['/runs/0/results/0/level', '/runs/0/results/1/locations/0/physicalLocation/region/startLine']),
    );
  });
  it('the golden report and a clean report are valid', () => {
    expectValid(JSON.parse(sarifReport(reportResult, { color: false, rules: reportRules, version: '1.2.3' })));
    expectValid(JSON.parse(sarifReport(cleanResult, { color: false })));
  });
  it('a real scan through the CLI is valid and has what GitHub code scanning needs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keyfence-sarif-'));
    const key = fakeKeyId();
    writeFileSync(path.join(dir, 'my creds.env'), `\nAWS_ACCESS_KEY_ID=${key}\nAWS_SECRET_ACCESS_KEY=${fakeSecretKey()}\n`);
    const res = await run(['scan', '--no-git', '.', '--format', 'sarif'], { cwd: dir, env: {} });
    expect(res.exitCode).toBe(1);
    const log = JSON.parse(res.stdout) as Sarif.Log;
    expectValid(log);
    const run0 = log.runs[0]!;
    const driver = run0.tool.driver;
    expect(driver.name).toBe('keyfence');
    expect(driver.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(driver.informationUri).toMatch(/^https:\/\//);
    const shipped = loadBuiltinRules().filter((r) => r.enabled !== false);
    expect(driver.rules!.map((r) => r.id).sort()).toEqual(shipped.map((r) => r.id).sort());
    for (const rule of driver.rules!) {
      const spec = shipped.find((s) => s.id === rule.id)!;
      expect(rule.shortDescription!.text).toBe(spec.description);
      expect(rule.help!.text).toBe(spec.help);
      expect(rule.properties!['security-severity']).toMatch(/^\d+\.\d$/);
    }
    expect(run0.results).toHaveLength(2);
    const [r] = run0.results!;
    expect(r!.ruleId).toBe('aws-access-key-id');
    expect(driver.rules![r!.ruleIndex!]!.id).toBe('aws-access-key-id');
    expect(r!.level).toBe('error');
    expect(r!.message.text).toContain('AKIA…(redacted)');
    expect(res.stdout).not.toContain(key);
    const loc = r!.locations![0]!.physicalLocation!;
    expect(loc.artifactLocation!.uri).toBe('my%20creds.env');
    expect(loc.region).toMatchObject({ startLine: 2, startColumn: 19, endColumn: 39 });
    const json = JSON.parse((await run(['scan', '--no-git', '.', '-f', 'json'], { cwd: dir, env: {} })).stdout);
    expect(r!.partialFingerprints).toEqual({ 'keyfence/secret/v1': json.findings[0].fingerprint, primaryLocationLineHash: json.findings[0].fingerprint });
  });
  it('the fingerprint survives the secret moving to another line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keyfence-sarif-'));
    const line = `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n`;
    writeFileSync(path.join(dir, 'a.env'), line);
    const before = JSON.parse((await run(['scan', '--no-git', '.', '-f', 'sarif'], { cwd: dir, env: {} })).stdout) as Sarif.Log;
    writeFileSync(path.join(dir, 'a.env'), `# moved\n\n${line}`);
    const after = JSON.parse((await run(['scan', '--no-git', '.', '-f', 'sarif'], { cwd: dir, env: {} })).stdout) as Sarif.Log;
    expect(after.runs[0]!.results![0]!.locations![0]!.physicalLocation!.region!.startLine).toBe(3);
    expect(after.runs[0]!.results![0]!.partialFingerprints).toEqual(before.runs[0]!.results![0]!.partialFingerprints);
  });
  it('suppressed findings are results with the reason as a suppression', () => {
    const log = JSON.parse(sarifReport(reportResult, { color: false, rules: reportRules })) as Sarif.Log;
    const suppressed = log.runs[0]!.results!.filter((r) => r.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]!.suppressions).toEqual([{ kind: 'inSource', justification: 'inline: keyfence:allow test fixture' }]);
  });
  it('history findings carry the commit', () => {
    const log = JSON.parse(sarifReport(reportResult, { color: false, rules: reportRules })) as Sarif.Log;
    const r = log.runs[0]!.results!.find((x) => x.properties?.commit)!;
    expect(r.properties).toMatchObject({ commit: '0123456789abcdef0123456789abcdef01234567', author: 'Jane Doe' });
    expect(r.message.text).toContain('in commit 0123456789ab by Jane Doe');
  });
  it('paths become URI references with each segment encoded', () => {
    expect(pathToUri('src/a b/#x%.ts')).toBe('src/a%20b/%23x%25.ts');
    expect(pathToUri('deploy/my "odd", path.yml')).toBe('deploy/my%20%22odd%22%2C%20path.yml');
  });
});
