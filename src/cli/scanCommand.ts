import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { redactResult } from '../report/redact.js';
import { renderReport } from '../report/index.js';
import type { CompiledRule } from '../rules/compile.js';
import type { RuleSpec } from '../rules/spec.js';
import { scan, type AllowStage, type FragmentSource } from '../scan.js';
import { treeFragments } from '../sources/tree.js';
import { startProgress } from '../progress.js';
import type { ScanResult } from '../types.js';
import { EXIT, UsageError, type RunIO, type RunResult } from './io.js';
import type { ScanArgs } from './scanOptions.js';
import { version } from './run.js';

/** Colors on a TTY unless NO_COLOR is set or --color/--no-color says otherwise. */
export function useColor(args: { color?: boolean }, io: RunIO, tty: boolean | undefined): boolean {
  if (args.color !== undefined) return args.color;
  return Boolean(tty) && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '');
}

function stdinSource(io: RunIO): FragmentSource {
  return async function* (stats) {
    if (!io.stdin) throw new UsageError('no standard input to read');
    const text = await io.stdin();
    stats.filesScanned++;
    stats.bytesScanned += Buffer.byteLength(text);
    yield { text, path: '(stdin)', startLine: 1 };
  };
}

/**
 * Writes the report where asked and chooses the exit code: 1 when anything is found. `rules`
 * (the rules that ran) lets reports describe them (SARIF, help text); without it they describe
 * the built-in rules.
 */
export async function deliver(result: ScanResult, args: ScanArgs, io: RunIO, rules?: readonly RuleSpec[]): Promise<RunResult> {
  const shown = args.redact ? redactResult(result) : result;
  const toFile = args.output !== undefined;
  const report = await renderReport(args.format, shown, {
    color: !toFile && useColor(args, io, io.stdoutIsTTY),
    rules: rules ?? (await import('../rules/load.js')).loadBuiltinRules(),
    version: version(),
    redacted: args.redact,
  });
  let stdout = '';
  let stderr = '';
  if (!args.quiet) for (const s of result.stats.skipped) stderr += `keyfence: skipped ${s.path}: ${s.reason}\n`;
  if (toFile) {
    try {
      await writeFile(path.resolve(io.cwd, args.output!), report);
    } catch (err) {
      throw new UsageError(`cannot write report to ${args.output}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (!args.quiet || result.findings.length) {
      const { summaryLine } = await import('../report/summary.js');
      stderr += `${summaryLine(result)}\n`;
    }
  } else if (!(args.quiet && args.format === 'text' && result.findings.length === 0)) {
    stdout = report;
  }
  return { exitCode: result.findings.length ? EXIT.findings : EXIT.clean, stdout, stderr };
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
 * comments (unless --no-inline-allow). See src/config/configuredPlan.ts.
 */
export async function planScan(args: ScanArgs, io: RunIO): Promise<ScanPlan> {
  const { configuredPlan } = await import('../config/configuredPlan.js');
  const plan = await configuredPlan({ cwd: io.cwd, paths: args.paths, config: args.config, baseline: args.baseline, inlineAllow: args.inlineAllow !== false });
  // A repository's git-secrets setup: secrets.patterns as rules, secrets.allowed as an allow stage.
  if (args.git) await (await import('../gitsecrets/setup.js')).addGitSecretsSetup(plan, io.cwd, io.env);
  return plan;
}

/** Where the fragments come from: stdin for "-", else the tree under the paths. */
export function chooseSource(args: ScanArgs, io: RunIO, plan: ScanPlan): FragmentSource {
  if (args.paths.length === 1 && args.paths[0] === '-') return stdinSource(io);
  const specs = plan.rules.map((r) => r.spec);
  return (stats) => treeFragments({ paths: args.paths, cwd: io.cwd, noGit: !args.git, maxFileSize: args.maxFileSize }, stats, specs);
}

/** `keyfence scan`: plan, source, scan, report. */
export async function scanCommand(args: ScanArgs, io: RunIO): Promise<RunResult> {
  const plan = await planScan(args, io);
  const progress = startProgress(args, io);
  let result: ScanResult;
  try {
    result = await scan(chooseSource(args, io, plan), plan.rules, plan.stages, progress?.update);
  } finally {
    progress?.stop();
  }
  const delivered = await deliver(result, args, io, plan.rules.map((r) => r.spec));
  if (!args.quiet) for (const note of plan.notes?.() ?? []) delivered.stderr += `keyfence: ${note}\n`;
  return delivered;
}
