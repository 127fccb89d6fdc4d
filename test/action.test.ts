import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';

// The GitHub Action: action.yml is valid and matches the README, and its script runs for real
// against temporary git repositories with the environment GitHub Actions would give it.
const ROOT = path.resolve(import.meta.dirname, '..');
const SCRIPT = path.join(ROOT, 'scripts', 'action.sh');

interface ActionYml {
  name: string;
  description: string;
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: {
    using: string;
    steps: {
      id?: string;
      name?: string;
      uses?: string;
      run?: string;
      shell?: string;
      env?: Record<string, string>;
      with?: Record<string, string>;
      if?: string;
    }[];
  };
}

const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYml;
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The first column of the README table whose header starts with `| <first> |`, in the Action section. */
function readmeTable(first: string): { name: string; default: string }[] {
  const section = readme.slice(readme.indexOf('## GitHub Action'));
  const lines = section.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${first} |`));
  expect(start, `README table "| ${first} |" in "## GitHub Action"`).toBeGreaterThan(0);
  const rows: { name: string; default: string }[] = [];
  for (const l of lines.slice(start + 2)) {
    if (!l.startsWith('|')) break;
    const cells = l.split('|').map((c) => c.trim());
    rows.push({ name: cells[1]!.replace(/`/g, ''), default: (cells[2] ?? '').replace(/`/g, '') });
  }
  return rows;
}

describe('action.yml', () => {
  it('is a composite action whose steps use only declared inputs and whose outputs come from the scan step', () => {
    expect(action.name).toBe('keyfence');
    expect(action.description.length).toBeGreaterThan(20);
    expect(action.runs.using).toBe('composite');
    for (const step of action.runs.steps) if (step.run) expect(step.shell, step.name).toBe('bash');
    const used = JSON.stringify(action.runs.steps)
      .match(/inputs\.[a-z-]+/g)!
      .map((m) => m.slice('inputs.'.length));
    for (const name of used) expect(Object.keys(action.inputs), name).toContain(name);
    for (const name of Object.keys(action.inputs)) expect(used, `input ${name} is never used`).toContain(name);
    const scan = action.runs.steps.find((s) => s.id === 'scan')!;
    expect(scan.run).toContain('scripts/action.sh');
    for (const [name, out] of Object.entries(action.outputs)) expect(out.value).toBe(`\${{ steps.scan.outputs.${name} }}`);
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!;
    expect(upload.if).toContain("inputs.upload-sarif == 'true'");
  });
  it('the README documents exactly its inputs (with defaults) and outputs', () => {
    const inputs = readmeTable('input');
    expect(inputs.map((i) => i.name)).toEqual(Object.keys(action.inputs));
    for (const i of inputs) expect(i.default, i.name).toBe(action.inputs[i.name]!.default || '(empty)');
    expect(readmeTable('output').map((o) => o.name)).toEqual(Object.keys(action.outputs));
  });
  it('the README workflow uses this action with inputs it declares', () => {
    const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## GitHub Action')))![1]!;
    const workflow = parse(block) as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }> };
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    const ours = steps.find((s) => s.uses?.includes('keyfence'))!;
    for (const name of Object.keys(ours.with ?? {})) expect(Object.keys(action.inputs)).toContain(name);
    expect(steps.find((s) => s.uses?.startsWith('actions/checkout'))!.with).toMatchObject({ 'fetch-depth': 0 });
  });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } }).trim();
}

function repo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyfence-action-'));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'ci@example.com');
  git(dir, 'config', 'user.name', 'CI');
  git(dir, 'config', 'core.hooksPath', '/dev/null');
  writeFileSync(path.join(dir, 'README.md'), '# app\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'init');
  return dir;
}

function commitSecret(dir: string): void {
  mkdirSync(path.join(dir, 'config'), { recursive: true });
  writeFileSync(path.join(dir, 'config', 'prod.env'), `# prod\nAWS_ACCESS_KEY_ID=${fakeKeyId()}\nAWS_SECRET_ACCESS_KEY=${fakeSecretKey()}\n`);
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'add config');
}

