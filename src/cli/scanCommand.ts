import path from 'node:path';
import type { ConfiguredPlan } from '../config/configuredPlan.js';
import { planScan as plan } from '../engine/plan.js';
import type { CompiledRule } from '../rules/compile.js';
import type { RuleSpec } from '../rules/spec.js';
import { scan, type AllowStage, type Detected, type FragmentSource } from '../scan.js';
import type { SecretsSetup } from '../gitsecrets/secretsConfig.js';
import type { StagedOptions, StagedRead } from '../sources/staged.js';
import type { Fragment, ScanResult, ScanStats } from '../types.js';
import { escapeControl } from '../report/escapeControl.js';
import { EXIT, UsageError, type RunIO, type RunResult } from './io.js';
import type { ReportTarget } from './reportTargets.js';
import type { ReportWriter } from '../report/feedSinks.js';
import { onlyProviders, type ScanArgs } from './scanOptions.js';
import { version } from '../version.js';

/** Colors on a TTY unless NO_COLOR is set or --color/--no-color says otherwise. */
export function useColor(args: { color?: boolean }, io: RunIO, tty: boolean | undefined): boolean {
  if (args.color !== undefined) return args.color;
  return Boolean(tty) && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '');
}

/**
 * `scan -`: standard input as one fragment. Given as bytes, it is decoded as a file is (UTF-16,
 * Latin-1; see decodeBuffer), except that binary input is still read, as Latin-1.
 */
function stdinSource(io: RunIO): FragmentSource {
  return async function* (stats) {
    let fragment: Fragment;
    let size: number;
    if (io.stdinBytes) {
      const buf = await io.stdinBytes();
      const decoded = (await import('../sources/decode.js')).decodeBuffer(buf);
      const [text, encoding] = decoded.kind === 'text' ? [decoded.text, decoded.encoding] : [buf.toString('latin1'), 'latin1'];
      fragment = { text, path: '(stdin)', startLine: 1, ...(encoding ? { encoding } : {}) };
      size = buf.length;
    } else if (io.stdin) {
      fragment = { text: await io.stdin(), path: '(stdin)', startLine: 1 };
      size = Buffer.byteLength(fragment.text);
    } else {
      throw new UsageError('no standard input to read');
    }
    stats.filesScanned++;
    stats.bytesScanned += size;
    yield fragment;
  };
}

/**
 * A line for stderr made safe: control characters escaped (scanned file names and notes must not
 * drive the terminal or forge lines); with a github report, also escaped as workflow-command
 * data, so a note cannot start a command (`::stop-commands::`, a fake `::error`).
 */
export function logLine(line: string, github = false): string {
  const safe = escapeControl(line);
  return github ? safe.replace(/%/g, '%25') : safe;
}

/** The stderr lines about how a scan went: its notes and every skipped file, with the reason. */
export function statsNotes(result: ScanResult, github = false): string {
  let out = '';
  for (const note of result.stats.notes ?? []) out += `${logLine(`keyfence: note: ${note}`, github)}\n`;
  for (const s of result.stats.skipped) out += `${logLine(`keyfence: skipped ${s.path}: ${s.reason}`, github)}\n`;
  return out;
}

/** What deliver() needs besides the result and the arguments. */
export interface DeliverContext {
  /** The rules that ran (reports describe them: SARIF, help text). */
  rules: readonly RuleSpec[];
  /** The baseline applied, as shown to the user (the summary says how many findings it allowed). */
  baseline?: string;
  /** When the scan started (the HTML report says so). */
  startedAt?: Date;
  /** More lines for stderr, after the scan's own notes (the plan's notes). */
  notes?: readonly string[];
}

/**
 * Writes every report asked for (--format/--output and each --report: see reportTargets): this
 * one result is fed once through every report's sink (see feedSinks), and chooses the exit
 * code: --exit-code (default 1) when anything is found. A report to a file is written piece by
 * piece (writeReportFile); the one report to stdout goes to the process's stdout as it comes
 * (returned, in-process). When no report goes to stdout, stderr gets the summary line.
 */
