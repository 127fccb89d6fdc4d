import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { detect, type TraceEvent } from '../detect/detector.js';
import { redactSecret } from '../report/redact.js';
import { emptyStats } from '../scan.js';
import { readFragment } from '../sources/tree.js';
import type { Finding, Suppression } from '../types.js';
import { EXIT, InputError, UsageError, type RunIO, type RunResult } from './io.js';

/** `PATH`, `PATH:LINE` or `PATH:FROM-TO`: the file and the lines asked about (all when absent). */
export function parseTarget(target: string, cwd: string): { file: string; from?: number; to?: number } {
  const m = /^(.*):(\d+)(?:-(\d+))?$/.exec(target);
  if (m && !existsSync(path.resolve(cwd, target))) {
    const from = Number(m[2]);
    const to = m[3] === undefined ? from : Number(m[3]);
    if (from < 1 || to < from) throw new UsageError(`explain: bad line range in ${JSON.stringify(target)} (want PATH:LINE or PATH:FROM-TO, lines from 1)`);
    return { file: m[1]!, from, to };
  }
  return { file: target };
}

/** Control characters shown as spaces: paths and reasons come from scanned content. */
const flat = (s: string): string => s.replace(/[\u0000-\u001f\u007f]/g, ' ');

/**
 * `keyfence explain PATH[:LINE]`: every candidate a rule saw in the file (on that line, or
 * lines FROM-TO), and what became of it: rejected by the detector (entropy, which gate, a rule
 * stopword or allow regex), allowed by an allow stage (inline comment, config allowlist,
 * .gitallowed, .gitleaksignore, baseline: the same stages `keyfence scan` runs, found the same
 * way), or reported. Secrets are redacted as in reports. Exits 1 when a candidate would be
 * reported, 0 when none would, 2 on errors.
 */
export async function explainCommand(target: string, io: RunIO, opts: { config?: string; baseline?: string } = {}): Promise<RunResult> {
  const { file, from, to } = parseTarget(target, io.cwd);
  const abs = path.resolve(io.cwd, file);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new InputError(`explain: ${flat(file)}: no such file`);
  const { configuredPlan } = await import('../config/configuredPlan.js');
  const plan = await configuredPlan({ cwd: io.cwd, paths: [file], config: opts.config, baseline: opts.baseline, inlineAllow: true });
  const rootRel = path.relative(plan.location.root, abs);
  const rel = (rootRel && !rootRel.startsWith('..') && !path.isAbsolute(rootRel) ? rootRel : path.basename(abs)).split(path.sep).join('/');
  const stats = emptyStats();
  const fragment = readFragment({ abs, rel }, Number.MAX_SAFE_INTEGER, stats);
  if (!fragment) throw new InputError(`explain: ${flat(file)}: ${stats.binarySkipped ? 'binary file, not scanned' : 'cannot read'}`);

  // A line past the end is a typo in the question, not a clean line: say so (exit 2).
  const lineCount = fragment.text === '' ? 0 : fragment.text.split('\n').length - (fragment.text.endsWith('\n') ? 1 : 0);
  if (from !== undefined && from > lineCount) {
    throw new UsageError(`explain: ${flat(target)}: past the end of the file (${lineCount} line${lineCount === 1 ? '' : 's'})`);
  }

  const events: TraceEvent[] = [];
  const findings = detect(fragment, plan.rules, (e) => events.push(e));
  const inRange = (line: number) => from === undefined || (line >= from && line <= to!);
  const findingAt = new Map<string, Finding>(findings.map((f) => [`${f.ruleId}:${f.line}:${f.column}`, f]));

  const out: string[] = [];
  let reported = 0;
  let allowed = 0;
  let rejected = 0;
  const shown = events.filter((e) => inRange(e.line)).sort((a, b) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
  for (const e of shown) {
    const decoded = e.decodedFrom ? `  (decoded from ${e.decodedFrom})` : '';
    out.push(
      `${flat(rel)}:${e.line}:${e.column}  ${e.ruleId}${e.form === 'near' ? ' (unnamed, next to its pair)' : ''}  ${flat(redactSecret(e.secret))}${decoded}`,
    );
    out.push(`    entropy ${e.entropy.toFixed(2)}${e.minEntropy > 0 ? ` (minimum ${e.minEntropy})` : ''}`);
    if (e.verdict === 'found') {
      const finding = findingAt.get(`${e.ruleId}:${e.line}:${e.column}`);
      let by: Suppression | null = null;
      if (finding) for (const stage of plan.stages) if ((by = stage(finding, fragment))) break;
      if (by) {
        allowed++;
        out.push(`    allowed by ${by.stage}: ${flat(by.reason)}`);
      } else {
        reported++;
        out.push("    REPORTED: passed entropy, gates, the rule's allow list and every allow stage");
      }
    } else {
      rejected++;
      out.push(`    rejected (${e.verdict}): ${flat(e.reason)}`);
    }
  }
  const where = from === undefined ? flat(rel) : `${flat(rel)}:${from}${to !== from ? `-${to}` : ''}`;
  const total = reported + allowed + rejected;
  out.push(
    total === 0
      ? `keyfence explain: no candidate on ${where}: no rule's pattern matched there`
      : `keyfence explain: ${total} candidate${total === 1 ? '' : 's'} on ${where}: ${reported} reported, ${allowed} allowed, ${rejected} rejected`,
  );
  return { exitCode: reported ? EXIT.findings : EXIT.clean, stdout: `${out.join('\n')}\n`, stderr: '' };
}
