// Adversarial inputs (issue 11): every built-in rule and every decoder on lines built to make a
// backtracking regex or a quadratic stage blow up — a name then a 1 MB run of one character
// class, names repeated with separators, a one-line bundle with "token" every 250 characters,
// `aws_secret_access_key=` repeated, `%2F%3Dtoken%3A` repeated — at 1 MB and 8 MB. Prints the
// slowest case per rule and per decoder in ms per MB at both sizes: linear stages show about
// the same figure at both (a quadratic one would be 8x slower per MB at 8 MB).
// test/linearity.test.ts asserts linearity; this only measures.
import { detect } from '../dist/detect/detector.js';
import { DECODERS } from '../dist/detect/decoders.js';
import { loadBuiltinRules, selectRules } from '../dist/rules/load.js';

const MB = 1 << 20;
const rules = selectRules(loadBuiltinRules(), ['aws-account-id']);
const NAMES = [
  'aws_secret_access_key',
  'secret_key',
  'aws_session_token',
  'x-amz-security-token',
  'account_id',
  'arn:aws',
  'AKIA',
  'ABSK',
  'bedrock-api-key-',
  'amzn.mws.',
  'IQoJb3JpZ2luX2Vj',
  'token',
];
const UNITS = [' ', '\t', 'A', 'a', '7', '/', '+', '=', '-', '"', '[', '\\', '\\n', '%2F', '\x1b[0m', '\u00a0'];
const fill = (head, unit, size) => head + unit.repeat(Math.ceil(size / unit.length));

/** name → (size → text) */
const cases = {
  'name + blank run': (n) => fill(`${NAMES.join(' = ')} = `, ' ', n),
  'name + tab run': (n) => fill(`${NAMES.join(' = ')} = `, '\t', n),
  ...Object.fromEntries(UNITS.slice(2).map((u) => [`name + ${JSON.stringify(u)} run`, (n) => fill(`${NAMES.join(' = ')} = `, u, n)])),
  'names repeated': (n) => fill('', NAMES.map((x) => `${x}= `).join(''), n),
  'bundle, token every 250': (n) => fill('', `${'function(e){return e+1};'.repeat(10)}token`, n),
  'aws_secret_access_key= repeated': (n) => fill('', 'aws_secret_access_key=', n),
  '%2F%3Dtoken%3A repeated': (n) => fill('', '%2F%3Dtoken%3A', n),
  'base64 runs': (n) => fill('', `${Buffer.from('aws_access_key_id=AKIA').toString('base64')} `, n),
  'JSON escapes': (n) => fill('', '\\/\\u0041\\"', n),
};

function time(run) {
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const t = performance.now();
    run();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

function slowest(label, run) {
  const row = { label, worst1: 0, worst8: 0, case1: '', case8: '' };
  for (const [name, make] of Object.entries(cases)) {
    for (const [size, key] of [
      [MB, 1],
      [8 * MB, 8],
    ]) {
      const text = make(size);
      const perMb = time(() => run(text)) / (text.length / MB);
      if (perMb > row[`worst${key}`]) {
        row[`worst${key}`] = perMb;
        row[`case${key}`] = name;
      }
    }
  }
  console.log(
    `${label.padEnd(28)} 1 MB: ${row.worst1.toFixed(1).padStart(7)} ms/MB (${row.case1})   8 MB: ${row.worst8.toFixed(1).padStart(7)} ms/MB (${row.case8})`,
  );
}

console.log('slowest adversarial case, ms per MB of input (linear: both columns about equal)');
for (const rule of rules) slowest(`rule ${rule.id}`, (text) => detect({ text, path: 'adversarial.txt', startLine: 1 }, [rule]));
for (const [kind, decoder] of Object.entries(DECODERS)) slowest(`decoder ${kind}`, (text) => decoder(text));
slowest('detector, all rules', (text) => detect({ text, path: 'adversarial.txt', startLine: 1 }, rules));
