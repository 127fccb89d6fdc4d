import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { ConfigError } from '../src/config/configError.js';
import { jsonSyntaxError } from '../src/config/jsonSyntaxError.js';
import { parseConfig } from '../src/config/parseConfig.js';
import { resolveRules } from '../src/config/resolveRules.js';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import { loadBuiltinRules } from '../src/rules/load.js';
import { PARALLEL_MIN_FILES, PARALLEL_START_BYTES } from '../src/sources/tree.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temporary directory holding `files`; a git work tree when `git` is set. */
function tempDir(files: Record<string, string>, git = false): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyfence-config-'));
  dirs.push(dir);
  if (git) spawnSync('git', ['init', '-q'], { cwd: dir });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const cli = (argv: string[], cwd: string) => run(argv, { cwd, env: {} });
const json = async (argv: string[], cwd: string) => {
  const r = await cli([...argv, '--format', 'json'], cwd);
  return {
    ...r,
    report: JSON.parse(r.stdout) as {
      findings: { ruleId: string; path: string }[];
      suppressed: { ruleId: string; path: string; suppressedBy: { stage: string; reason: string } }[];
    },
  };
};
const acme = () =>
  `acme_${'0123456789abcdefghijklmnopqrstuv'
    .split('')
    .sort(() => Math.random() - 0.5)
    .join('')}`;
const ACME_RULE = { id: 'acme-internal-token', description: 'ACME token', pattern: 'acme_[a-z0-9]{32}', keywords: ['acme_'] };

describe('parseConfig: every malformed config names the file, the field and what is wrong', () => {
  const bad: [string, string, RegExp][] = [
    ['invalid JSON (with its position)', '{\n  "extends": "default",\n  "rules": [,]\n}', /^cfg\.json: invalid JSON at line 3, column 13: unexpected ","$/],
    ['truncated JSON', '{"rules": [', /^cfg\.json: invalid JSON at line 1, column 12: unexpected end of file$/],
    ['a trailing comma', '{\n  "disabledRules": ["a"],\n}', /^cfg\.json: invalid JSON at line 3, column 1: trailing comma$/],
    ['an unknown top-level key', '{"disabledRule": []}', /^cfg\.json: \(top level\): unknown key "disabledRule"$/],
    ['an unknown key in allow', '{"allow": {"path": ["x"]}}', /^cfg\.json: allow: unknown key "path"$/],
    ['an unknown key in a rule', `{"rules": [{"id": "a", "pattern": "x", "patern": "y"}]}`, /^cfg\.json: rules\[0\] \(rule "a"\): unknown key "patern"$/],
    ['a rule without an id', '{"rules": [{"pattern": "acme_[a-z]+"}]}', /^cfg\.json: rules\[0\]: missing required field "id"$/],
    [
      'a rule id that is not kebab-case',
      '{"rules": [{"id": "Acme Token", "pattern": "x"}]}',
      /^cfg\.json: rules\[0\]\.id \(rule "Acme Token"\): must be kebab-case/,
    ],
    [
      'a rule pattern that does not compile',
      '{"rules": [{"id": "a", "pattern": "acme_[a-z"}]}',
      /^cfg\.json: rules\[0\]\.pattern: not a valid regular expression: /,
    ],
    [
      'a rule allow regex that does not compile',
      '{"rules": [{"id": "a", "pattern": "x", "allow": {"regexes": ["ok", "("]}}]}',
      /^cfg\.json: rules\[0\]\.allow\.regexes\[1\]: not a valid regular expression/,
    ],
    ['a global allow regex that does not compile', '{"allow": {"regexes": ["*"]}}', /^cfg\.json: allow\.regexes\[0\]: not a valid regular expression/],
    [
      'a per-rule allow regex that does not compile',
      '{"allow": {"byRule": {"aws-access-key-id": {"regexes": ["["]}}}}',
      /^cfg\.json: allow\.byRule\["aws-access-key-id"\]\.regexes\[0\]: not a valid regular expression/,
    ],
    ['a wrong type', '{"disabledRules": "aws-session-token"}', /^cfg\.json: disabledRules: must be an array$/],
    ['an unknown extends', '{"extends": "recommended"}', /^cfg\.json: extends: must be one of "default", "none"$/],
    [
      'a gate that does not exist',
      '{"rules": [{"id": "a", "pattern": "x", "gates": ["nope"]}]}',
      /^cfg\.json: rules\[0\]\.gates\[0\] \(rule "a"\): must be one of "example"/,
    ],
    ['not an object', '[]', /^cfg\.json: \(top level\): must be an object$/],
  ];
  for (const [what, text, message] of bad) {
    it(`rejects ${what}`, () => {
      expect(() => parseConfig(text, 'cfg.json')).toThrowError(message);
      expect(() => parseConfig(text, 'cfg.json')).toThrowError(ConfigError);
    });
  }

  it('accepts the README example and an empty object', () => {
    expect(parseConfig('{}', 'cfg.json')).toEqual({});
    const example = {
      $schema: './node_modules/keyfence/schema/config.schema.json',
      extends: 'default',
      rules: [ACME_RULE],
      disabledRules: ['aws-session-token'],
      enableRules: ['aws-account-id'],
      allow: {
        paths: ['test/fixtures/**'],
        regexes: ['AKIA[A-Z2-7]{12}TEST'],
        regexTarget: 'secret',
        stopwords: ['dummy'],
        byRule: { 'aws-account-id': { paths: ['docs/**'] } },
      },
      baseline: '.keyfence-baseline.json',
    };
    expect(parseConfig(JSON.stringify(example), 'cfg.json')).toEqual(example);
  });
});

