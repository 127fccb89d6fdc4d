import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import type { RunIO } from '../src/cli/io.js';
import { FORMATS } from '../src/cli/scanOptions.js';
import { REPORTERS, renderReport } from '../src/report/index.js';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import { cleanResult, readmeResult, readmeRules, reportResult, reportRules } from './fixtures/reportResult.js';

// Golden files: every format rendered from one fixed, already-redacted result. Regenerate with
// UPDATE_GOLDEN=1 npx vitest run test/report.test.ts after a deliberate change, and read the diff.
const GOLDEN = path.join(import.meta.dirname, 'golden');
const EXT: Record<string, string> = { text: 'txt', json: 'json', sarif: 'sarif', junit: 'xml', csv: 'csv', github: 'github.txt', html: 'html' };

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

// A fixed clock and command line: the HTML report says when and what was scanned.
const meta = {
  repository: { name: 'shop', remote: 'https://github.com/acme/shop.git', branch: 'main' },
  target: 'commits origin/main..HEAD',
  mode: 'history',
  startedAt: '2026-01-02T03:04:05.000Z',
  commandLine: 'keyfence scan --history origin/main..HEAD --format html -o report.html',
};
const opts = { color: false, rules: reportRules, version: '1.2.3', meta };

describe('golden reports', () => {
  it('every --format choice has a reporter and a golden file', () => {
    expect([...FORMATS].sort()).toEqual(Object.keys(REPORTERS).sort());
    expect(Object.keys(EXT).sort()).toEqual(Object.keys(REPORTERS).sort());
  });
  for (const format of Object.keys(EXT)) {
    it(`${format} with findings`, async () => {
      golden(`report.${EXT[format]}`, await renderReport(format, reportResult, opts));
    });
    it(`${format} when clean`, async () => {
      golden(`clean.${EXT[format]}`, await renderReport(format, cleanResult, opts));
    });
  }
  it('text with colors marks the secret in red and keeps the layout', async () => {
    const colored = await renderReport('text', reportResult, { ...opts, color: true });
    expect(colored).toContain('\u001b[31m');
    expect(colored.replace(/\u001b\[[0-9;]*m/g, '')).toBe(await renderReport('text', reportResult, opts));
  });
  it('an unknown format is an error', async () => {
    await expect(renderReport('xml', reportResult, opts)).rejects.toThrow('unknown format "xml"');
  });
});

describe("the README shows each format's real output", () => {
  const readme = readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const section = (heading: string) => readme.slice(readme.indexOf(heading), readme.indexOf('\n### ', readme.indexOf(heading) + 1));
  const ex = (format: string) => renderReport(format, readmeResult, { color: false, rules: readmeRules, version: '0.1.0' });
  for (const format of ['text', 'github', 'junit', 'csv']) {
    it(format, async () => {
      const shown = (await ex(format)).replace(/\r\n/g, '\n').replace(/^\ufeff/, ''); // the README does not show csv's BOM
      expect(section(`### \`${format}\``)).toContain(`\n${shown}\`\`\``);
    });
  }
  it('text in the quick start too', async () => {
    expect(readme.slice(0, readme.indexOf('### Exit codes'))).toContain(`\n${await ex('text')}\`\`\``);
  });
  it('sarif (its first result)', async () => {
    const block = /```json\n([\s\S]*?)```/.exec(section('### `sarif`'))![1]!;
    expect(JSON.parse(block)).toEqual(JSON.parse(await ex('sarif')).runs[0].results[0]);
  });
});

function tempTree(): { dir: string; secrets: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyfence-report-'));
  const key1 = fakeKeyId();
  const secret1 = fakeSecretKey();
  const key2 = fakeKeyId('ASIA');
  const secret2 = fakeSecretKey();
  mkdirSync(path.join(dir, 'config'));
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'config', 'prod.env'), `# prod\nAWS_ACCESS_KEY_ID=${key1}\naws_secret_access_key = ${secret1}\n`);
  writeFileSync(path.join(dir, 'src', 'app.js'), `const c = new S3Client({ credentials: { accessKeyId: '${key2}', secretAccessKey: '${secret2}' } });\n`);
  return { dir, secrets: [key1, secret1, key2, secret2] };
}

const io = (cwd: string): RunIO => ({ cwd, env: {} });

describe('every format through the CLI', () => {
  const { dir, secrets } = tempTree();
  for (const format of FORMATS) {
    it(`--format ${format} redacts every secret, also the other secrets on a finding's line`, async () => {
      const res = await run(['scan', '--no-git', '.', '--format', format], io(dir));
      expect(res.exitCode, res.stderr).toBe(1);
      expect(res.stdout.length).toBeGreaterThan(100);
      for (const s of secrets) {
        expect(res.stdout).not.toContain(s);
        expect(res.stdout).not.toContain(s.slice(4, 16));
      }
    });
    it(`--format ${format} --no-redact shows the secrets`, async () => {
      const res = await run(['scan', '--no-git', '.', '--format', format, '--no-redact'], io(dir));
      expect(res.exitCode).toBe(1);
      for (const s of secrets) expect(res.stdout).toContain(s);
    });
  }
  it('--output writes the report to a file and the summary to stderr', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'keyfence-out-')), 'out.sarif');
    const res = await run(['scan', '--no-git', '.', '-f', 'sarif', '-o', out], io(dir));
    expect(res.exitCode).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^keyfence: 4 findings \(aws-access-key-id: 2, aws-secret-access-key: 2\) in 2 files/);
    const sarif = JSON.parse(readFileSync(out, 'utf8'));
    expect(sarif.runs[0].results).toHaveLength(4);
  });
  it('text shows path:line:column, rule, the excerpt with the secret marked under it, and the summary', async () => {
    const res = await run(['scan', '--no-git', '.'], io(dir));
    const lines = res.stdout.split('\n');
    const at = lines.indexOf('config/prod.env:2:19  aws-access-key-id  AWS access key ID');
    expect(at, res.stdout).toBeGreaterThanOrEqual(0);
    expect(lines[at + 1]).toBe('    AWS_ACCESS_KEY_ID=AKIA…(redacted)');
    expect(lines[at + 2]).toBe(`    ${' '.repeat('AWS_ACCESS_KEY_ID='.length)}${'^'.repeat('AKIA…(redacted)'.length)}`);
    expect(lines[at + 3]).toMatch(/^ {4}account \d{12}$/);
    expect(res.stdout).toMatch(/\nkeyfence: 4 findings \(aws-access-key-id: 2, aws-secret-access-key: 2\) in 2 files \(\d+ B, \d+ ms\)\n$/);
    expect(res.stdout).not.toContain('\u001b[');
  });
  it('text is colored on a TTY, not with NO_COLOR, and --color forces it', async () => {
    expect((await run(['scan', '--no-git', '.'], { ...io(dir), stdoutIsTTY: true })).stdout).toContain('\u001b[31m');
    expect((await run(['scan', '--no-git', '.'], { ...io(dir), stdoutIsTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
    expect((await run(['scan', '--no-git', '.', '--color'], io(dir))).stdout).toContain('\u001b[31m');
  });
});
