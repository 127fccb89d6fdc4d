import { describe, expect, it, vi } from 'vitest';
import type { ScanArgs } from '../src/cli/scanOptions.js';

// Capture what each parser hands to the scan command instead of scanning.
const seen: ScanArgs[] = [];
vi.mock('../src/cli/scanCommand.js', () => ({
  scanCommand: async (args: ScanArgs) => {
    seen.push(args);
    return { exitCode: 0, stdout: '', stderr: '' };
  },
}));

// Count yargs parsers built: the fast path builds none.
let yargsBuilt = 0;
vi.mock('yargs', async (importOriginal) => {
  const real = (await importOriginal()) as { default: (...a: unknown[]) => unknown };
  return {
    default: (...a: unknown[]) => {
      yargsBuilt++;
      return real.default(...a);
    },
  };
});

const { fastScanArgs } = await import('../src/cli/fastArgs.js');
const { run, runParsed } = await import('../src/cli/run.js');
const io = { cwd: process.cwd(), env: {} };

async function viaYargs(argv: string[]): Promise<ScanArgs> {
  seen.length = 0;
  const r = await runParsed(argv, io);
  expect(r.stderr).toBe('');
  expect(seen).toHaveLength(1);
  return seen[0]!;
}

describe('the hook fast path (no yargs)', () => {
  const hookInvocations = [
    ['scan', '--staged'],
    ['scan', '--staged', '--quiet'],
    ['scan', '--staged', '-q', '--no-color'],
    ['scan', '--staged', '--format', 'json', '--output', 'report.json'],
    ['scan', '--staged', '-f', 'json', '-o', 'out file.json', '--color'],
    ['scan', '--commit-msg', '.git/COMMIT_EDITMSG', '--quiet'],
    ['scan', '--pre-push', 'origin', '--quiet'],
    ['scan', '--no-staged'],
    ['scan'],
    ['scan', '--history'],
    ['scan', '--history', '--quiet'],
    ['scan', '--history', 'main..feature', '--since', '2026-01-01', '--until', 'yesterday'],
    ['scan', '--history', '--branch', 'main', '-f', 'json'],
    ['scan', '--since', '2 weeks ago', '--history'],
    ['scan', '--staged', '--output', '--quiet'],
    ['scan', '--staged', '--baseline', '.keyfence-baseline.json', '--config', 'kf.json'],
    // lint-staged and the pre-commit framework append the file names.
    ['scan', '--staged', '--quiet', 'src/app.ts', '/abs/path/config.env'],
    ['scan', '--staged', 'a b.txt', '--quiet', 'docs/x.md'],
    ['scan', '--staged', '-q', '123', '0x1f', '1e3', 'yes', 'has=equals', 'ünï.txt'],
    ['scan', '--staged', '--output', 'report.json', 'file.txt'],
  ];
  for (const argv of hookInvocations) {
    it(`gives exactly what yargs gives for: ${argv.join(' ')}`, async () => {
      const fast = fastScanArgs(argv);
      expect(fast).not.toBeNull();
      expect(fast).toEqual(await viaYargs(argv));
    });
  }

  const notFast = [
    ['scan', 'src'],
    ['scan', '--quiet', 'src'],
    ['scan', '--history', 'main..x', 'src'],
    ['scan', '--staged', '-'],
    ['scan', '--staged', 'a.txt', '-'],
    ['scan', '--staged', 'a.txt', '--', '-b.txt'],
    ['scan', '--staged', 'a.txt', '-b.txt'],
    ['scan', '--staged', 'true', 'a.txt'],
    ['scan', '--staged', 'a.txt', ''],
    ['scan', '-'],
    ['scan', '--staged', '--no-redact'],
    ['scan', '--staged=1'],
    ['scan', '--staged', '--redact=50'],
    ['scan', '--staged', '--redact'],
    ['scan', '--staged', '--exit-code', '3'],
    ['scan', '--staged', '--report', 'json'],
    ['scan', '--staged', '--color', '--no-color'],
    ['scan', '--staged', '--max-file-size', '10'],
    ['scan', '--format=json', '--staged'],
    ['scan', '--staged', '--format', 'xml'],
    ['scan', '--staged', '--format'],
    ['scan', '--history', '-'],
    ['scan', '--staged', '--staged'],
    ['scan', '-qf', 'json'],
    ['scan', '--help'],
    ['rules'],
    [],
  ];
  for (const argv of notFast) {
    it(`leaves to yargs: ${argv.join(' ') || '(nothing)'}`, () => {
      expect(fastScanArgs(argv)).toBeNull();
    });
  }

  it('run() takes the fast path for hook invocations and yargs for the rest, with the same errors', async () => {
    seen.length = 0;
    expect((await run(['scan', '--staged', '-q'], io)).exitCode).toBe(0);
    expect(seen[0]).toMatchObject({ staged: true, quiet: true, format: 'text', redact: true });
    // lint-staged's and the pre-commit framework's calls, with file names, skip yargs too.
    yargsBuilt = 0;
    seen.length = 0;
    expect((await run(['scan', '--staged', '--quiet', 'src/a.ts', 'b.env'], io)).exitCode).toBe(0);
    expect(seen[0]).toMatchObject({ staged: true, quiet: true, paths: ['src/a.ts', 'b.env'] });
    expect(yargsBuilt).toBe(0);
    await run(['scan', 'src'], io);
    expect(yargsBuilt).toBe(1);
    const bad = await run(['scan', '--staged', '--format', 'xml'], io);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^keyfence: [^]*xml/);
    // What the fast path leaves alone is checked as strictly as on the yargs path.
    for (const argv of [
      ['scan', '--staged=1'],
      ['scan', '--staged', '--color', '--no-color'],
      ['scan', '--staged', '--redact=yes'],
    ]) {
      const r = await run(argv, io);
      expect(r.exitCode, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^keyfence: [^\n]+\n$/);
    }
  });
});