interface Ran {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Runs scripts/action.sh in `dir` as the scan step would, with an event payload. */
function runAction(dir: string, eventName: string, event: unknown, inputs: Record<string, string> = {}, bin?: string, extraEnv: NodeJS.ProcessEnv = {}): Ran {
  const meta = mkdtempSync(path.join(tmpdir(), 'keyfence-action-meta-'));
  const files = { event: path.join(meta, 'event.json'), output: path.join(meta, 'output'), summary: path.join(meta, 'summary.md') };
  writeFileSync(files.event, JSON.stringify(event));
  writeFileSync(files.output, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase().replace(/-/g, '_')}`, v])),
    ...extraEnv,
  };
  if (bin) env.KEYFENCE_BIN = bin;
  const res = spawnSync('bash', [SCRIPT], { cwd: dir, env, encoding: 'utf8' });
  const outputs = Object.fromEntries(
    readFileSync(files.output, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { code: res.status ?? -1, stdout: res.stdout + res.stderr, outputs, summary: existsSync(files.summary) ? readFileSync(files.summary, 'utf8') : '' };
}

/**
 * A stand-in keyfence that records its arguments, for checking what the script asks for: it
 * prints `stdout` and writes `json` (a JSON report) where `--report json:PATH` asks.
 */
function recordingBin(
  stdout = 'keyfence: no findings in 0 files (0 B, 0 ms)\n',
  exitCode = 0,
  json: unknown = { findings: [], suppressed: [], stats: { filesScanned: 0 } },
): { bin: string; calls: () => string[][] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyfence-fake-bin-'));
  const log = path.join(dir, 'calls.jsonl');
  const bin = path.join(dir, 'keyfence.js');
  writeFileSync(
    bin,
    `const fs = require('fs');\nfs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n');\n` +
      `for (const a of process.argv) if (a.startsWith('json:')) fs.writeFileSync(a.slice(5), ${JSON.stringify(JSON.stringify(json))});\n` +
      `process.stdout.write(${JSON.stringify(stdout)});\nprocess.exitCode = ${exitCode};\n`,
  );
  return {
    bin,
    calls: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as string[])
        : [],
  };
}

/** The arguments the script adds after the scan's own: annotations on stdout, a JSON report (and SARIF). */
const REPORTS = ['--format', 'github', '--no-color', '--report', expect.stringMatching(/^json:.*keyfence\.json$/)];

describe('scripts/action.sh against a temporary repository (tree scan, the real keyfence)', () => {
  it('annotates findings, writes SARIF and the step summary, sets outputs and fails the job', () => {
    const dir = repo();
    commitSecret(dir);
    const r = runAction(dir, 'workflow_dispatch', {}, { 'upload-sarif': 'true', 'sarif-file': 'keyfence.sarif' });
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toContain('keyfence: scanning the checked-out tree');
    expect(r.stdout).toMatch(/^::error file=config\/prod\.env,line=2,endLine=2,col=19,endColumn=39,title=keyfence%3A aws-access-key-id::/m);
    expect(r.stdout).toMatch(/^::error file=config\/prod\.env,line=3,/m);
    expect(r.stdout).toContain('::error title=keyfence::2 secret(s) found');
    expect(r.outputs).toEqual({ 'sarif-file': 'keyfence.sarif', findings: '2', 'exit-code': '1' });
    const sarif = JSON.parse(readFileSync(path.join(dir, 'keyfence.sarif'), 'utf8'));
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toEqual(['aws-access-key-id', 'aws-secret-access-key']);
    expect(r.summary).toContain('### keyfence');
    expect(r.summary).toContain('| `config/prod.env:2` | `aws-access-key-id` |  |');
    expect(r.summary).toMatch(/keyfence: 2 findings/);
  });
  it('a clean repository passes with findings=0 and writes no SARIF unless asked', () => {
    const dir = repo();
    const r = runAction(dir, 'workflow_dispatch', {});
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs).toEqual({ findings: '0', 'exit-code': '0' });
    expect(existsSync(path.join(dir, 'keyfence.sarif'))).toBe(false);
  });
  it('fail-on-findings: false reports but passes', () => {
    const dir = repo();
    commitSecret(dir);
    const r = runAction(dir, 'workflow_dispatch', {}, { 'fail-on-findings': 'false' });
    expect(r.code).toBe(0);
    expect(r.outputs.findings).toBe('2');
    expect(r.stdout).toContain('::error file=config/prod.env');
  });
  it('extra args reach keyfence, and a keyfence error fails with exit 2', () => {
    const dir = repo();
    commitSecret(dir);
    const r = runAction(dir, 'workflow_dispatch', {}, { args: '--max-file-size 10' });
    expect(r.code).toBe(0);
    expect(r.outputs.findings).toBe('0');
    const bad = runAction(dir, 'workflow_dispatch', {}, { args: '--no-such-flag' });
    expect(bad.code).toBe(2);
    expect(bad.outputs['exit-code']).toBe('2');
    expect(runAction(dir, 'workflow_dispatch', {}, { mode: 'sideways' }).code).toBe(2);
  });
  it('args cannot turn redaction off, nor pass a redaction keyfence does not accept', () => {
    const dir = repo();
    commitSecret(dir);
    const key = /AWS_ACCESS_KEY_ID=(\S+)/.exec(readFileSync(path.join(dir, 'config', 'prod.env'), 'utf8'))![1]!;
    for (const args of ['--no-redact', '--redact=0', '--redact 0', '--redact=000']) {
      const r = runAction(dir, 'workflow_dispatch', {}, { args });
      expect(r.code, args).toBe(2);
      expect(r.stdout, args).toContain('would print secrets in clear');
      expect(r.stdout, args).not.toContain(key);
    }
    for (const args of ['--redact=yes', '--redact=1000', '--redact=true']) {
      const r = runAction(dir, 'workflow_dispatch', {}, { args });
      expect(r.code, args).toBe(2);
      expect(r.stdout, args).not.toContain(key);
    }
    for (const args of ['--exit-code 0', '--format json', '-o x.txt']) {
      const r = runAction(dir, 'workflow_dispatch', {}, { args });
      expect(r.code, args).toBe(2);
      expect(r.stdout, args).toMatch(/::error title=keyfence::args: (--exit-code|--format|-o): /);
    }
    const hidden = runAction(dir, 'workflow_dispatch', {}, { args: '--redact=100' });
    expect(hidden.code).toBe(1);
    expect(hidden.stdout).toContain('found: …(redacted)');
    expect(hidden.stdout).not.toContain(key.slice(0, 4) + '…');
  });
});