describe('jsonSyntaxError', () => {
  const bad: [string, number, string][] = [
    ['', 0, 'unexpected end of file'],
    ['{a: 1}', 1, 'expected a property name in double quotes, found "a"'],
    ["{'a': 1}", 1, 'expected a property name in double quotes, found "\'"'],
    ['{"a" 1}', 5, 'expected ":" after the property name, found "1"'],
    ['{"a": 1 "b": 2}', 8, 'expected "," or "}", found "\\""'],
    ['[1, 2,]', 6, 'trailing comma'],
    ['{"a": tru}', 6, 'unexpected "t"'],
    ['{"a": "x\\q"}', 8, 'invalid escape in string'],
    ['{"a": "x', 8, 'unterminated string'],
    ['{"a": 01}', 7, 'expected "," or "}", found "1"'],
    ['{} {}', 3, 'unexpected "{" after the end of the JSON value'],
    ['// comment\n{}', 0, 'unexpected "/"'],
  ];
  for (const [text, offset, reason] of bad) {
    it(`locates the error in ${JSON.stringify(text)}`, () => {
      expect(() => JSON.parse(text)).toThrow();
      expect(jsonSyntaxError(text)).toEqual({ offset, reason });
    });
  }
  it('accepts what JSON.parse accepts', () => {
    for (const text of ['{}', ' [ ] ', '{"a": [1, -2.5e3, true, false, null, "\\u00e9\\n"], "b": {"c": {}}}', '"x"', '0']) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(jsonSyntaxError(text), text).toBeNull();
    }
  });
});

