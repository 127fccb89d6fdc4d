import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fastScanArgs } from '../src/cli/fastArgs.js';
import { hasValidChecksum, tokenChecksum } from '../src/detect/checksum.js';
import { detect } from '../src/detect/detector.js';
import { literalsIn } from '../src/detect/literalIndex.js';
import { resolveRules } from '../src/config/resolveRules.js';
import { renderReport } from '../src/report/index.js';
import { redactResult } from '../src/report/redact.js';
import { compileRule } from '../src/rules/compile.js';
import { expandExample, fakeChecksumToken, fakeKeyId, fakePemKey } from '../src/rules/examples.js';
import { GENERATORS } from '../src/rules/generators/index.js';
import { loadBuiltinRules, selectRules } from '../src/rules/load.js';
import type { ScanResult } from '../src/types.js';
import { BIN } from './gitRepo.js';
import { cli, tempDir, writeTree } from './helpers/tmp.js';

const specs = loadBuiltinRules();
const rules = selectRules(specs);
const scan = (text: string) => detect({ text, path: 'keys/deploy.pem', startLine: 1 }, rules);
const ids = (list: { id: string }[]) => list.map((r) => r.id);
const result = (findings: ScanResult['findings']): ScanResult => ({
  findings,
  suppressed: [],
  stats: { filesScanned: 1, bytesScanned: 1, binarySkipped: 0, skipped: [], durationMs: 1 },
});

describe('GitHub / npm token checksum', () => {
  it('is the base62 CRC32 of the 30 random characters, digits then upper then lower case, padded to 6', () => {
    // The vector published with therootcompany/base62-token.js (the random part alone, no prefix).
    expect(tokenChecksum('zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ')).toBe('0mLq17');
    expect(tokenChecksum('')).toBe('000000');
  });
  it('validates generated tokens and rejects one wrong character', () => {
    const token = fakeChecksumToken('ghp_');
    expect(hasValidChecksum(token)).toBe(true);
    const flipped = token.slice(0, 10) + (token[10] === 'a' ? 'b' : 'a') + token.slice(11);
    expect(hasValidChecksum(flipped)).toBe(false);
    expect(hasValidChecksum(fakeChecksumToken('npm_', false))).toBe(false);
  });
  it('a token with a bad checksum is not a finding; the same shape with a good one is', () => {
    const good = fakeChecksumToken('npm_');
    const bad = fakeChecksumToken('npm_', false);
    expect(scan(`NPM_TOKEN=${good}\nOTHER=${bad}\n`).map((f) => [f.ruleId, f.line])).toEqual([['npm-token', 1]]);
  });
});