describe('scripts/action.sh with verify: true', () => {
  it('adds --verify to its one scan (never without the input); another value is an error', () => {
    const dir = repo();
    let fake = recordingBin();
    runAction(dir, 'workflow_dispatch', {}, { verify: 'true' }, fake.bin);
    expect(fake.calls()).toEqual([['scan', '--verify', ...REPORTS]]);
    fake = recordingBin();
    runAction(dir, 'workflow_dispatch', {}, { verify: 'false' }, fake.bin);
    runAction(dir, 'workflow_dispatch', {}, {}, fake.bin);
    expect(fake.calls()).toEqual([
      ['scan', ...REPORTS],
      ['scan', ...REPORTS],
    ]);
    fake = recordingBin();
    const bad = runAction(dir, 'workflow_dispatch', {}, { verify: 'yes' }, fake.bin);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain('::error title=keyfence::verify must be true or false, not "yes"');
    expect(fake.calls()).toEqual([]);
  });
  it('the real keyfence verifies each pair and says so in the annotations; the job fails as before', async () => {
    // An STS endpoint nobody listens on: every pair is "could not verify", quickly.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const dir = repo();
    commitSecret(dir);
    const r = runAction(dir, 'workflow_dispatch', {}, { verify: 'true' }, undefined, { AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}` });
    expect(r.code, r.stdout).toBe(1);
    expect(r.outputs).toEqual({ findings: '2', 'exit-code': '1' });
    expect(r.stdout.match(/^::error file=config\/prod\.env,.*could not verify/gm)).toHaveLength(2);
    const plain = runAction(dir, 'workflow_dispatch', {}, {}, undefined, { AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}` });
    expect(plain.stdout).not.toContain('verif');
  });
});

describe('scripts/action.sh on a pull request (history scan, the real keyfence)', () => {
  it('a key added and removed again inside the PR is annotated with its commit and fails the job', () => {
    const dir = repo();
    const base = git(dir, 'rev-parse', 'HEAD');
    commitSecret(dir);
    const leak = git(dir, 'rev-parse', 'HEAD');
    rmSync(path.join(dir, 'config'), { recursive: true });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'remove config again');
    const head = git(dir, 'rev-parse', 'HEAD');
    const r = runAction(
      dir,
      'pull_request',
      { pull_request: { base: { sha: base }, head: { sha: head } } },
      { 'upload-sarif': 'true', 'sarif-file': 'k.sarif' },
    );
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toContain(`keyfence: scanning commits ${base}..${head}`);
    expect(r.stdout).toMatch(/^::error file=config\/prod\.env,line=2,/m);
    expect(r.outputs).toEqual({ 'sarif-file': 'k.sarif', findings: '2', 'exit-code': '1' });
    expect(r.summary).toContain(`| \`config/prod.env:2\` | \`aws-access-key-id\` | \`${leak.slice(0, 12)}\` |`);
    const sarif = JSON.parse(readFileSync(path.join(dir, 'k.sarif'), 'utf8'));
    expect(sarif.runs[0].results).toHaveLength(2);
    // The tree at head is clean: only the history scan can have found these.
    expect(runAction(dir, 'workflow_dispatch', {}).outputs.findings).toBe('0');
  });
});