describe('resolveRules', () => {
  // The AWS rules alone keep the expected lists short (providers: see test/providers.test.ts).
  const builtins = loadBuiltinRules().filter((s) => s.provider === 'aws');
  const ids = (config: object) => resolveRules(config, 'cfg.json', builtins).rules.map((r) => r.id);

  it('starts from the built-ins (extends absent or "default") and adds custom rules', () => {
    expect(ids({})).toEqual(['aws-access-key-id', 'aws-secret-access-key', 'aws-session-token', 'aws-bedrock-api-key', 'aws-mws-key']);
    expect(ids({ extends: 'default', rules: [ACME_RULE] })).toEqual([...ids({}), 'acme-internal-token']);
  });
  it('extends "none" replaces the built-ins', () => {
    expect(ids({ extends: 'none', rules: [ACME_RULE] })).toEqual(['acme-internal-token']);
  });
  it('disables and enables rules by id', () => {
    expect(ids({ disabledRules: ['aws-session-token'], enableRules: ['aws-account-id'] })).toEqual([
      'aws-access-key-id',
      'aws-secret-access-key',
      'aws-bedrock-api-key',
      'aws-mws-key',
      'aws-account-id',
    ]);
  });
  it('a custom rule with a built-in id replaces it', () => {
    const rules = resolveRules({ rules: [{ ...ACME_RULE, id: 'aws-session-token' }] }, 'cfg.json', builtins).rules;
    expect(rules.find((r) => r.id === 'aws-session-token')?.spec.pattern).toBe(ACME_RULE.pattern);
  });
  const unknown: [string, object, RegExp][] = [
    ['disabledRules', { disabledRules: ['aws-key'] }, /^cfg\.json: disabledRules\[0\]: unknown rule id "aws-key" \(see: keyfence rules\)$/],
    ['enableRules', { enableRules: ['x', 'y'].slice(1) }, /^cfg\.json: enableRules\[0\]: unknown rule id "y"/],
    ['allow.byRule', { allow: { byRule: { 'acme-token': {} } } }, /^cfg\.json: allow\.byRule\["acme-token"\]: unknown rule id "acme-token"/],
    [
      'a rule of extends "none"',
      { extends: 'none', disabledRules: ['aws-access-key-id'] },
      /^cfg\.json: disabledRules\[0\]: unknown rule id "aws-access-key-id"/,
    ],
    [
      'near.rule',
      { rules: [{ ...ACME_RULE, near: { rule: 'nope', linesAfter: 1, pattern: 'x' } }] },
      /^cfg\.json: rules\[0\]\.near\.rule: unknown rule id "nope"/,
    ],
  ];
  for (const [where, config, message] of unknown) {
    it(`rejects an unknown rule id in ${where}`, () => {
      expect(() => resolveRules(config, 'cfg.json', builtins)).toThrowError(message);
    });
  }
  it('rejects a duplicate custom rule id', () => {
    expect(() => resolveRules({ rules: [ACME_RULE, ACME_RULE] }, 'cfg.json', builtins)).toThrowError(
      /^cfg\.json: rules\[1\]\.id: duplicate rule id "acme-internal-token"$/,
    );
  });
});

