import { describe, expect, it } from 'vitest';
import { baselineOf, baselineStage, parseBaseline, pruneBaseline, serializeBaseline } from '../src/baseline/baseline.js';
import { ConfigError } from '../src/config/configError.js';
import { fingerprintOf } from '../src/detect/detector.js';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import type { Finding } from '../src/types.js';

function finding(ruleId: string, path: string, secret: string, line = 1, commit?: string): Finding {
  return {
    ruleId,
    description: '',
    path,
    line,
    endLine: line,
    column: 1,
    endColumn: secret.length + 1,
    secret,
    lineText: secret,
    fingerprint: fingerprintOf(ruleId, path, secret),
    severity: 'error',
    ...(commit ? { commit } : {}),
  };
}

describe('baseline file', () => {
  const key = fakeKeyId();
  const secret = fakeSecretKey();
  const findings = [
    finding('aws-secret-access-key', 'z.env', secret, 9),
    finding('aws-access-key-id', 'z.env', key, 8),
    finding('aws-access-key-id', 'a.env', key, 3),
    finding('aws-access-key-id', 'a.env', key, 30), // same secret again in the same file
    finding('aws-access-key-id', 'a.env', key, 12, 'c0ffee'.padEnd(40, '0')), // and in history
  ];

  it('records one entry per fingerprint, sorted by path, rule, fingerprint, with no line number', () => {
    const b = baselineOf(findings);
    expect(b.entries.map((e) => `${e.path} ${e.ruleId}`)).toEqual(['a.env aws-access-key-id', 'z.env aws-access-key-id', 'z.env aws-secret-access-key']);
    expect(Object.keys(b.entries[0]!).sort()).toEqual(['fingerprint', 'path', 'redactedSecret', 'ruleId']);
    expect(b.entries[0]!.fingerprint).toBe(fingerprintOf('aws-access-key-id', 'a.env', key));
  });

  it('never holds a secret in clear', () => {
    const text = serializeBaseline(baselineOf(findings));
    expect(text).not.toContain(key);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.slice(4, 20));
    expect(text).toContain(`"redactedSecret": "${key.slice(0, 4)}…(redacted)"`);
  });

  it('is byte-identical whatever order or line the findings come in', () => {
    const moved = [...findings].reverse().map((f) => ({ ...f, line: f.line + 10 }));
    expect(serializeBaseline(baselineOf(moved))).toBe(serializeBaseline(baselineOf(findings)));
    expect(serializeBaseline(baselineOf(findings))).toMatch(/^\{\n {2}"tool": "keyfence",\n {2}"version": 1,\n/);
    expect(serializeBaseline(baselineOf(findings)).endsWith('}\n')).toBe(true);
  });

  it('reads back what it writes', () => {
    const b = baselineOf(findings);
    expect(parseBaseline(serializeBaseline(b), 'b.json')).toEqual(b);
  });

  const bad: [string, RegExp][] = [
    ['{', /^b\.json: not a keyfence baseline: invalid JSON/],
    ['{"version": 1}', /^b\.json: not a keyfence baseline: no "entries" array$/],
    ['{"version": 2, "entries": []}', /^b\.json: unsupported baseline version 2/],
    ['{"version": 1, "entries": [{"path": "x"}]}', /^b\.json: entries\[0\]\.fingerprint: missing$/],
  ];
  for (const [text, message] of bad) {
    it(`rejects ${text}`, () => {
      expect(() => parseBaseline(text, 'b.json')).toThrowError(message);
      expect(() => parseBaseline(text, 'b.json')).toThrowError(ConfigError);
    });
  }

  it('the baseline stage allows recorded fingerprints only, naming the file', () => {
    const stage = baselineStage(baselineOf(findings.slice(0, 1)), '.keyfence-baseline.json');
    const fragment = { text: '', path: 'z.env', startLine: 1 };
    expect(stage(finding('aws-secret-access-key', 'z.env', secret, 99), fragment)).toEqual({ stage: 'baseline', reason: '.keyfence-baseline.json' });
    expect(stage(finding('aws-secret-access-key', 'y.env', secret), fragment)).toBeNull(); // same secret, other file
    expect(stage(finding('aws-secret-access-key', 'z.env', fakeSecretKey()), fragment)).toBeNull();
  });

  it('prune splits entries into those still found and the stale ones', () => {
    const b = baselineOf(findings);
    const { kept, stale } = pruneBaseline(
      b,
      findings.filter((f) => f.path === 'z.env'),
    );
    expect(kept.map((e) => e.path)).toEqual(['z.env', 'z.env']);
    expect(stale.map((e) => `${e.path} ${e.ruleId}`)).toEqual(['a.env aws-access-key-id']);
  });
});
