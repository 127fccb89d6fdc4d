import { parentPort, workerData } from 'node:worker_threads';
import { detect } from '../detect/detector.js';
import { compileRule } from '../rules/compile.js';
import type { RuleSpec } from '../rules/spec.js';
import type { Detected } from '../scan.js';
import { emptyStats } from '../scan.js';
import type { Fragment, ScanStats } from '../types.js';
import { readFragment } from './readFragment.js';
import type { Listed } from './tree.js';

export interface WorkerTask {
  files: Listed[];
  maxFileSize: number;
}

export interface WorkerReply {
  detected: Detected[];
  stats: Omit<ScanStats, 'durationMs'>;
}

/** Context lines longer than this (minified bundles) are cut to a window around the secret. */
const CONTEXT_MAX = 64 * 1024;

/** The finding's line and the one before it, as a small fragment for the allow stages. */
function contextOf(fragment: Fragment, line: number, column: number): Fragment {
  const lines = fragment.text.split('\n', line);
  const cut = (s: string, around: number) =>
    s.length <= CONTEXT_MAX ? s : s.slice(Math.max(0, around - CONTEXT_MAX / 2), around + CONTEXT_MAX / 2);
  const first = Math.max(1, line - 1);
  const text = lines.slice(first - 1, line).map((s, i) => cut(s, first + i === line ? column : s.length)).join('\n');
  const ctx: Fragment = { text, path: fragment.path, startLine: first };
  if (fragment.encoding) ctx.encoding = fragment.encoding;
  return ctx;
}

if (parentPort) {
  const port = parentPort;
  const rules = (workerData as { rules: RuleSpec[] }).rules.map(compileRule);
  // Ready: the pool feeds this worker its first batch on this (empty) reply.
  const { durationMs: _d, ...none } = emptyStats();
  port.postMessage({ detected: [], stats: none } satisfies WorkerReply);
  port.on('message', (task: WorkerTask) => {
    const stats = emptyStats();
    const detected: Detected[] = [];
    for (const f of task.files) {
      const fragment = readFragment(f, task.maxFileSize, stats);
      if (!fragment) continue;
      for (const finding of detect(fragment, rules)) {
        detected.push({ fragment: contextOf(fragment, finding.line, finding.column), findings: [finding] });
      }
    }
    const { durationMs: _, ...rest } = stats;
    port.postMessage({ detected, stats: rest } satisfies WorkerReply);
  });
}
