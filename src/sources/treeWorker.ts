import { parentPort, workerData } from 'node:worker_threads';
import { detectFragment } from '../detect/detector.js';
import { standInSafe } from '../detect/standIn.js';
import { compileRule } from '../rules/compile.js';
import type { RuleSpec } from '../rules/spec.js';
import type { Detected } from '../scan.js';
import { emptyStats } from '../scan.js';
import type { Finding, Fragment, ScanStats } from '../types.js';
import { readFragment } from './readFragment.js';
import type { Listed } from './tree.js';

export interface WorkerTask {
  files: Listed[];
  maxFileSize: number;
  /** Text to read of this batch before giving the rest back (BATCH_BYTES). */
  batchBytes: number;
}

export interface WorkerReply {
  detected: Detected[];
  stats: Omit<ScanStats, 'durationMs'>;
  /** The batch's files left unread: it had read `batchBytes` already (the pool hands them out again). */
  returned?: Listed[];
}

/**
 * The lines the allow stages read for these findings (each finding's line and the one before
 * it, whole: a `.gitallowed` pattern anchored at the line's start or an inline marker at the far
 * end of a minified line must see the line as the single-threaded scan does), as one small
 * fragment whose `lineNumbers` say which file lines it holds. One per file, however many
 * findings share a line, so a long line crosses the thread boundary once.
 */
function contextOf(fragment: Fragment, findings: readonly Finding[]): Fragment {
  const wanted = new Set<number>();
  for (const f of findings) {
    if (f.line > fragment.startLine) wanted.add(f.line - 1);
    wanted.add(f.line);
  }
  const numbers = [...wanted].sort((a, b) => a - b);
  const lines = fragment.text.split('\n', numbers.at(-1)! - fragment.startLine + 1);
  const text = numbers.map((n) => lines[n - fragment.startLine] ?? '').join('\n');
  const ctx: Fragment = { text, path: fragment.path, startLine: numbers[0]!, lineNumbers: numbers };
  if (fragment.encoding) ctx.encoding = fragment.encoding;
  return ctx;
}

if (parentPort) {
  const port = parentPort;
  const specs = (workerData as { rules: RuleSpec[] }).rules;
  const rules = specs.map(compileRule);
  const standIns = specs.every(standInSafe);
  // Ready: the pool feeds this worker its first batch on this (empty) reply.
  const { durationMs: _d, ...none } = emptyStats();
  port.postMessage({ detected: [], stats: none } satisfies WorkerReply);
  port.on('message', (task: WorkerTask) => {
    const stats = emptyStats();
    const detected: Detected[] = [];
    let done = 0;
    for (const f of task.files) {
      if (stats.bytesScanned >= task.batchBytes) break;
      done++;
      const read = readFragment(f, task.maxFileSize, stats, standIns);
      if (!read) continue;
      const { fragment, findings } = detectFragment(read, rules);
      if (findings.length) detected.push({ fragment: contextOf(fragment, findings), findings });
    }
    const { durationMs: _, ...rest } = stats;
    const reply: WorkerReply = { detected, stats: rest };
    if (done < task.files.length) reply.returned = task.files.slice(done);
    port.postMessage(reply);
  });
}