describe('keyfence scan with a config', () => {
  it('prints a malformed config as one line and exits 2, for every kind of mistake', async () => {
    const cases: [string, string][] = [
      ['{"rules": [}', 'keyfence: .keyfence.json: invalid JSON at line 1, column 12: unexpected "}"\n'],
      ['{"allow": {"stopword": ["x"]}}', 'keyfence: .keyfence.json: allow: unknown key "stopword"\n'],
      ['{"rules": [{"id": "a", "pattern": "(x"}]}', 'keyfence: .keyfence.json: rules[0].pattern: not a valid regular expression: '],
      ['{"rules": [{"pattern": "x"}]}', 'keyfence: .keyfence.json: rules[0]: missing required field "id"\n'],
      ['{"disabledRules": ["aws-secret-key"]}', 'keyfence: .keyfence.json: disabledRules[0]: unknown rule id "aws-secret-key" (see: keyfence rules)\n'],
    ];
    for (const [config, message] of cases) {
      const dir = tempDir({ '.keyfence.json': config, 'a.txt': 'nothing here\n' });
      const r = await cli(['scan'], dir);
      expect(r.exitCode, config).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.startsWith(message), r.stderr).toBe(true);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    }
  });

  it('runs custom rules, honours disabledRules and the global allowlists, and keeps why in suppressed', async () => {
    const token = acme();
    const dir = tempDir(
      {
        '.keyfence.json': JSON.stringify({
          rules: [ACME_RULE],
          disabledRules: ['aws-secret-access-key'],
          allow: { paths: ['test/fixtures/**'], stopwords: ['dummy'], regexes: ['^acme_0'] },
        }),
        'src/app.ts': `const t = "${token.replace(/^acme_0/, 'acme_1')}";\nconst s = "aws_secret_access_key=${fakeSecretKey()}";\n`,
        'test/fixtures/keys.txt': `${fakeKeyId()}\n`,
        'src/dummy.ts': `const t = "acme_dummy${'a'.repeat(27)}";\n`,
        'src/zero.ts': `const t = "acme_0${'b'.repeat(31)}";\n`,
      },
      true,
    );
    const { exitCode, report } = await json(['scan'], dir);
    expect(exitCode).toBe(1);
    expect(report.findings.map((f) => `${f.path} ${f.ruleId}`)).toEqual(['src/app.ts acme-internal-token']);
    expect(report.suppressed.map((f) => [f.path, f.suppressedBy])).toEqual([
      ['src/dummy.ts', { stage: 'stopword', reason: 'allow.stopwords: dummy' }],
      ['src/zero.ts', { stage: 'regex', reason: 'allow.regexes: /^acme_0/' }],
      ['test/fixtures/keys.txt', { stage: 'path', reason: 'allow.paths: test/fixtures/**' }],
    ]);
  });

  it('extends "none" runs only the config\'s rules; a custom rule\'s own allow is kept with its reason', async () => {
    const dir = tempDir({
      '.keyfence.json': JSON.stringify({ extends: 'none', rules: [{ ...ACME_RULE, allow: { regexes: ['^acme_test'] } }] }),
      'a.txt': `${fakeKeyId()}\nacme_test${'c'.repeat(28)}\n`,
    });
    const { exitCode, report } = await json(['scan'], dir);
    expect(exitCode).toBe(0);
    expect(report.suppressed.map((f) => f.suppressedBy)).toEqual([{ stage: 'regex', reason: 'rules[0].allow.regexes: /^acme_test/' }]);
  });

  it('per-rule allowlists apply to their rule only', async () => {
    const dir = tempDir({
      '.keyfence.json': JSON.stringify({ rules: [ACME_RULE], allow: { byRule: { 'acme-internal-token': { paths: ['docs/**'] } } } }),
      'docs/a.md': `acme_${'d'.repeat(32)}\nAWS_ACCESS_KEY_ID=${fakeKeyId()}\n`,
    });
    const { report } = await json(['scan'], dir);
    expect(report.findings.map((f) => f.ruleId)).toEqual(['aws-access-key-id']);
    expect(report.suppressed.map((f) => f.suppressedBy.reason)).toEqual(['allow.byRule["acme-internal-token"].paths: docs/**']);
  });

  it('finds .keyfence.json at the repository root when scanning a subdirectory, and never in scanned subdirectories', async () => {
    const dir = tempDir(
      {
        '.keyfence.json': JSON.stringify({ allow: { paths: ['src/allowed/**'] } }),
        'src/allowed/a.env': `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n`,
        // A config inside the scanned content must not widen the allowlist.
        'vendor/.keyfence.json': JSON.stringify({ allow: { paths: ['**'] } }),
        'vendor/b.env': `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n`,
      },
      true,
    );
    const fromSub = await json(['scan', '.'], path.join(dir, 'src'));
    expect(fromSub.report.findings).toEqual([]);
    expect(fromSub.report.suppressed).toHaveLength(1);
    const vendor = await json(['scan', 'vendor'], dir);
    expect(vendor.report.findings.map((f) => f.path)).toEqual(['vendor/b.env']);
  });

  it('outside git, reads .keyfence.json at the scan root', async () => {
    const dir = tempDir({ 'audit/.keyfence.json': '{"allow": {"stopwords": ["ok"]}}', 'audit/a.txt': 'nothing\n' });
    const r = await cli(['scan', '--no-git', 'audit'], dir);
    expect(r.exitCode).toBe(0);
    const broken = tempDir({ 'audit/.keyfence.json': '{"x": 1}', 'audit/a.txt': 'nothing\n' });
    expect((await cli(['scan', '--no-git', 'audit'], broken)).stderr).toBe('keyfence: audit/.keyfence.json: (top level): unknown key "x"\n');
  });

  it('--config FILE names another config; a missing one is an error', async () => {
    const dir = tempDir({ 'ci/keyfence.json': JSON.stringify({ disabledRules: ['aws-access-key-id'] }), 'a.env': `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n` });
    expect((await cli(['scan'], dir)).exitCode).toBe(1);
    expect((await cli(['scan', '--config', 'ci/keyfence.json'], dir)).exitCode).toBe(0);
    const missing = await cli(['scan', '--config', 'nope.json'], dir);
    expect([missing.exitCode, missing.stderr]).toEqual([2, 'keyfence: --config nope.json: file not found\n']);
  });

  it('honours .gitallowed at the repository root', async () => {
    const dir = tempDir(
      {
        '.gitallowed': '# moved from git-secrets\n^config/dev\\.env:\n',
        'config/dev.env': `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n`,
        'config/prod.env': `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n`,
      },
      true,
    );
    const { report } = await json(['scan'], dir);
    expect(report.findings.map((f) => f.path)).toEqual(['config/prod.env']);
    expect(report.suppressed.map((f) => f.suppressedBy)).toEqual([{ stage: 'gitallowed', reason: '.gitallowed:2: ^config/dev\\.env:' }]);
    const bad = tempDir({ '.gitallowed': 'AKIA(\n', 'a.txt': 'x\n' }, true);
    expect((await cli(['scan'], bad)).stderr).toMatch(/^keyfence: \.gitallowed:1: not a valid regular expression/);
    const unreadable = tempDir({ '.gitallowed/x': '', 'a.txt': 'x\n' }, true); // a directory, not a file
    expect(await cli(['scan'], unreadable)).toMatchObject({
      exitCode: 2,
      stderr: 'keyfence: .gitallowed: not a regular file (keyfence reads configuration only from regular files)\n',
    });
  });
});