describe('scripts/action.sh chooses the commits to scan from the event', () => {
  it('pull_request: --history base..head', () => {
    const dir = repo();
    const base = git(dir, 'rev-parse', 'HEAD');
    commitSecret(dir);
    const head = git(dir, 'rev-parse', 'HEAD');
    const fake = recordingBin();
    const r = runAction(dir, 'pull_request', { pull_request: { base: { sha: base }, head: { sha: head } } }, { 'upload-sarif': 'true' }, fake.bin);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain(`keyfence: scanning commits ${base}..${head}`);
    // One scan writes every report (it used to scan twice for SARIF).
    expect(fake.calls()).toEqual([['scan', '--history', `${base}..${head}`, ...REPORTS, '--report', 'sarif:keyfence.sarif']]);
  });
  it('history findings: the job summary names the commit of each finding', () => {
    const dir = repo();
    const annotation =
      '::error file=a%2Cb.env,line=4,endLine=4,col=1,endColumn=21,title=keyfence%3A aws-access-key-id::AWS access key ID found: AKIA…(redacted)%0Ain commit 0123456789ab by A on 2026-01-01%0ARotate it.\n';
    const json = {
      findings: [{ ruleId: 'aws-access-key-id', path: 'a,b.env', line: 4, commit: '0123456789abcdef0123456789abcdef01234567' }],
      suppressed: [],
      stats: { filesScanned: 1, commitsScanned: 3 },
    };
    const fake = recordingBin(`${annotation}keyfence: 1 finding (aws-access-key-id: 1) in 3 commits, 1 file (10 B, 1 ms)\n`, 1, json);
    const r = runAction(dir, 'pull_request', { pull_request: { base: { sha: 'HEAD' }, head: { sha: 'HEAD' } } }, {}, fake.bin);
    expect(r.code).toBe(1);
    expect(r.outputs).toEqual({ findings: '1', 'exit-code': '1' });
    expect(r.summary).toContain('Scanned commits `HEAD..HEAD`.');
    expect(r.summary).toContain('| `a,b.env:4` | `aws-access-key-id` | `0123456789ab` |');
  });
  it('push: --history before..after; a new branch: everything not on the default branch', () => {
    const dir = repo();
    const before = git(dir, 'rev-parse', 'HEAD');
    commitSecret(dir);
    const after = git(dir, 'rev-parse', 'HEAD');
    let fake = recordingBin();
    runAction(dir, 'push', { before, after, repository: { default_branch: 'main' } }, {}, fake.bin);
    expect(fake.calls()[0]).toEqual(['scan', '--history', `${before}..${after}`, ...REPORTS]);
    fake = recordingBin();
    runAction(dir, 'push', { before: '0'.repeat(40), after, repository: { default_branch: 'main' } }, {}, fake.bin);
    expect(fake.calls()[0]!.slice(0, 3)).toEqual(['scan', '--history', after]);
    git(dir, 'update-ref', 'refs/remotes/origin/main', before);
    fake = recordingBin();
    runAction(dir, 'push', { before: '0'.repeat(40), after, repository: { default_branch: 'main' } }, {}, fake.bin);
    expect(fake.calls()[0]!.slice(0, 3)).toEqual(['scan', '--history', `origin/main..${after}`]);
  });
  it('an explicit range wins; mode tree ignores the event; mode history without commits is an error', () => {
    const dir = repo();
    let fake = recordingBin();
    runAction(dir, 'push', { before: 'a', after: 'b' }, { range: 'HEAD~0..HEAD' }, fake.bin);
    expect(fake.calls()[0]!.slice(0, 3)).toEqual(['scan', '--history', 'HEAD~0..HEAD']);
    fake = recordingBin();
    runAction(dir, 'pull_request', { pull_request: { base: { sha: 'a' }, head: { sha: 'b' } } }, { mode: 'tree' }, fake.bin);
    expect(fake.calls()[0]).toEqual(['scan', ...REPORTS]);
    const r = runAction(dir, 'workflow_dispatch', {}, { mode: 'history' }, fake.bin);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('::error title=keyfence::mode history needs a pull_request or push event, or a range');
  });
});
