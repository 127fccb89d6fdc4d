import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import type { ScanResult } from '../src/types.js';
import { sarifErrors } from './helpers/sarifSchema.js';
import { BIN, cli, commit, git, tempDir, tempRepo, write } from './gitRepo.js';

// The organisation audit: .github/workflows/keyfence-audit.yml is a reusable workflow whose
// matrix, artifacts and merge fit together and match the README, and scripts/audit.sh (what
// its jobs run) audits local repositories end to end with the environment Actions gives: each
// matrix job in its own RUNNER_TEMP, the artifacts gathered as download-artifact does.
const ROOT = path.resolve(import.meta.dirname, '..');
const SCRIPT = path.join(ROOT, 'scripts', 'audit.sh');

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  strategy?: { matrix: Record<string, unknown> };
  steps: Step[];
  outputs?: Record<string, string>;
  permissions?: Record<string, string>;
}
interface Workflow {
  on: {
    workflow_call: {
      inputs: Record<string, { type: string; default?: unknown; required?: boolean; description: string }>;
      outputs: Record<string, { value: string }>;
    };
  };
  jobs: Record<string, Job>;
}

const workflow = parse(readFileSync(path.join(ROOT, '.github/workflows/keyfence-audit.yml'), 'utf8')) as Workflow;
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Scanning an organisation'));

