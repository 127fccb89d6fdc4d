import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadBuiltinRules, selectRules } from '../rules/load.js';
import { redactResult } from '../report/redact.js';
import { renderReport } from '../report/index.js';
import type { CompiledRule } from '../rules/compile.js';
import { scan, type AllowStage, type FragmentSource } from '../scan.js';
import { treeFragments } from '../sources/tree.js';
import type { ScanResult } from '../types.js';
import { EXIT, UsageError, type RunIO, type RunResult } from './io.js';
import type { ScanArgs } from './scanOptions.js';

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

/** Writes the report where asked and chooses the exit code: 1 when anything is found. */
export async function deliver(result: ScanResult, args: ScanArgs, io: RunIO): Promise<RunResult> {
  const shown = args.redact ? redactResult(result) : result;
  const toFile = args.output !== undefined;
  const report = await renderReport(args.format, shown, { color: !toFile && useColor(args, io, io.stdoutIsTTY) });
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
}

/** The rules and allow stages for this scan. */
export async function planScan(args: ScanArgs, io: RunIO): Promise<ScanPlan> {
  const plan: ScanPlan = { rules: selectRules(loadBuiltinRules()), stages: [] };
  // A repository's git-secrets setup: secrets.patterns as rules, secrets.allowed and .gitallowed as allow stages.
  if (args.git) await (await import('../gitsecrets/setup.js')).addGitSecretsSetup(plan, io.cwd, io.env);
  return plan;
}

/** Where the fragments come from: stdin for "-", else the tree under the paths. */
export function chooseSource(args: ScanArgs, io: RunIO): FragmentSource {
  if (args.paths.length === 1 && args.paths[0] === '-') return stdinSource(io);
  return (stats) => treeFragments({ paths: args.paths, cwd: io.cwd, noGit: !args.git, maxFileSize: args.maxFileSize }, stats);
}

/** `keyfence scan`: plan, source, scan, report. */
export async function scanCommand(args: ScanArgs, io: RunIO): Promise<RunResult> {
  const plan = await planScan(args, io);
  const result = await scan(chooseSource(args, io), plan.rules, plan.stages);
  return deliver(result, args, io);
}