describe('private keys: one finding across lines', () => {
  it('spans BEGIN to END: line, column, endLine, endColumn', () => {
    const pem = fakePemKey('RSA');
    const text = `# deploy key\nkey: |\n  ${pem.replace(/\n/g, '\n  ')}\nnext: 1\n`;
    const found = scan(text).filter((f) => f.ruleId === 'private-key');
    const n = pem.split('\n').length;
    expect(found.map((f) => [f.line, f.column, f.endLine, f.endColumn])).toEqual([[3, 3, 3 + n - 1, 2 + '-----END RSA PRIVATE KEY-----'.length + 1]]);
    expect(found[0]!.secret).toBe(pem.replace(/\n/g, '\n  '));
  });
  it('a one-line block with \\n escapes (a JSON key file) is one finding on one line', () => {
    const pem = fakePemKey();
    const escaped = JSON.stringify(pem).slice(1, -1);
    const found = scan(`{"private_key": "${escaped}\\n"}`).filter((f) => f.ruleId === 'private-key');
    expect(found.map((f) => [f.line, f.endLine, f.secret])).toEqual([[1, 1, escaped]]);
  });
  it('redaction hides the key in the excerpt and every report gets the span', async () => {
    const pem = fakePemKey('OPENSSH');
    const findings = scan(`SSH_KEY="${pem}"\n`);
    expect(findings.map((f) => f.ruleId)).toEqual(['private-key']);
    const redacted = redactResult(result(findings));
    const body = pem.split('\n')[1]!;
    for (const format of ['json', 'sarif', 'github', 'text', 'html', 'csv', 'junit']) {
      const out = await renderReport(format, redacted, { color: false, rules: specs, version: '0.0.0' });
      expect(out, format).not.toContain(body.slice(0, 24));
    }
    const n = pem.split('\n').length;
    const sarif = JSON.parse(await renderReport('sarif', redacted, { color: false, rules: specs, version: '0.0.0' }));
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.region).toMatchObject({ startLine: 1, startColumn: 10, endLine: n });
    expect(sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'private-key').help.text).toMatch(/key pair/);
    const annotation = await renderReport('github', redacted, { color: false, rules: specs, version: '0.0.0' });
    expect(annotation).toContain(`line=1,endLine=${n},title=`);
    expect(annotation).not.toContain('col=');
    const text = await renderReport('text', redacted, { color: false, rules: specs, version: '0.0.0' });
    expect(text).toContain(`    lines 1–${n}\n`);
    const html = await renderReport('html', redacted, { color: false, rules: specs, version: '0.0.0' });
    expect(html).toContain(`<td data-v="1" class="num">1–${n}</td>`);
    expect(annotation).toContain('A private key cannot be rotated in place');
  });
  it('a multi-line rule with keywords runs over the whole text when a keyword occurs; a one-line rule cannot span', () => {
    const spec = { id: 'acme-block', description: 'ACME block', pattern: '(ACME-BEGIN[A-Z\\n]{0,40}ACME-END)', keywords: ['acme-begin'] };
    const text = 'x\nACME-BEGIN\nABC\nACME-END\n';
    const multi = detect({ text, path: 'a', startLine: 10 }, [compileRule({ ...spec, multiline: true })]);
    expect(multi.map((f) => [f.line, f.column, f.endLine, f.endColumn])).toEqual([[11, 1, 13, 9]]);
    expect(detect({ text, path: 'a', startLine: 10 }, [compileRule(spec)])).toEqual([]);
  });
  it('one-line findings keep endLine equal to line', () => {
    const [f] = scan(`AWS_ACCESS_KEY_ID=${fakeKeyId()}`);
    expect([f!.line, f!.endLine]).toEqual([1, 1]);
  });
  it('runs in linear time on unterminated blocks, dashes and escapes', () => {
    const time = (text: string) => {
      let best = Infinity;
      for (let i = 0; i < 7; i++) {
        const t = performance.now();
        detect({ text, path: 'x', startLine: 1 }, rules);
        best = Math.min(best, performance.now() - t);
      }
      return best;
    };
    const units = [
      '-----BEGIN PRIVATE KEY-----\n' + 'MIIEvQIBADANBgkqhkiG9w0B-a\n'.repeat(8),
      '-----BEGIN RSA PRIVATE KEY-----' + 'ab\\n'.repeat(40),
      '-----BEGIN EC PRIVATE KEY-----\n' + 'A'.repeat(200) + '\n-----END RSA PRIVATE KEY-----\n',
      // Many keyword hits on one long line (minified code): each line is measured once.
      'aws_secret_key = x; token = y; ',
    ];
    for (const unit of units) {
      // 16 times the text: about 16 times the time when linear, 256 when quadratic (a wide
      // margin, as a busy machine makes single timings noisy).
      const small = time(unit.repeat(300));
      const large = time(unit.repeat(4800));
      expect(large / Math.max(small, 2), unit.slice(0, 40)).toBeLessThan(80);
    }
  });
});

describe("the literal prefilter finds every rule's literals in one pass", () => {
  it('answers as text.includes would, for delimiter-ended and other literals', () => {
    const literals = [...new Set(rules.flatMap((r) => r.literals))];
    expect(literals).toEqual(expect.arrayContaining(['ghp_', 'xoxb-', 'PRIVATE KEY-----', 'AIza']));
    const texts = [
      'x ghp_ y',
      'ghp_',
      'xghp_',
      'gh_p_',
      'xoxb-1 npm_',
      '-----BEGIN PRIVATE KEY-----',
      'a-b_c',
      '__--',
      'AIza',
      '',
      'sk_live_ and rk_test_ and _v1_',
      'PMAK- pypi- sk-ant- glpat- hf_ shpss_ github_pat_',
    ];
    for (const text of texts) {
      expect(literalsIn(text, rules), text).toEqual(new Set(literals.filter((l) => text.includes(l))));
    }
  });
});

describe('enrichers fill metadata', () => {
  it('the AWS account decoded from a key ID is metadata["aws.accountId"] and still awsAccountId', () => {
    const [f] = scan(`AWS_ACCESS_KEY_ID=${fakeKeyId()}`);
    expect(f!.metadata).toEqual({ 'aws.accountId': f!.awsAccountId });
    expect(f!.awsAccountId).toMatch(/^\d{12}$/);
  });
  it('rules without an enricher carry no metadata', () => {
    const [f] = scan(`GITHUB_TOKEN=${fakeChecksumToken('ghp_')}`);
    expect(f!.ruleId).toBe('github-token');
    expect(f!.metadata).toBeUndefined();
  });
});

describe('example generators are a registry', () => {
  it('expands a registered kind and leaves an unknown one as written', () => {
    GENERATORS.TESTONLY = (arg) => `t-${arg ?? 'none'}`;
    try {
      expect(expandExample('a {{TESTONLY:x_y}} b {{NOSUCHKIND}}')).toEqual({ text: 'a t-x_y b {{NOSUCHKIND}}', values: ['t-x_y'] });
    } finally {
      delete GENERATORS.TESTONLY;
    }
  });
  it('{{VAL:…}} makes a whole token one value; checksummed kinds validate', () => {
    const { text, values } = expandExample('k={{VAL:sk_live_{{BASE62:24}}}} {{CRC32TOKEN:ghp_}}');
    expect(values).toHaveLength(3);
    expect(text).toBe(`k=${values[1]} ${values[2]}`);
    expect(values[1]).toBe(`sk_live_${values[0]}`);
    expect(hasValidChecksum(values[2]!)).toBe(true);
  });
});