describe('.github/workflows/keyfence-audit.yml', () => {
  const { inputs } = workflow.on.workflow_call;
  it('is a reusable workflow: a matrix of N shard jobs, each uploading its report, then one merge job', () => {
    expect(Object.keys(inputs)).toEqual(expect.arrayContaining(['repositories', 'shards', 'mode', 'incremental']));
    expect(inputs.shards!.type).toBe('number');
    const { plan, shard, merge } = workflow.jobs as Record<string, Job>;
    expect(shard!.needs).toBe('plan');
    expect(shard!.strategy!.matrix.shard).toBe('${{ fromJSON(needs.plan.outputs.shards) }}');
    const scan = shard!.steps.find((s) => s.run?.includes('scripts/audit.sh shard'))!;
    expect(scan.env).toMatchObject({
      AUDIT_SHARD: '${{ matrix.shard }}',
      AUDIT_SHARDS: '${{ inputs.shards }}',
      AUDIT_REPOSITORIES: '${{ inputs.repositories }}',
    });
    const upload = shard!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.with!.name).toBe('keyfence-shard-${{ matrix.shard }}');
    expect(upload.with!.path).toBe(scan.env!.AUDIT_OUT);
    // The whole history, or the merge of a history's shards would not be the whole audit.
    expect(shard!.steps.find((s) => s.uses?.startsWith('actions/checkout') && s.with?.path === 'audited')!.with).toMatchObject({ 'fetch-depth': 0 });
    expect(merge!.needs).toBe('shard'); // a failed shard fails the audit: never a partial merge
    const download = merge!.steps.find((s) => s.uses?.startsWith('actions/download-artifact'))!;
    expect(download.with).toMatchObject({ pattern: 'keyfence-shard-*', 'merge-multiple': true });
    const run = merge!.steps.find((s) => s.run?.includes('scripts/audit.sh merge'))!;
    expect(run.env!.AUDIT_REPORTS).toBe(download.with!.path);
    expect(merge!.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!.with!.sarif_file).toBe(
      `\${{ steps.${run.id}.outputs.sarif-file }}`,
    );
    expect(JSON.stringify(merge!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!.with)).toContain(`steps.${run.id}.outputs.html-file`);
    expect(merge!.permissions).toMatchObject({ 'security-events': 'write' });
    expect(plan!.steps[0]!.run).toContain('seq -s, 1 "$SHARDS"');
    expect(workflow.on.workflow_call.outputs.findings!.value).toBe('${{ jobs.merge.outputs.findings }}');
    for (const job of Object.values(workflow.jobs)) for (const s of job.steps) if (s.run) expect(s.shell, s.name).toBe('bash');
  });
  it('uses every input it declares, and only those', () => {
    const used = new Set(
      JSON.stringify(workflow.jobs)
        .match(/inputs\.[a-z-]+/g)!
        .map((m) => m.slice('inputs.'.length)),
    );
    expect([...used].sort()).toEqual(Object.keys(inputs).sort());
  });
  it('the README documents its inputs with their defaults, and calls it with inputs it declares', () => {
    const lines = section.split('\n');
    const start = lines.findIndex((l) => l.startsWith('| input |'));
    expect(start).toBeGreaterThan(0);
    const rows = lines
      .slice(start + 2)
      .filter((_l, i, a) => a.slice(0, i + 1).every((x) => x.startsWith('|')))
      .map((l) => l.split('|').map((c) => c.trim().replace(/`/g, '')));
    expect(rows.map((r) => r[1])).toEqual(Object.keys(inputs));
    for (const r of rows)
      expect(r[2], r[1]).toBe(inputs[r[1]!]!.required ? '(required)' : String(inputs[r[1]!]!.default === '' ? '(empty)' : inputs[r[1]!]!.default));
    const block = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
    const caller = parse(block) as { jobs: Record<string, { uses: string; with: Record<string, unknown> }> };
    const job = Object.values(caller.jobs)[0]!;
    expect(job.uses).toMatch(/\/\.github\/workflows\/keyfence-audit\.yml@/);
    for (const name of Object.keys(job.with)) expect(Object.keys(inputs)).toContain(name);
  });
});

const pair = () => `aws_access_key_id = ${fakeKeyId()}\naws_secret_access_key = ${fakeSecretKey()}\n`;

function appRepo(files: number): string {
  const repo = tempRepo();
  write(repo, 'README.md', '# app\n');
  git(repo, 'add', '-A');
  commit(repo, 'initial');
  for (let i = 0; i < files; i++) {
    write(repo, `src/f${i}.txt`, i % 3 === 0 ? pair() : `text ${i}\n`);
    git(repo, 'add', '-A');
    commit(repo, `commit ${i}`);
  }
  git(repo, 'checkout', '-q', '-b', 'topic', 'HEAD~2');
  write(repo, 'topic.env', pair());
  git(repo, 'add', '-A');
  commit(repo, 'topic');
  git(repo, 'checkout', '-q', 'main');
  return repo;
}

interface Ran {
  code: number;
  log: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Runs scripts/audit.sh as one job would: its own RUNNER_TEMP, GITHUB_OUTPUT and step summary. */
function job(sub: 'shard' | 'merge', env: Record<string, string>): Ran & { temp: string } {
  const temp = tempDir('keyfence-runner-');
  const files = { output: path.join(temp, 'output'), summary: path.join(temp, 'summary.md') };
  writeFileSync(files.output, '');
  const res = spawnSync('bash', [SCRIPT, sub], {
    cwd: env.GITHUB_WORKSPACE ?? temp,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GIT_CONFIG_GLOBAL: process.env.GIT_CONFIG_GLOBAL,
      GIT_CONFIG_NOSYSTEM: '1',
      GITHUB_ACTIONS: 'true',
      RUNNER_TEMP: temp,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_SERVER_URL: 'https://github.invalid',
      KEYFENCE_BIN: BIN,
      ...env,
    },
  });
  const outputs = Object.fromEntries(
    readFileSync(files.output, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { code: res.status ?? -1, log: res.stdout + res.stderr, outputs, summary: existsSync(files.summary) ? readFileSync(files.summary, 'utf8') : '', temp };
}

/** Every matrix job, then the artifacts gathered in one directory (download-artifact, merge-multiple), then the merge. */
function audit(n: number, env: Record<string, string>, { drop }: { drop?: number } = {}) {
  const artifacts = tempDir('keyfence-artifacts-');
  const shards: Ran[] = [];
  for (let k = 1; k <= n; k++) {
    const r = job('shard', { ...env, AUDIT_SHARDS: String(n), AUDIT_SHARD: String(k), AUDIT_OUT: '' });
    shards.push(r);
    expect(r.code, r.log).toBe(0);
    const out = path.join(r.temp, 'keyfence-audit');
    if (k !== drop && existsSync(out)) cpSync(out, artifacts, { recursive: true });
  }
  const merged = job('merge', { ...env, AUDIT_SHARDS: String(n), AUDIT_REPORTS: artifacts });
  return { shards, merged, artifacts };
}

describe('scripts/audit.sh end to end on local repositories', () => {
  it("one repository's history in 3 shards: the merge equals one unsharded scan; SARIF, HTML, summary, outputs", async () => {
    const repo = appRepo(12);
    const { shards, merged } = audit(3, { GITHUB_WORKSPACE: repo, GITHUB_REPOSITORY: 'acme/app' });
    expect(shards.map((s) => s.log)).toEqual([1, 2, 3].map((k) => expect.stringContaining(`acme/app (history, shard ${k}/3)`)));
    expect(merged.code, merged.log).toBe(0);
    const whole = JSON.parse((await cli(repo, 'scan', '--history', '--format', 'json')).stdout) as ScanResult;
    const got = JSON.parse(readFileSync(path.join(merged.temp, 'keyfence-audit', 'keyfence-audit.json'), 'utf8')) as ScanResult;
    expect(got.findings).toEqual(whole.findings);
    expect(merged.outputs.findings).toBe(String(whole.findings.length));
    expect(sarifErrors(JSON.parse(readFileSync(merged.outputs['sarif-file']!, 'utf8')))).toEqual([]);
    expect(readFileSync(merged.outputs['html-file']!, 'utf8')).toContain(`keyfence report: ${whole.findings.length} findings`);
    expect(merged.summary).toContain('### keyfence audit');
    expect(merged.summary).toContain(`${whole.findings.length} finding(s)`);
    expect(merged.summary).toContain(
      `| acme/app | \`topic.env:1\` | \`aws-access-key-id\` | \`${whole.findings.find((f) => f.path === 'topic.env')!.commit!.slice(0, 12)}\` |`,
    );
  });

  it('a list of repositories dealt over 2 shards: findings name their repository; AUDIT_FAIL_ON_FINDINGS fails the merge', () => {
    const repos = [appRepo(4), appRepo(3), appRepo(2)];
    const { shards, merged } = audit(2, { AUDIT_REPOSITORIES: repos.join('\n') });
    expect(shards[0]!.log).toContain(`${path.basename(repos[0]!)} (history, shard 1/1)`);
    expect(shards[1]!.log).toContain(`${path.basename(repos[1]!)} (history, shard 1/1)`);
    expect(shards[0]!.log).toContain(`${path.basename(repos[2]!)} (history, shard 1/1)`);
    expect(merged.code, merged.log).toBe(0);
    const got = JSON.parse(readFileSync(path.join(merged.temp, 'keyfence-audit', 'keyfence-audit.json'), 'utf8')) as ScanResult;
    expect(new Set(got.findings.map((f) => f.repository))).toEqual(new Set(repos.map((r) => path.basename(r))));
    expect(readFileSync(merged.outputs['html-file']!, 'utf8')).toContain('<table id="repo-counts"');
    for (const r of repos) expect(merged.summary).toContain(`| ${path.basename(r)} | \`aws-access-key-id\` |`);
    const strict = audit(2, { AUDIT_REPOSITORIES: repos.join(' '), AUDIT_FAIL_ON_FINDINGS: 'true' });
    expect(strict.merged.code).toBe(1);
    expect(strict.merged.log).toMatch(/::error title=keyfence audit::\d+ secret\(s\) found/);
  });

  it('tree mode: the files at the tip, repositories cloned shallow', () => {
    const repos = [appRepo(4), appRepo(2)];
    const { merged } = audit(1, { AUDIT_REPOSITORIES: repos.join('\n'), AUDIT_MODE: 'tree' });
    expect(merged.code, merged.log).toBe(0);
    const got = JSON.parse(readFileSync(path.join(merged.temp, 'keyfence-audit', 'keyfence-audit.json'), 'utf8')) as ScanResult;
    expect(got.findings.every((f) => f.commit === undefined)).toBe(true);
    expect(got.findings.map((f) => f.path)).not.toContain('topic.env'); // not on the checked-out branch
    expect(got.findings.length).toBe(2 * 2 + 2 * 1);
  });

  it('a shard that produced nothing, or a repository without a report, fails the merge (exit 2)', () => {
    const repo = appRepo(9);
    const history = audit(3, { GITHUB_WORKSPACE: repo, GITHUB_REPOSITORY: 'acme/app' }, { drop: 2 });
    expect(history.merged.code).toBe(2);
    expect(history.merged.log).toMatch(/::error title=keyfence audit::keyfence: missing shard 2\/3 of acme\/app/);
    expect(history.merged.outputs).toEqual({});
    const repos = [appRepo(2), appRepo(2)];
    const list = audit(2, { AUDIT_REPOSITORIES: repos.join('\n') }, { drop: 2 });
    expect(list.merged.code).toBe(2);
    expect(list.merged.log).toContain(`no report for ${path.basename(repos[1]!)}`);
  });

  it('incremental audits: the next audit scans only new commits; the state moves on only after a merge', () => {
    const repo = appRepo(6);
    const state = tempDir('keyfence-cache-');
    const env = { GITHUB_WORKSPACE: repo, GITHUB_REPOSITORY: 'acme/app', AUDIT_STATE_DIR: state };
    const first = audit(2, env);
    expect(first.merged.code, first.merged.log).toBe(0);
    expect(readdirSync(state)).toEqual(['acme_app.json']);
    const firstFindings = Number(first.merged.outputs.findings);
    expect(firstFindings).toBeGreaterThan(2);
    write(repo, 'later.env', pair());
    git(repo, 'add', '-A');
    const later = commit(repo, 'later');
    const second = audit(2, env);
    const got = JSON.parse(readFileSync(path.join(second.merged.temp, 'keyfence-audit', 'keyfence-audit.json'), 'utf8')) as ScanResult;
    expect(got.stats.commitsScanned).toBe(1);
    expect(got.findings.map((f) => f.commit)).toEqual([later, later]);
    // A merge that fails leaves the state as it was: the next audit scans the same commits again.
    write(repo, 'again.env', pair());
    git(repo, 'add', '-A');
    commit(repo, 'again');
    const before = readFileSync(path.join(state, 'acme_app.json'), 'utf8');
    expect(audit(2, env, { drop: 1 }).merged.code).toBe(2);
    expect(readFileSync(path.join(state, 'acme_app.json'), 'utf8')).toBe(before);
  });

  it('refuses bad settings and a shallow checkout in history mode', () => {
    const repo = appRepo(2);
    expect(job('shard', { GITHUB_WORKSPACE: repo, AUDIT_SHARDS: '2', AUDIT_SHARD: '3' }).log).toContain('AUDIT_SHARD must be 1 to 2');
    expect(job('shard', { GITHUB_WORKSPACE: repo, AUDIT_SHARDS: 'x', AUDIT_SHARD: '1' }).code).toBe(2);
    expect(job('shard', { GITHUB_WORKSPACE: repo, AUDIT_MODE: 'sideways', AUDIT_SHARD: '1' }).log).toContain('AUDIT_MODE must be history or tree');
    const shallow = tempDir('keyfence-shallow-');
    rmSync(shallow, { recursive: true });
    git(path.dirname(shallow), 'clone', '-q', '--depth', '1', `file://${repo}`, shallow);
    const r = job('shard', { GITHUB_WORKSPACE: shallow, AUDIT_SHARD: '1' });
    expect(r.code).toBe(2);
    expect(r.log).toContain('fetch-depth: 0');
  });
});
