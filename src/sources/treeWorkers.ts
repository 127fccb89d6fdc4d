import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { RuleSpec } from '../rules/spec.js';
import type { Detected } from '../scan.js';
import type { ScanStats } from '../types.js';
import type { Listed } from './tree.js';
import type { WorkerReply, WorkerTask } from './treeWorker.js';

/** Files handed to a worker at a time: big enough to amortise messages, small enough to balance. */
const BATCH = 64;

/**
 * The worker module beside this one: dist/sources/treeWorker.js when built. Run from the
 * TypeScript sources (tests), this module is a .ts file and so is its worker, which a worker
 * thread starts through tsWorker.mjs, so tests never run a stale build.
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER = fileURLToPath(new URL(FROM_SOURCE ? './tsWorker.mjs' : './treeWorker.js', import.meta.url));
const SOURCE_DATA = FROM_SOURCE ? { tsModule: new URL('./treeWorker.ts', import.meta.url).href } : {};

/**
 * Reads and scans `files` in worker threads (one per core, at most 4), yielding each file's
 * findings as they come. The workers start at once and take batches while `files` is still
 * being listed; `stats.filesTotal` is set when it ends. Stats from the workers are added into
 * `stats`. A worker that dies, or the listing failing, fails the scan with its error rather
 * than silently dropping files.
 */
export async function* scanInWorkers(files: AsyncIterable<Listed>, rules: readonly RuleSpec[], maxFileSize: number, stats: ScanStats): AsyncGenerator<Detected> {
  const count = Math.min(4, availableParallelism());
  const queue: Detected[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let running = count;
  const listed: Listed[] = [];
  let listingDone = false;
  let next = 0;
  const workers: Worker[] = [];
  /** Workers waiting for a batch while the listing goes on. */
  const idle: Worker[] = [];
  const notify = () => { wake?.(); wake = undefined; };

  const feed = (w: Worker) => {
    if (next >= listed.length && listingDone) {
      void w.terminate();
      running--;
      notify();
      return;
    }
    if (listed.length - next < BATCH && !listingDone) {
      idle.push(w);
      return;
    }
    const task: WorkerTask = { files: listed.slice(next, next + BATCH), maxFileSize };
    next += BATCH;
    w.postMessage(task);
  };
  const feedIdle = () => {
    while (idle.length && (listed.length - next >= BATCH || listingDone)) feed(idle.pop()!);
  };

  for (let i = 0; i < count; i++) {
    const w = new Worker(WORKER, { workerData: { rules, ...SOURCE_DATA } });
    workers.push(w);
    w.on('message', (reply: WorkerReply) => {
      stats.filesScanned += reply.stats.filesScanned;
      stats.bytesScanned += reply.stats.bytesScanned;
      stats.binarySkipped += reply.stats.binarySkipped;
      stats.skipped.push(...reply.stats.skipped);
      queue.push(...reply.detected);
      notify();
      feed(w);
    });
    w.on('error', (err) => {
      failure = err;
      notify();
    });
    idle.push(w);
  }

  const listing = (async () => {
    try {
      for await (const f of files) {
        listed.push(f);
        if (idle.length && listed.length - next >= BATCH) feedIdle();
      }
    } catch (err) {
      failure = err as Error;
    }
    stats.filesTotal = listed.length;
    listingDone = true;
    feedIdle();
    notify();
  })();

  try {
    while (running > 0 || queue.length) {
      if (failure) throw failure;
      if (queue.length) yield queue.shift()!;
      else await new Promise<void>((resolve) => { wake = resolve; });
    }
    if (failure) throw failure;
  } finally {
    for (const w of workers) void w.terminate();
    void listing; // never rejects; an early stop leaves the walk to end on its own
  }
}
