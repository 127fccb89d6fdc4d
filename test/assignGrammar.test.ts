import { describe, expect, it } from 'vitest';
import { detect } from '../src/detect/detector.js';
import { fakeKeyId, fakeSecretKey, fakeSessionToken } from '../src/rules/examples.js';
import { loadBuiltinRules, selectRules } from '../src/rules/load.js';

// The named AWS secret and session-token rules read what stands between a name and its value
// with one grammar (a bounded run of operators, quotes, brackets and type words): the two rules
// must not drift apart, and every spelling of an assignment works for both.
const specs = loadBuiltinRules();
const rules = selectRules(specs);
const pattern = (id: string) => specs.find((s) => s.id === id)!.pattern;
/** The run of tokens of a named rule's pattern, after the name and before the value. */
const gapOf = (source: string) => source.slice(source.indexOf('{0,20}') + 6, source.indexOf('{0,16}') + 6);

describe('the grammar between a name and its value', () => {
  it('is the same in the secret and session-token rules', () => {
    const secret = gapOf(pattern('aws-secret-access-key'));
    expect(secret.length).toBeGreaterThan(100);
    expect(gapOf(pattern('aws-session-token'))).toBe(secret);
  });

  const forms: [string, (name: string, value: string) => string][] = [
    ['Makefile ::=', (n, v) => `${n} ::= ${v}`],
    ['Makefile ?= without spaces', (n, v) => `${n}?=${v}`],
    ['PHP .=', (n, v) => `$${n} .= '${v}';`],
    ['Go typed var', (n, v) => `var ${n} string = "${v}"`],
    ['Kotlin typed val', (n, v) => `val ${n}: String = "${v}"`],
    ['Rust &str', (n, v) => `let ${n}: &str = "${v}";`],
    ['R <-', (n, v) => `${n} <- "${v}"`],
    ['XML add key/value', (n, v) => `<add key="${n}" value="${v}" />`],
    ['ECS name/value', (n, v) => `{"name": "${n}", "value": "${v}"}`],
    ['SQL VALUES', (n, v) => `INSERT INTO creds (${n}) VALUES ('${v}');`],
    ['HCL default', (n, v) => `variable "${n}" { default = "${v}" }`],
  ];
  for (const [what, write] of forms) {
    it(`finds a secret key and a session token written as: ${what}`, () => {
      for (const [name, value] of [
        ['aws_secret_access_key', fakeSecretKey()],
        ['aws_session_token', fakeSessionToken()],
      ] as const) {
        const found = detect({ text: write(name, value), path: 'f', startLine: 1 }, rules).map((f) => f.secret);
        expect(found, write(name, value)).toContain(value);
      }
    });
  }

  // #13.3: the secret rule also reads the value from the next line after a YAML block indicator,
  // a bare `key:` or an XML start tag, and reports it on the value's line.
  for (const [what, write] of [
    ['YAML block scalar', (v: string) => `aws:\n  aws_secret_access_key: |\n    ${v}\n  region: eu-west-1\n`],
    ['YAML folded, stripped', (v: string) => `aws_secret_access_key: >-\n  ${v}\n`],
    ['YAML plain continuation', (v: string) => `aws_secret_access_key:\n  ${v}\n`],
    ['XML element', (v: string) => `<Credentials>\n  <SecretAccessKey>\n    ${v}\n  </SecretAccessKey>\n</Credentials>\n`],
  ] as const) {
    it(`finds a secret key on the line after its name: ${what}`, () => {
      const secret = fakeSecretKey();
      const text = write(secret);
      const found = detect({ text, path: 'f', startLine: 1 }, rules);
      expect(
        found.map((f) => [f.ruleId, f.secret, f.line]),
        text,
      ).toEqual([['aws-secret-access-key', secret, text.split('\n').findIndex((l) => l.includes(secret)) + 1]]);
    });
  }

  it('does not carry a name to the next line after a complete assignment or a comma', () => {
    for (const write of [(v: string) => `secret_key = 1\n${v}\n`, (v: string) => `secretAccessKey,\n  ${v}\n`, (v: string) => `// the secret key\n${v}\n`]) {
      expect(detect({ text: write(fakeSecretKey()), path: 'f', startLine: 1 }, rules)).toEqual([]);
    }
  });

  it('pairs an unnamed secret written NAME=value lines after its key ID', () => {
    const id = fakeKeyId();
    const secret = fakeSecretKey();
    const found = detect({ text: `S3_KEY=${id}\nS3_BUCKET=backups\nS3_SECRET=${secret}\n`, path: '.env', startLine: 1 }, rules);
    expect(found.map((f) => [f.ruleId, f.secret])).toEqual([
      ['aws-access-key-id', id],
      ['aws-secret-access-key', secret],
    ]);
  });
});