export async function deliver(result: ScanResult, args: ScanArgs, io: RunIO, ctx: DeliverContext | readonly RuleSpec[]): Promise<RunResult> {
  const { rules, baseline, startedAt, notes = [] } = Array.isArray(ctx) ? { rules: ctx as readonly RuleSpec[] } : (ctx as DeliverContext);
  const n = result.findings.length;
  const exitCode = n ? (args.exitCode ?? EXIT.findings) : EXIT.clean;
  const single = args.output === undefined && !args.report?.length;
  // --quiet and clean: a text report would be thrown away (every commit's hook takes this path).
  if (single && args.quiet && args.format === 'text' && n === 0) return { exitCode, stdout: '', stderr: '' };
  const targets: ReportTarget[] = single ? [{ format: args.format }] : (await import('./reportTargets.js')).reportTargets(args, io.cwd);
  const github = targets.some((t) => t.format === 'github');
  let stderr = args.quiet ? '' : statsNotes(result, github) + notes.map((note) => `${logLine(`keyfence: ${note}`, github)}\n`).join('');
  // Reporters load only when a report is rendered (not on a quiet, clean hook run).
  const [{ reportSink }, { feedSinks }, { redactResult }] = await Promise.all([
    import('../report/index.js'),
    import('../report/feedSinks.js'),
    import('../report/redact.js'),
  ]);
  const shown = args.redact ? redactResult(result, args.redactPercent) : result;
  const meta = targets.some((t) => t.format === 'html') ? await (await import('./reportMeta.js')).reportMeta(args, io, startedAt ?? new Date()) : undefined;
  const opts = { rules, version: version(), redacted: args.redact, ...(baseline ? { baseline } : {}), ...(meta ? { meta } : {}) };
  let stdout = '';
  const { writeChunks } = await import('./writeAll.js');
  const { writeReportFile } = await import('./reportFile.js');
  const outputs = await Promise.all(
    targets.map(async (t) => {
      const sink = await reportSink(t.format, { ...opts, color: t.path === undefined && useColor(args, io, io.stdoutIsTTY) });
      let write: ReportWriter;
      if (t.path !== undefined) {
        write = (chunks) => writeReportFile(path.resolve(io.cwd, t.path!), t.path!, chunks, { cwd: io.cwd, secretsInClear: !args.redact });
      } else if (io.stdoutStream) {
        // Straight to the process's stdout, after what stderr has so far (the order it had).
        if (stderr) io.stderrStream?.write(stderr);
        if (io.stderrStream) stderr = '';
        const stream = io.stdoutStream;
        write = (chunks) => writeChunks(stream, chunks);
      } else {
        write = async (chunks) => {
          for await (const chunk of chunks) stdout += chunk;
        };
      }
      return { sink, write };
    }),
  );
  // One pass over the result feeds every report (see feedSinks).
  await feedSinks(shown, outputs);
  if (!targets.some((t) => t.path === undefined) && (!args.quiet || n)) {
    const { summaryLine } = await import('../report/summary.js');
    stderr += `${logLine(summaryLine(result, baseline), github)}\n`;
  }
  return { exitCode, stdout, stderr };
}

/** What a scan runs: the rules and the allow stages, from the built-ins and the config. */
export interface ScanPlan {
  rules: CompiledRule[];
  stages: AllowStage[];
  /** Notes for stderr after the scan (unless --quiet). */
  notes?: () => string[];
}

/**
 * The engine's plan (src/engine/plan.ts) for these arguments: built-in and configured rules,
 * allowlists, --baseline, inline comments (unless --no-inline-allow), the git-secrets setup.
 * `useBaseline` false (`keyfence baseline`) leaves the baseline out, so recorded findings do not
 * hide themselves.
 */
export async function planScan(args: ScanArgs, io: RunIO, useBaseline = true, secrets?: SecretsSetup): Promise<ConfiguredPlan> {
  // A range scan (--history A..B) is judged by the configuration as of its base, not the one it brings.
  const range = args.history !== undefined && args.git ? await (await import('../sources/configChanges.js')).rangeEnds(args.history, io.cwd) : undefined;
  return plan({
    cwd: io.cwd,
    env: io.env,
    paths: args.paths,
    config: args.config,
    baseline: args.baseline,
    inlineAllow: args.inlineAllow !== false,
    useBaseline,
    git: args.git,
    describeConfig: !args.git,
    only: onlyProviders(args.only),
    ...(range ? { revision: range.base } : {}),
    secrets,
  });
}

/**
 * A source that also reworks the scan's result once every fragment is scanned (history dedupe,
 * shard facts), and may have something to do once the report is delivered (--since-state).
 */
export type FinishingSource = FragmentSource & { delivered?: () => void };

