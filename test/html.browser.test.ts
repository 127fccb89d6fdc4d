import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { junitReport } from '../src/report/junit.js';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import { reportResult, reportRules } from './fixtures/reportResult.js';

// The HTML report in a real headless browser (Debian's chromium; .ci/run installs it). This is
// the one test allowed to skip: when /usr/bin/chromium is absent it says so in its name.
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
});

function project(): { dir: string; secrets: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyfence-html-'));
  const secrets: string[] = [];
  const put = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  for (const [rel, n] of [
    ['config/prod.env', 2],
    ['config/staging.env', 1],
    ['deploy/k8s/secret.yaml', 1],
    ['.env', 1],
  ] as const) {
    let text = '';
    for (let i = 0; i < n; i++) {
      const key = fakeKeyId();
      const secret = fakeSecretKey();
      secrets.push(key, secret);
      text += `# set ${i}\nAWS_ACCESS_KEY_ID=${key}\nAWS_SECRET_ACCESS_KEY=${secret}\n`;
    }
    put(rel, text);
  }
  put('src/clean.ts', 'export const region = "eu-west-1";\n');
  return { dir, secrets };
}

const name = hasChromium
  ? 'the page renders offline: summary, charts, all rows, sorting, filtering, a screenshot'
  : `the page renders offline (SKIPPED: ${CHROMIUM} is not installed; run: apt-get install -y chromium)`;

describe('html report in headless chromium', () => {
  it.skipIf(!hasChromium)(name, async () => {
    const { dir, secrets } = project();
    const out = mkdtempSync(path.join(tmpdir(), 'keyfence-html-out-'));
    const file = path.join(out, 'report.html');
    const res = await run(['scan', '--no-git', '.', '--format', 'html', '--output', file], { cwd: dir, env: {} });
    expect(res.exitCode, res.stderr).toBe(1);
    const html = readFileSync(file, 'utf8');
    for (const s of secrets) expect(html).not.toContain(s);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    const url = pathToFileURL(file).href;
    await page.goto(url);

    expect(requests).toEqual([url]);
    expect(problems).toEqual([]);
    expect(await page.title()).toBe('keyfence report: 10 findings');
    expect(await page.locator('#summary .card').first().innerText()).toContain('10');

    // What was audited, when, by which command: in view, not only in the source.
    const scanInfo = await page.locator('#scan').innerText();
    expect(scanInfo).toMatch(/Mode\s+no-git/);
    expect(scanInfo).toMatch(/Command\s+keyfence scan --no-git \. --format html --output /);
    expect(scanInfo).toMatch(/Date\s+20\d\d-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(await page.locator('#findings-table tbody tr td.fix').first().isVisible()).toBe(true);
    // Paths break only at "/" (never inside a name), even in a narrow window.
    await page.setViewportSize({ width: 700, height: 900 });
    const pathLines = await page.locator('#findings-table tbody td.path').evaluateAll((tds) =>
      tds.map((td) => {
        const r = document.createRange();
        const words: string[] = [];
        let top = -1;
        let current = '';
        for (const node of Array.from(td.childNodes)) {
          if (node.nodeType !== Node.TEXT_NODE) continue;
          const text = node.textContent ?? '';
          for (let i = 0; i < text.length; i++) {
            r.setStart(node, i);
            r.setEnd(node, i + 1);
            const y = Math.round(r.getBoundingClientRect().top);
            if (top !== -1 && y > top + 2) {
              words.push(current);
              current = '';
            }
            top = y;
            current += text[i];
          }
        }
        words.push(current);
        return words;
      }),
    );
    for (const lines of pathLines) for (const line of lines.slice(0, -1)) expect(line.endsWith('/'), lines.join('|')).toBe(true);
    await page.setViewportSize({ width: 1280, height: 900 });

    const dirBars = await page
      .locator('#chart-dirs g.bar')
      .evaluateAll((gs) => gs.map((g) => [g.getAttribute('data-label'), Number(g.getAttribute('data-count'))]));
    expect(dirBars).toEqual([
      ['config/', 6],
      ['(top level)', 2],
      ['deploy/', 2],
    ]);
    const ruleBars = await page
      .locator('#chart-rules g.bar')
      .evaluateAll((gs) => gs.map((g) => [g.getAttribute('data-label'), Number(g.getAttribute('data-count'))]));
    expect(ruleBars).toEqual([
      ['aws-access-key-id', 5],
      ['aws-secret-access-key', 5],
    ]);
    const widths = await page.locator('#chart-dirs rect').evaluateAll((rs) => rs.map((r) => (r as SVGGraphicsElement).getBBox().width));
    expect(widths[0]).toBeGreaterThan(widths[1]!);

    const rows = page.locator('#findings-table tbody tr');
    expect(await rows.count()).toBe(10);
    const cells = (col: number) =>
      page
        .locator('#findings-table tbody tr:not([hidden])')
        .evaluateAll((trs, c) => trs.map((tr) => (tr as HTMLTableRowElement).cells[c]!.textContent!.trim()), col);
    expect(await cells(1)).toEqual([
      '.env',
      '.env',
      'config/prod.env',
      'config/prod.env',
      'config/prod.env',
      'config/prod.env',
      'config/staging.env',
      'config/staging.env',
      'deploy/k8s/secret.yaml',
      'deploy/k8s/secret.yaml',
    ]);
    expect(await page.locator('#findings-table mark').first().innerText()).toMatch(/^AKIA…\(redacted\)$/);

    await page.locator('th', { hasText: 'Line' }).locator('button').click();
    expect((await cells(2)).map(Number)).toEqual([2, 2, 2, 2, 3, 3, 3, 3, 5, 6]);
    await page.locator('th', { hasText: 'Line' }).locator('button').click();
    expect((await cells(2)).map(Number)).toEqual([6, 5, 3, 3, 3, 3, 2, 2, 2, 2]);
    expect(await page.locator('th', { hasText: 'Line' }).getAttribute('aria-sort')).toBe('descending');

    await page.fill('#filter', 'staging');
    expect(await cells(1)).toEqual(['config/staging.env', 'config/staging.env']);
    expect(await page.locator('#shown').innerText()).toBe('2 of 10 findings shown');
    await page.fill('#filter', '');
    await page.selectOption('#rule-filter', 'aws-secret-access-key');
    expect(await cells(0)).toEqual(Array(5).fill('error aws-secret-access-key'));

    await page.selectOption('#rule-filter', '');
    const shot = path.join(out, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(readFileSync(shot).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(statSync(shot).size).toBeGreaterThan(10_000);

    // The JUnit report through the browser's own XML parser too.
    const xml = junitReport(reportResult, { color: false, rules: reportRules });
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      return {
        error: doc.getElementsByTagName('parsererror').length,
        cases: doc.getElementsByTagName('testcase').length,
        failures: doc.getElementsByTagName('failure').length,
      };
    }, xml);
    expect(parsed).toEqual({ error: 0, cases: 5, failures: 4 });
  });
});