describe('allow stages on large trees (scanned in worker threads)', () => {
  it('suppress the same findings with the same reasons', async () => {
    const files: Record<string, string> = {
      '.keyfence.json': JSON.stringify({ rules: [ACME_RULE], allow: { paths: ['fixtures/**'] } }),
      'a.py': `# keyfence:allow-next-line\nA = "${fakeKeyId()}"\n`,
      'fixtures/b.txt': `acme_${'e'.repeat(32)}\n`,
      'c.env': `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n`,
    };
    // Enough files and bytes that worker threads start and scan some of them.
    const filler = 'filler line\n'.repeat(Math.ceil((2 * PARALLEL_START_BYTES) / PARALLEL_MIN_FILES / 12));
    for (let i = 0; i < PARALLEL_MIN_FILES; i++) files[`filler/f${i}.txt`] = `line ${i}\n${filler}`;
    const dir = tempDir(files);
    const { report } = await json(['scan', '--no-git', '.'], dir);
    expect(report.findings.map((f) => f.path)).toEqual(['c.env']);
    expect(report.suppressed.map((f) => [f.path, f.suppressedBy])).toEqual([
      ['a.py', { stage: 'inline', reason: 'keyfence:allow-next-line on line 1' }],
      ['fixtures/b.txt', { stage: 'path', reason: 'allow.paths: fixtures/**' }],
    ]);
  });
});

describe('inline allow comments through the CLI', () => {
  const files = () => ({
    'a.py': [
      `A = "${fakeKeyId()}"  # keyfence:allow`,
      '# keyfence:allow-next-line',
      `B = "${fakeKeyId()}"`,
      `C = "${fakeKeyId()}"  # pragma: allowlist secret`,
      `D = "${fakeKeyId()}"`,
    ].join('\n'),
  });
  it('suppresses what comments allow, with the reason, and counts it in the text report', async () => {
    const dir = tempDir(files());
    const { report } = await json(['scan'], dir);
    expect(report.findings).toHaveLength(1);
    expect(report.suppressed.map((f) => f.suppressedBy)).toEqual([
      { stage: 'inline', reason: 'keyfence:allow on line 1' },
      { stage: 'inline', reason: 'keyfence:allow-next-line on line 2' },
      { stage: 'inline', reason: 'pragma: allowlist secret on line 4' },
    ]);
    expect((await cli(['scan'], dir)).stdout).toMatch(/1 finding .*; 3 suppressed\n$/);
  });
  it('--no-inline-allow reports what they hid, and says so', async () => {
    const dir = tempDir(files());
    const r = await cli(['scan', '--no-inline-allow'], dir);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^keyfence: 4 findings /m);
    expect(r.stderr).toBe('keyfence: --no-inline-allow: reporting 3 findings that inline allow comments would hide\n');
  });
});
