import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConfiguredPlan } from '../config/configuredPlan.js';
import type { CompiledRule } from '../rules/compile.js';
import type { RuleSpec } from '../rules/spec.js';
import { scan, type AllowStage, type Detected, type FragmentSource } from '../scan.js';
import type { Fragment, ScanResult, ScanStats } from '../types.js';
import { EXIT, UsageError, type RunIO, type RunResult } from './io.js';
import { onlyProviders, type ScanArgs } from './scanOptions.js';
import { version } from './run.js';

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

/** The stderr lines about how a scan went: its notes and every skipped file, with the reason. */
export function statsNotes(result: ScanResult): string {
  let out = '';
  for (const note of result.stats.notes ?? []) out += `keyfence: note: ${note}\n`;
  for (const s of result.stats.skipped) out += `keyfence: skipped ${s.path}: ${s.reason}\n`;
  return out;
}

/**
 * Writes the report where asked and chooses the exit code: 1 when anything is found. `rules`
 * (the rules that ran) lets reports describe them (SARIF, help text).
 */
export async function deliver(result: ScanResult, args: ScanArgs, io: RunIO, rules: readonly RuleSpec[]): Promise<RunResult> {
  const toFile = args.output !== undefined;
  const exitCode = result.findings.length ? EXIT.findings : EXIT.clean;
  let stderr = args.quiet ? '' : statsNotes(result);
  // --quiet and clean: a text report would be thrown away (every commit's hook takes this path).
  if (!toFile && args.quiet && args.format === 'text' && result.findings.length === 0) return { exitCode, stdout: '', stderr };
  // Reporters load only when a report is rendered (not on a quiet, clean hook run).
  const [{ renderReport }, { redactResult }] = await Promise.all([import('../report/index.js'), import('../report/redact.js')]);
  const report = await renderReport(args.format, args.redact ? redactResult(result) : result, {
    color: !toFile && useColor(args, io, io.stdoutIsTTY),
    rules,
    version: version(),
    redacted: args.redact,
  });
  if (!toFile) return { exitCode, stdout: report, stderr };
  try {
    await writeFile(path.resolve(io.cwd, args.output!), report);
  } catch (err) {
    throw new UsageError(`cannot write report to ${args.output}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!args.quiet || result.findings.length) {
    const { summaryLine } = await import('../report/summary.js');
    stderr += `${summaryLine(result)}\n`;
  }
  return { exitCode, stdout: '', stderr };
}

/** What a scan runs: the rules and the allow stages, from the built-ins and the config. */
export interface ScanPlan {
  rules: CompiledRule[];
  stages: AllowStage[];
  /** Notes for stderr after the scan (unless --quiet). */
  notes?: () => string[];
}

/**
 * The rules and allow stages for this scan: the built-ins, the config (.keyfence.json at the
 * repo root, or the scan root outside git, or --config), .gitallowed, --baseline and inline
 * comments (unless --no-inline-allow), and the repository's git-secrets setup. `useBaseline`
 * false (`keyfence baseline`) leaves the baseline out, so recorded findings do not hide
 * themselves. See src/config/configuredPlan.ts.
 */
export async function planScan(args: ScanArgs, io: RunIO, useBaseline = true): Promise<ConfiguredPlan> {
  // A repository's git-secrets setup (secrets.patterns as rules, secrets.allowed as an allow
  // stage): its `git config` read runs while the config loads; the drop-in's modules load only
  // when there is something to apply.
  const secrets = args.git ? import('../gitsecrets/secretsConfig.js').then((m) => m.readSecretsConfig(io.cwd, io.env)) : undefined;
  const { configuredPlan } = await import('../config/configuredPlan.js');
  const plan = await configuredPlan({ cwd: io.cwd, paths: args.paths, config: args.config, baseline: args.baseline, inlineAllow: args.inlineAllow !== false, useBaseline, only: onlyProviders(args.only) });
  const cfg = await secrets;
  if (cfg && (cfg.patterns.length || cfg.allowed.length)) (await import('../gitsecrets/setup.js')).addGitSecretsSetup(plan, cfg);
  return plan;
}

/** A source that also reworks the scan's result once every fragment is scanned (history dedupe). */
type FinishingSource = FragmentSource & { finish?: (result: ScanResult) => ScanResult };

/** Sources are loaded on demand so the pre-commit path never loads the tree walker (fast-glob). */
function lazy<M>(load: () => Promise<M>, fragments: (m: M, stats: ScanStats) => AsyncIterable<Fragment | Detected>): FragmentSource {
  return async function* (stats) {
    yield* fragments(await load(), stats);
  };
}

/**
 * Where the fragments come from: the index (--staged), history (--history, --pre-push), a commit
 * message (--commit-msg), stdin for "-", else the tree under the paths. Throws UsageError when
 * sources are combined.
 */
export function chooseSource(args: ScanArgs, io: RunIO, plan: ScanPlan): FinishingSource {
  const gitModes = [args.staged && '--staged', args.history !== undefined && '--history', args.commitMsg !== undefined && '--commit-msg', args.prePush !== undefined && '--pre-push'].filter(Boolean);
  if (gitModes.length > 1) throw new UsageError(`${gitModes.join(' and ')} cannot be combined`);
  if (gitModes.length && args.paths.length) throw new UsageError(`${gitModes[0]} takes no paths (got ${args.paths[0]})`);
  if (args.history === undefined && args.prePush === undefined) {
    for (const [flag, v] of [['--since', args.since], ['--until', args.until], ['--branch', args.branch]] as const) {
      if (v !== undefined) throw new UsageError(`${flag} only applies to --history`);
    }
  }
  if (args.staged) return lazy(() => import('../sources/staged.js'), (m, stats) => m.stagedFragments({ cwd: io.cwd, env: io.env }, stats));
  if (args.commitMsg !== undefined) {
    const file = args.commitMsg;
    if (!file) throw new UsageError('--commit-msg needs the message file (git passes it to the commit-msg hook as $1)');
    return lazy(() => import('../sources/commitMsg.js'), (m, stats) => m.commitMsgFragments(file, io.cwd, stats));
  }
  if (args.history !== undefined || args.prePush !== undefined) {
    const order = new Map<string, number>();
    let finish: ((r: ScanResult) => ScanResult) | undefined;
    const source: FinishingSource = lazy(() => import('../sources/history.js'), async function* (m, stats) {
      finish = (r) => m.keepIntroducing(r, order);
      let revs: string[] | undefined;
      if (args.prePush !== undefined) {
        if (!io.stdin) throw new UsageError('--pre-push reads the refs being pushed from standard input');
        revs = m.prePushRevs(await io.stdin(), args.prePush || 'origin');
      }
      yield* m.historyFragments({ cwd: io.cwd, range: args.history, branch: args.branch, since: args.since, until: args.until, revs }, stats, order);
    });
    source.finish = (r) => (finish ? finish(r) : r);
    return source;
  }
  if (args.paths.length === 1 && args.paths[0] === '-') return stdinSource(io);
  const specs = plan.rules.map((r) => r.spec);
  return lazy(() => import('../sources/tree.js'), (m, stats) => m.treeFragments({ paths: args.paths, cwd: io.cwd, noGit: !args.git, maxFileSize: args.maxFileSize }, stats, specs));
}

/** `keyfence scan`: plan, source, scan, report. */
export async function scanCommand(args: ScanArgs, io: RunIO): Promise<RunResult> {
  const plan = await planScan(args, io);
  // Only a TTY's stderr gets a progress bar: hooks and CI never load it.
  const progress = !args.quiet && io.stderrIsTTY ? (await import('../progress.js')).startProgress(args, io) : undefined;
  const source = chooseSource(args, io, plan);
  let result: ScanResult;
  try {
    result = await scan(source, plan.rules, plan.stages, progress?.update);
  } finally {
    progress?.stop();
  }
  if (source.finish) result = source.finish(result);
  const delivered = await deliver(result, args, io, plan.rules.map((r) => r.spec));
  if (!args.quiet) for (const note of plan.notes?.() ?? []) delivered.stderr += `keyfence: ${note}\n`;
  return delivered;
}
