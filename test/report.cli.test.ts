import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { FORMATS, SCAN_OPTIONS } from '../src/cli/scanOptions.js';
import { loadBuiltinRules } from '../src/rules/load.js';

// What a person reads before any scan: --help, --version, `keyfence rules`, and the README's
// option table, which must name every option the CLI has.
const io = { cwd: process.cwd(), env: {} };
const readme = readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };

describe('help, version and rules', () => {
  it('--help names the commands, the exit codes and the formats', async () => {
    const r = await run(['--help'], io);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('keyfence scan [paths..]');
    expect(r.stdout).toContain('keyfence rules');
    expect(r.stdout).toContain('Exit codes: 0 clean, 1 secrets found, 2 usage or runtime error.');
    for (const f of FORMATS) expect(r.stdout).toContain(f);
  });
  it('scan --help lists every option and every format choice', async () => {
    const r = await run(['scan', '--help'], io);
    expect(r.exitCode).toBe(0);
    for (const name of Object.keys(SCAN_OPTIONS)) expect(r.stdout).toContain(`--${name}`);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(`[choices: ${FORMATS.map((f) => `"${f}"`).join(', ')}]`);
  });
  it('--version prints the package version', async () => {
    expect(await run(['--version'], io)).toMatchObject({ exitCode: 0, stdout: `${pkg.version}\n` });
  });
  it('rules lists id, enabled and description in text and JSON', async () => {
    const specs = loadBuiltinRules();
    const text = await run(['rules'], io);
    expect(text.exitCode).toBe(0);
    const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const s of specs) expect(text.stdout).toMatch(new RegExp(`^${s.id} +${s.enabled === false ? 'off' : 'on '} +${esc(s.description)}$`, 'm'));
    // Grouped by provider: a heading with how many of its rules run, then its rules.
    expect(text.stdout).toMatch(/^aws \(5 of 6 on\)\naws-access-key-id +on /m);
    expect(text.stdout).toMatch(/^stripe \(1 of 2 on\)\nstripe-live-key +on .*\nstripe-test-key +off /m);
    const json = JSON.parse((await run(['rules', '--format', 'json'], io)).stdout);
    expect(json).toEqual(
      specs.map((s) => expect.objectContaining({ id: s.id, provider: s.provider, enabled: s.enabled !== false, description: s.description })),
    );
  });
  it('an unknown format is a usage error, exit 2, one line', async () => {
    const r = await run(['scan', '--format', 'pdf'], io);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^keyfence: .*pdf.*\n$/);
  });
});

describe('README', () => {
  it('documents every scan option in the options table', () => {
    const table = readme.slice(readme.indexOf('## Options of `keyfence scan`'), readme.indexOf('### JSON report'));
    for (const [name, spec] of Object.entries(SCAN_OPTIONS)) {
      const negatable = spec.type === 'boolean' && spec.default === true;
      expect(table, name).toContain(negatable ? `--no-${name}` : `--${name}`);
    }
    for (const f of FORMATS) expect(table).toContain(`\`${f}\``);
  });
});