/** Sources are loaded on demand so the pre-commit path never loads the tree walker. */
function lazy<M>(load: () => Promise<M>, fragments: (m: M, stats: ScanStats) => AsyncIterable<Fragment | Detected>): FragmentSource {
  return async function* (stats) {
    yield* fragments(await load(), stats);
  };
}

/**
 * The pre-commit framework (it sets PRE_COMMIT=1 for its hooks) running outside a commit:
 * `pre-commit run --all-files` or `--files …`. In a commit git sets GIT_INDEX_FILE for its hooks
 * (and the framework passes it on); then the index is what counts.
 */
function frameworkOutsideCommit(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.PRE_COMMIT) && !env.GIT_INDEX_FILE;
}

/** The scan reads the index (--staged, alone: see chooseSource), so readStagedDiff can run before planning. */
function readsIndex(args: ScanArgs, io: RunIO): boolean {
  const alone = [args.history, args.commitMsg, args.prePush, args.shard, args.sinceState].every((v) => v === undefined);
  return args.staged && alone && !(args.paths.length && frameworkOutsideCommit(io.env));
}

/** A test for repository-relative paths: at or under one of `paths` (relative to `cwd`). */
async function underPaths(cwd: string, paths: string[]): Promise<(p: string) => boolean> {
  const { repoRoot } = await import('../git/locateRepo.js');
  const root = repoRoot(cwd) ?? cwd;
  const wanted = paths.map((p) => path.resolve(cwd, p));
  return (p) => {
    const abs = path.resolve(root, p);
    return wanted.some((w) => abs === w || abs.startsWith(w + path.sep));
  };
}

/**
 * Where the fragments come from: the index (--staged; with paths, only their staged changes,
 * except under the pre-commit framework outside a commit, where the named files are scanned as
 * they are), history (--history, --pre-push), a commit message (--commit-msg), stdin for "-",
 * else the tree under the paths. Throws UsageError when sources are combined.
 */
export function chooseSource(args: ScanArgs, io: RunIO, plan: ScanPlan, staged?: StagedRead): FinishingSource {
  const gitModes = [
    args.staged && '--staged',
    args.history !== undefined && '--history',
    args.commitMsg !== undefined && '--commit-msg',
    args.prePush !== undefined && '--pre-push',
  ].filter(Boolean);
  if (gitModes.length > 1) throw new UsageError(`${gitModes.join(' and ')} cannot be combined`);
  if (gitModes.length && !args.staged && args.paths.length) throw new UsageError(`${gitModes[0]} takes no paths (got ${args.paths[0]})`);
  if (args.history === undefined && args.prePush === undefined) {
    for (const [flag, v] of [
      ['--since', args.since],
      ['--until', args.until],
      ['--branch', args.branch],
    ] as const) {
      if (v !== undefined) throw new UsageError(`${flag} only applies to --history`);
    }
  }
  if (args.shard !== undefined || args.sinceState !== undefined) return shardedSource(args, io, plan);
  if (readsIndex(args, io)) {
    const only = args.paths.length ? args.paths : undefined;
    return lazy(
      () => import('../sources/staged.js'),
      async function* (m, stats) {
        const keep = only ? await underPaths(io.cwd, only) : undefined;
        for await (const f of m.stagedFragments({ ...stagedOptions(args, io), ...(staged ? { read: staged } : {}) }, stats)) if (!keep || keep(f.path)) yield f;
      },
    );
  }
  if (args.commitMsg !== undefined) {
    const file = args.commitMsg;
    if (!file) throw new UsageError('--commit-msg needs the message file (git passes it to the commit-msg hook as $1)');
    return lazy(
      () => import('../sources/commitMsg.js'),
      (m, stats) => m.commitMsgFragments(file, io.cwd, stats),
    );
  }
  if (args.history !== undefined || args.prePush !== undefined) {
    const order = new Map<string, number>();
    let finish: ((r: ScanResult) => ScanResult) | undefined;
    const source: FragmentSource = lazy(
      () => import('../sources/history.js'),
      async function* (m, stats) {
        finish = (r) => m.keepIntroducing(r, order);
        let revs: string[] | undefined;
        if (args.prePush !== undefined) {
          if (!io.stdin) throw new UsageError('--pre-push reads the refs being pushed from standard input');
          revs = m.prePushRevs(await io.stdin(), args.prePush || 'origin');
        }
        yield* m.historyFragments(
          { cwd: io.cwd, range: args.history, branch: args.branch, since: args.since, until: args.until, revs, maxFileSize: args.maxFileSize },
          stats,
          order,
        );
        if (args.prePush === undefined) {
          const changes = await import('../sources/configChanges.js');
          const ends = await changes.rangeEnds(args.history, io.cwd);
          if (ends) yield* await changes.configChangeFindings(io.cwd, ends.base, ends.head);
        }
      },
    );
    source.finish = (r) => (finish ? finish(r) : r);
    return source;
  }
  if (args.paths.length === 1 && args.paths[0] === '-') return stdinSource(io);
  const specs = plan.rules.map((r) => r.spec);
  return lazy(
    () => import('../sources/tree.js'),
    (m, stats) => m.treeFragments({ paths: args.paths, cwd: io.cwd, noGit: !args.git, maxFileSize: args.maxFileSize }, stats, specs),
  );
}

