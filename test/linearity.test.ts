import { describe, expect, it } from 'vitest';
import { detect } from '../src/detect/detector.js';
import { decodedLayers } from '../src/detect/decoders.js';
import { fakeKeyId } from '../src/rules/examples.js';
import { loadBuiltinRules, selectRules } from '../src/rules/load.js';
import type { CompiledRule } from '../src/rules/compile.js';

// No input can hang a scan: every built-in rule, every decoder and the whole detector run in
// time linear in the length of a line, whatever the line holds. Each case is timed at 256 KB and
// at 1 MB: a linear stage takes ~4x as long, a quadratic one 16x (a cubic one never finishes).
// The bound (< 10x, plus a floor for tiny figures) holds on a loaded 2-core machine, where
// garbage collection alone moves a linear stage's ratio up to ~9.

const MB = 1 << 20;
const SMALL = MB / 4;
const rules = selectRules(loadBuiltinRules(), ['aws-account-id']);

/** `unit` repeated to `size` characters, after `head` and before `tail`. */
const fill = (head: string, unit: string, size: number, tail = 'x') => head + unit.repeat(Math.ceil(size / unit.length)) + tail;

/** Best of two timings of `run` (ms). */
function time(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** Asserts run(SMALL) → run(4 × SMALL) grows like a linear function, not a quadratic one. */
function expectLinear(name: string, run: (size: number) => void): { small: number; big: number } {
  let small = time(() => run(SMALL));
  let big = time(() => run(4 * SMALL));
  // A garbage collection landing in one timing can triple it: measure again before judging.
  if (big >= 10 * small + 100) {
    small = Math.min(
      small,
      time(() => run(SMALL)),
    );
    big = Math.min(
      big,
      time(() => run(4 * SMALL)),
    );
  }
  // 100 ms of slack: at a few ms per MB, timer and GC noise dominate the ratio, and a quadratic
  // stage takes seconds at this size anyway.
  expect(big, `${name}: ${small.toFixed(1)} ms at ${SMALL} chars, ${big.toFixed(1)} ms at 4x`).toBeLessThan(10 * small + 100);
  return { small, big };
}

/** The names and prefixes the built-in rules start from (keywords, literals, key prefixes). */
const NAMES = [
  'aws_secret_access_key',
  'secret_key',
  'aws-secret',
  'aws_session_token',
  'x-amz-security-token',
  'security_token',
  'aws_account_id',
  'account_id',
  'arn:aws',
  'arn:aws-',
  'AKIA',
  'A3TX',
  'ABSK',
  'bedrock-api-key-',
  'amzn.mws.',
  'IQoJb3JpZ2luX2Vj',
  'FwoGZXIvYXdzE',
  'token',
  'secret',
];
/** One character of each class the rules use, separators, quotes, brackets and escapes. */
const UNITS = [
  '\x1b[0m',
  '\u00a0',
  ' ',
  '\t',
  'A',
  'a',
  '7',
  '/',
  '+',
  '=',
  '-',
  '_',
  '.',
  ':',
  '"',
  "'",
  '`',
  '[',
  ']',
  '\\',
  '\\n',
  '%2F',
  '%3D',
  'a-',
  'A1/',
];

function scanOne(rule: CompiledRule, text: string): void {
  detect({ text, path: 'adversarial.txt', startLine: 1 }, [rule]);
}

describe('built-in rules run in linear time on adversarial lines', () => {
  for (const rule of rules) {
    it(`${rule.id}: a name then a long run of each character class`, { timeout: 120_000 }, () => {
      const head = `${NAMES.join(' = ')} = `;
      for (const unit of UNITS) expectLinear(`${rule.id} after names, "${unit}" run`, (size) => scanOne(rule, fill(head, unit, size)));
    });

    it(`${rule.id}: names repeated, with every separator`, { timeout: 120_000 }, () => {
      for (const name of NAMES) {
        for (const sep of ['', ' ', '=', '"', ': ', '\t']) {
          expectLinear(`${rule.id} "${name}${sep}" repeated`, (size) => scanOne(rule, fill('', name + sep, size)));
        }
      }
    });
  }

  // The named secret and session-token rules read a bounded run of assignment tokens between a
  // name and its value (operators, quotes, brackets, type words; the secret rule also one line
  // break after `|`, `>` or `:`, so it runs over whole texts): each token, and each whole
  // assignment, repeated must stay linear.
  const GAP_UNITS = [
    '::=',
    '?= ',
    '+=',
    '!=',
    '.=',
    '<-',
    ' <- ',
    '=>',
    ': String ',
    ': &str ',
    "&'static str",
    'string',
    'value=',
    'VALUES (',
    '[None]',
    '[',
    '[]',
    '(',
    ')',
    '{',
    '}',
    '!',
    '?',
    '+',
    '\\"',
    '" "',
    "', '",
    '> ',
    ': ',
    ':\n',
    ': |\n  ',
    '>-\n',
    '>\n',
    '\n',
    '\r\n',
    '|\n',
  ];
  for (const id of ['aws-secret-access-key', 'aws-session-token']) {
    const rule = rules.find((r) => r.id === id)!;
    it(`${id}: a name then a long run of each assignment token`, { timeout: 120_000 }, () => {
      for (const unit of GAP_UNITS) {
        expectLinear(`${id} name then "${unit}" run`, (size) => scanOne(rule, fill('aws_secret_access_key aws_session_token ', unit, size)));
        expectLinear(`${id} "name${unit}" repeated`, (size) => scanOne(rule, fill('', `aws_secret_access_key${unit}aws_session_token${unit}`, size)));
      }
    });
  }

  it('aws_secret_access_key followed by thousands of blanks (a padded docs table) is instant', { timeout: 60_000 }, () => {
    // On the old rules: 12-18 s per 2,000 blanks, growing cubically.
    const started = performance.now();
    for (const name of ['aws_secret_access_key', 'aws-session-token', 'account_id']) {
      for (const blank of [' ', '\t', ' \t']) {
        const found = detect({ text: `| ${name}${blank.repeat(5000)}| value |`, path: 'README.md', startLine: 1 }, rules);
        expect(found).toEqual([]);
      }
    }
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('the detector is linear on long lines', () => {
  it('a one-line bundle with "token" every 250 characters', { timeout: 120_000 }, () => {
    expectLinear('bundle', (size) => detect({ text: fill('', `${'function(e){return e+1};'.repeat(10)}token`, size), path: 'b.js', startLine: 1 }, rules));
  });

  it('aws_secret_access_key= repeated on one line', { timeout: 120_000 }, () => {
    expectLinear('names', (size) => detect({ text: fill('', 'aws_secret_access_key=', size), path: 'x', startLine: 1 }, rules));
  });

  it('%2F%3Dtoken%3A repeated on one line (through the decoders)', { timeout: 120_000 }, () => {
    expectLinear('percent', (size) => detect({ text: fill('', '%2F%3Dtoken%3A', size), path: 'x', startLine: 1 }, rules));
  });

  it('each decoder alone on escapes, base64 runs and JSON escapes', { timeout: 120_000 }, () => {
    const b64 = Buffer.from(`aws_access_key_id=${fakeKeyId()} `).toString('base64');
    for (const unit of ['%2F%3Dtoken%3A', '%2', `${b64} `, b64, '\\/\\u0041\\"', '\\\\\\"', 'QUFB', '\x1b[32m', '\u00a0=', '\x1b]8;;x\x07']) {
      expectLinear(`decoders on "${unit}"`, (size) => decodedLayers(fill('', unit, size)));
    }
  });

  it('still finds a key at the end of such a line', () => {
    const id = fakeKeyId();
    const found = detect({ text: `${fill('', '%2F%3Dtoken%3A', MB, '')} aws_access_key_id=${id}`, path: 'x', startLine: 1 }, rules);
    expect(found.map((f) => f.secret)).toContain(id);
  });
});
