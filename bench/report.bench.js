// Report rendering: 10,000 findings (fake keys built at run time) redacted, then rendered in
// every format; median of RUNS renders each, with the output size. The reporters are pure
// functions, so this is all the time a report adds to a scan.
// Run: npm run bench -- report
import { renderReport } from '../dist/report/index.js';
import { redactResult } from '../dist/report/redact.js';
import { BASE32, pick, seeded } from './lib.js';

const N = Number(process.argv[2] ?? 10000);
const RUNS = 5;
const rand = seeded(6);
const findings = [];
for (let i = 0; i < N; i++) {
  const key = `AKIA${pick(rand, 'QRSTUVWXYZ234567', 1)}${pick(rand, BASE32, 15)}`;
  const secret = pick(rand, BASE32 + 'abcdefghijklmnopqrstuvwxyz+/', 40);
  const path = `dir${i % 37}/sub${i % 5}/file${i}.env`;
  const lineText = `creds("${key}", "${secret}") // line ${i}`;
  findings.push({
    ruleId: 'aws-access-key-id',
    description: 'AWS access key ID',
    path,
    line: (i % 90) + 1,
    column: 8,
    endColumn: 28,
    secret: key,
    lineText,
    fingerprint: pick(rand, '0123456789abcdef', 32),
    severity: 'error',
  });
  if (i % 2) findings.push({ ...findings.at(-1), ruleId: 'aws-secret-access-key', description: 'AWS secret access key', column: 32, endColumn: 72, secret });
}
const result = { findings, suppressed: [], stats: { filesScanned: N, bytesScanned: N * 80, binarySkipped: 0, skipped: [], durationMs: 1 } };

const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (fn) => {
  const ts = [];
  let out;
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    out = await fn();
    ts.push(performance.now() - t);
  }
  return { ms: median(ts), out };
};

console.log(`${findings.length} findings`);
const red = await time(() => redactResult(result));
console.log(`${'redact'.padEnd(8)} ${red.ms.toFixed(0).padStart(5)} ms`);
for (const format of ['text', 'json', 'sarif', 'junit', 'csv', 'github', 'html']) {
  const { ms, out } = await time(() => renderReport(format, red.out, { color: false, version: 'bench' }));
  console.log(`${format.padEnd(8)} ${ms.toFixed(0).padStart(5)} ms  ${(out.length / 1024 / 1024).toFixed(1).padStart(5)} MB`);
}