/** `--shard` and `--since-state` sources (src/shard/shardSources.ts), loaded only when asked for. */
function shardedSource(args: ScanArgs, io: RunIO, plan: ScanPlan): FinishingSource {
  const history = args.history !== undefined;
  if (args.sinceState !== undefined && !history) throw new UsageError('--since-state only applies to --history');
  if (args.prePush !== undefined || args.staged || args.commitMsg !== undefined || (args.paths.length === 1 && args.paths[0] === '-')) {
    throw new UsageError('--shard and --since-state apply to --history and tree scans');
  }
  let inner: FinishingSource | undefined;
  const source: FinishingSource = async function* (stats) {
    const [m, { parseShard }] = await Promise.all([import('../shard/shardSources.js'), import('../shard/shardSpec.js')]);
    const shard = args.shard === undefined ? undefined : parseShard(args.shard);
    if (typeof shard === 'string') throw new UsageError(shard);
    inner = history ? m.selectedHistorySource(args, io, plan, shard) : m.shardedTreeSource(args, io, plan, shard!);
    yield* inner(stats);
  };
  source.finish = (r) => (inner?.finish ? inner.finish(r) : r);
  source.delivered = () => inner?.delivered?.();
  return source;
}

function stagedOptions(args: ScanArgs, io: RunIO): StagedOptions {
  return { cwd: io.cwd, env: io.env, maxFileSize: args.maxFileSize };
}

/** `keyfence scan`: plan, source, scan, report. */
export async function scanCommand(args: ScanArgs, io: RunIO): Promise<RunResult> {
  const startedAt = new Date();
  // Report files that cannot be written are found before the scan, not after it.
  if (args.output !== undefined || args.report?.length) {
    const [{ reportTargets }, { checkReportPath }] = await Promise.all([import('./reportTargets.js'), import('./reportFile.js')]);
    for (const t of reportTargets(args, io.cwd)) if (t.path !== undefined) await checkReportPath(path.resolve(io.cwd, t.path), t.path);
  }
  // The hook's staged diff runs first: its git process also reads the git-secrets setup the plan needs.
  const staged = readsIndex(args, io) ? (await import('../sources/staged.js')).readStagedDiff(stagedOptions(args, io)) : undefined;
  const plan = await planScan(args, io, true, staged?.secrets);
  // Verification loads only when asked (a hook never pays for it); its environment is checked
  // before the scan, so a bad endpoint URL fails at once.
  const verifier = args.verify || args.onlyVerified ? await import('../verify/verifyResult.js') : undefined;
  verifier?.checkVerifyEnvironment(io.env);
  // Only a TTY's stderr gets a progress bar: hooks and CI never load it.
  const progress = !args.quiet && io.stderrIsTTY ? (await import('../progress.js')).startProgress(args, io) : undefined;
  const source = chooseSource(args, io, plan, staged);
  let result: ScanResult;
  try {
    result = await scan(source, plan.rules, plan.stages, progress?.update);
  } finally {
    progress?.stop();
  }
  // The exit code is the scan's: verification (and --only-verified) never changes it.
  const exitCode = result.findings.length ? (args.exitCode ?? EXIT.findings) : EXIT.clean;
  if (verifier) result = await verifier.verifyResult(result, io.env, args.onlyVerified === true);
  const delivered = await deliver(result, args, io, {
    rules: plan.rules.map((r) => r.spec),
    ...(plan.baselineApplied ? { baseline: plan.baselineApplied } : {}),
    startedAt,
    notes: plan.notes?.() ?? [],
  });
  delivered.exitCode = exitCode;
  source.delivered?.();
  return delivered;
}
