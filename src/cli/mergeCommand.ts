import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RuleSpec } from '../rules/spec.js';
import { EXIT, InputError, type RunIO, type RunResult } from './io.js';
import { version } from './run.js';
import { useColor } from './scanCommand.js';

export interface MergeArgs {
  /** Shard report files (`scan --shard K/N --format json --output FILE`), relative to cwd. */
  reports: string[];
  format: string;
  output?: string;
  quiet: boolean;
  color?: boolean;
}

/**
 * `keyfence merge REPORT…`: reads shard reports, checks they are every shard of their scans,
 * made by one keyfence with one rule set (src/shard/mergeReports.ts), and writes the merged
 * result in any format, to stdout or --output. The findings are as the shards wrote them
 * (redacted unless they were scanned with --no-redact): nothing is redacted twice. Exit 1 when
 * anything is found, 0 when clean, 2 (one line naming the file) for any bad input: never a
 * partial result.
 */
export async function mergeCommand(args: MergeArgs, io: RunIO): Promise<RunResult> {
  const { parseShardReport, mergeShardReports } = await import('../shard/mergeReports.js');
  const reports = await Promise.all(
    args.reports.map(async (file) => {
      let text: string;
      try {
        text = await readFile(path.resolve(io.cwd, file), 'utf8');
      } catch (err) {
        throw new InputError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      return parseShardReport(text, file);
    }),
  );
  const { result, rules, redacted } = mergeShardReports(reports);
  const { renderReport } = await import('../report/index.js');
  const toFile = args.output !== undefined;
  const report = await renderReport(args.format, result, {
    color: !toFile && useColor(args, io, io.stdoutIsTTY),
    rules: rules.map((r) => ({ ...r, pattern: '' }) as RuleSpec),
    version: version(),
    redacted,
  });
  const exitCode = result.findings.length ? EXIT.findings : EXIT.clean;
  if (!toFile) return { exitCode, stdout: report, stderr: '' };
  const { writeReportFile } = await import('./reportFile.js');
  await writeReportFile(path.resolve(io.cwd, args.output!), args.output!, [report], { cwd: io.cwd, secretsInClear: !redacted });
  const { summaryLine } = await import('../report/summary.js');
  const shards = `merged ${reports.length} shard report${reports.length === 1 ? '' : 's'}`;
  return { exitCode, stdout: '', stderr: args.quiet && !result.findings.length ? '' : `${summaryLine(result)}; ${shards}\n` };
}