describe('providers: turned on or off as a whole', () => {
  const selected = (config: object, only?: string[]) => ids(resolveRules(config, 'cfg.json', specs, only).rules);
  it("every built-in rule has its file's provider", () => {
    expect(specs.find((s) => s.id === 'github-token')?.provider).toBe('github');
    expect(specs.find((s) => s.id === 'aws-access-key-id')?.provider).toBe('aws');
  });
  it('"providers": {"stripe": false} drops the provider; true turns on its shipped-off rules', () => {
    expect(selected({})).toContain('stripe-live-key');
    expect(selected({})).not.toContain('stripe-test-key');
    const off = selected({ providers: { stripe: false } });
    expect(off.filter((id) => id.startsWith('stripe-'))).toEqual([]);
    expect(off).toContain('github-token');
    expect(selected({ providers: { stripe: true } })).toEqual(expect.arrayContaining(['stripe-live-key', 'stripe-test-key']));
  });
  it('enableRules and disabledRules win over providers for the rules they name', () => {
    expect(selected({ providers: { stripe: false }, enableRules: ['stripe-live-key'] }).filter((id) => id.startsWith('stripe-'))).toEqual(['stripe-live-key']);
    expect(selected({ providers: { aws: true }, disabledRules: ['aws-account-id'] })).not.toContain('aws-account-id');
  });
  it('--only keeps the named providers alone; a config rule is "custom" unless it names one', () => {
    const acme = { id: 'acme-token', pattern: 'acme_[a-z0-9]{32}' };
    expect(new Set(selected({ rules: [acme] }, ['aws']).map((id) => id.split('-')[0]))).toEqual(new Set(['aws']));
    expect(selected({ rules: [acme] }, ['aws', 'custom'])).toContain('acme-token');
    expect(selected({ rules: [{ ...acme, provider: 'acme' }] }, ['acme'])).toEqual(['acme-token']);
    // A config rule that replaces a built-in one stays with the built-in's provider.
    expect(selected({ rules: [{ ...acme, id: 'npm-token' }] }, ['npm'])).toEqual(['npm-token']);
  });
  it('an unknown provider is an error naming the field', () => {
    expect(() => selected({ providers: { strpe: false } })).toThrow(/^cfg\.json: providers\["strpe"\]: unknown provider "strpe" \(known: .*stripe/);
    expect(() => selected({}, ['aws', 'gihub'])).toThrow(/^--only: unknown provider "gihub"/);
  });
});

describe('--only and providers on the command line', () => {
  const tree = () => {
    const dir = tempDir();
    writeTree(dir, { 'ci.env': `AWS_ACCESS_KEY_ID=${fakeKeyId()}\nGITHUB_TOKEN=${fakeChecksumToken('ghp_')}\n` });
    return dir;
  };
  const rulesOf = (stdout: string) => (JSON.parse(stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId);
  it('--only aws reports AWS findings alone; comma lists and repeats add providers', async () => {
    const dir = tree();
    expect(rulesOf((await cli(['scan', '--no-git', '-f', 'json', '--only', 'aws', '.'], dir)).stdout)).toEqual(['aws-access-key-id']);
    expect(rulesOf((await cli(['scan', '--no-git', '-f', 'json', '--only', 'aws,github', '.'], dir)).stdout)).toEqual(['aws-access-key-id', 'github-token']);
    expect(rulesOf((await cli(['scan', '--no-git', '-f', 'json', '--only', 'github', '--only', 'aws', '.'], dir)).stdout)).toEqual([
      'aws-access-key-id',
      'github-token',
    ]);
  });
  it('the hook fast path reads --only as yargs does', () => {
    expect(fastScanArgs(['scan', '--staged', '--only', 'aws'])).toMatchObject({ staged: true, only: 'aws' });
    expect(fastScanArgs(['scan', '--staged', '--only', 'aws', '--only', 'github'])).toBeNull();
  });
  it('the real binary: an unknown provider exits 2 with one line; the config turns a provider off', () => {
    const dir = tree();
    const bad = spawnSync(process.execPath, [BIN, 'scan', '--no-git', '--only', 'gihub', '.'], { cwd: dir, encoding: 'utf8' });
    expect([bad.status, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toMatch(/^keyfence: --only: unknown provider "gihub" \(known: [^\n]*\)\n$/);
    writeTree(dir, { '.keyfence.json': JSON.stringify({ providers: { github: false } }) });
    const r = spawnSync(process.execPath, [BIN, 'scan', '--no-git', '-f', 'json', '.'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(rulesOf(r.stdout)).toEqual(['aws-access-key-id']);
  });
  it('keyfence rules shows a provider turned off by the config', async () => {
    const dir = tempDir();
    writeTree(dir, { '.keyfence.json': JSON.stringify({ providers: { slack: false } }) });
    const text = (await cli(['rules'], dir)).stdout;
    expect(text).toMatch(/^slack \(0 of 2 on\)\nslack-token +off /m);
  });
});
