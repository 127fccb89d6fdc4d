import path from 'node:path';
import { UsageError } from './io.js';
import { FORMATS, type ScanArgs } from './scanOptions.js';
import { closest } from './strictArgs.js';

/** One report a scan writes: a format, to a file (`path`, as given) or to stdout (no path). */
export interface ReportTarget {
  format: string;
  path?: string;
}

/**
 * The reports one scan writes:
 *
 * - the `--format`/`--output` report, unless a `--report` goes to standard output and no
 *   `--output` is given (that `--report` is then the stdout report);
 * - one per `--report FORMAT[:PATH]` (PATH omitted: standard output).
 *
 * At most one report goes to standard output and no file is named twice (UsageError).
 */
export function reportTargets(args: Pick<ScanArgs, 'format' | 'output' | 'report'>, cwd: string): ReportTarget[] {
  const extra: ReportTarget[] = (args.report ?? []).map((spec) => {
    const colon = spec.indexOf(':');
    const [format, file] = colon === -1 ? [spec, undefined] : [spec.slice(0, colon), spec.slice(colon + 1)];
    if (spec === '') throw new UsageError(`--report needs FORMAT or FORMAT:PATH (formats: ${FORMATS.join(', ')})`);
    if (!(FORMATS as readonly string[]).includes(format)) {
      const guess = closest(format, FORMATS);
      throw new UsageError(`--report ${spec}: unknown format "${format}"${guess ? `; did you mean ${guess}?` : ''} (formats: ${FORMATS.join(', ')})`);
    }
    if (file === '') throw new UsageError(`--report ${spec}: no file after ":" (leave out ":" for standard output)`);
    return file === undefined ? { format } : { format, path: file };
  });
  const main: ReportTarget = args.output === undefined ? { format: args.format } : { format: args.format, path: args.output };
  const all = args.output === undefined && extra.some((t) => t.path === undefined) ? extra : [main, ...extra];
  if (all.filter((t) => t.path === undefined).length > 1) {
    throw new UsageError('only one report can go to standard output: give the others a file (--report FORMAT:PATH)');
  }
  const files = new Set<string>();
  for (const t of all) {
    if (t.path === undefined) continue;
    const abs = path.resolve(cwd, t.path);
    if (files.has(abs)) throw new UsageError(`two reports would be written to ${t.path}`);
    files.add(abs);
  }
  return all;
}
