import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { standInSafe } from '../detect/standIn.js';
import type { RuleSpec } from '../rules/spec.js';
import type { Detected } from '../scan.js';
import type { Fragment, ScanStats } from '../types.js';
import { readFragment } from './readFragment.js';
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
 * Text a worker reads of one batch before it gives the rest back: a batch is a number of files
 * (sizes are not known when listing), and 64 of the largest (a package's bundles) held 79 MB,
 * which one worker scanned alone for the last third of a 600 MB audit.
 */
export const BATCH_BYTES = 4 << 20;

/**
 * A worker's young generation (V8's default is 48 MB: two 16 MB semi-spaces and room for large
 * objects): as `node --max-semi-space-size=4` would make it. A worker's garbage is a file's
 * text and the pieces scanned out of it; with a smaller young generation it is collected
 * sooner. Measured on the 600 MB audit (2-core VM, 5 runs each): peak RSS 248 → 221 MB
 * (median), the same wall and CPU time. (The main thread's cannot be set once Node runs.)
 */
const WORKER_YOUNG_MB = 12;

/** Batches a worker holds at once: it starts the next while this thread handles its reply. */
const IN_FLIGHT = 2;

/**
 * Listed files that must wait, not handed out, before this thread reads any while workers run:
 * two batches per worker's worth. Below it, the listing (which this thread runs) is what keeps
 * the workers busy, and reading here would starve them (a quarter of a worker's time in a
 * 600 MB audit, while this thread alternated reading and listing).
 */
const MAIN_BACKLOG = 4 * BATCH;

/** Files this thread reads between two turns of the event loop (which feed the workers). */
const LOCAL_BATCH = 16;
/**
 * …or this many bytes, whichever comes first: a worker that answered meanwhile waits for its
 * next batch only as long as this thread takes to scan them (with whole-file counts alone, a
 * run of large bundles kept the worker idle a quarter of a 600 MB audit).
 */
const LOCAL_BYTES = 1 << 20;

/**
 * Reads and scans `files`, yielding plain fragments for what this thread reads (the caller
 * detects in them) and findings already detected for what worker threads read. This thread
 * reads files in listing order until it has read `startBytes` with files still waiting; then
 * worker threads start (one per core beyond this one, at most 3) and, as each becomes ready,
 * take batches of BATCH files (smaller once the listing has ended; a worker gives back what it
 * did not read of a batch past `batchBytes`, to be handed out first), while this thread keeps
 * reading LOCAL_BATCH files at a time between their replies while files wait beyond
 * MAIN_BACKLOG, so no start-up time is lost waiting and the listing keeps ahead of the workers.
 * Bytes in flight stay bounded: a worker holds IN_FLIGHT batches, reads one file at a time and
 * sends back only findings with their context lines. `stats.filesTotal` is set when the
 * listing ends. A worker that dies, or the listing failing, fails the scan with its error
 * rather than silently dropping files.
 */
export async function* scanInWorkers(
  files: AsyncIterable<Listed>,
  rules: readonly RuleSpec[],
  maxFileSize: number,
  stats: ScanStats,
  startBytes = 0,
  batchBytes = BATCH_BYTES,
): AsyncGenerator<Fragment | Detected> {
  const count = Math.max(1, Math.min(3, availableParallelism() - 1));
  const standIns = rules.every(standInSafe);
  const queue: Detected[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let running = 0;
  const listed: Listed[] = [];
  let listingDone = false;
  let next = 0;
  const workers: Worker[] = [];
  /** Ready workers waiting for a batch while the listing goes on. */
  const idle: Worker[] = [];
  /** Started workers that have not said they are ready yet. */
  const starting = new Set<Worker>();
  /** Workers told to stop: a message they had already sent is ignored. */
  const stopped = new Set<Worker>();
  const stop = (w: Worker) => {
    stopped.add(w);
    void w.terminate();
    running--;
    notify();
  };
  const notify = () => {
    wake?.();
    wake = undefined;
  };

  /** Batches sent to each worker and not answered yet: two, so a worker never waits for this thread. */
  const inFlight = new Map<Worker, number>();
  const feed = (w: Worker) => {
    for (;;) {
      const sent = inFlight.get(w) ?? 0;
      if (next >= listed.length && listingDone) {
        if (sent === 0) stop(w);
        return;
      }
      if (sent >= IN_FLIGHT) return;
      if (listed.length - next < BATCH && !listingDone) {
        if (!idle.includes(w)) idle.push(w);
        return;
      }
      // Once the listing has ended, batches shrink with what is left, so the threads finish
      // together instead of one working through its last two full batches alone.
      const size = listingDone ? Math.min(BATCH, Math.ceil((listed.length - next) / (2 * IN_FLIGHT * (workers.length + 1)))) : BATCH;
      const task: WorkerTask = { files: listed.slice(next, next + size), maxFileSize, batchBytes };
      next += size;
      inFlight.set(w, sent + 1);
      w.postMessage(task);
    }
  };
  const feedIdle = () => {
    while (idle.length && (listed.length - next >= BATCH || listingDone)) feed(idle.pop()!);
  };
  const start = () => {
    for (let i = 0; i < count; i++) {
      const w = new Worker(WORKER, { workerData: { rules, ...SOURCE_DATA }, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
      workers.push(w);
      starting.add(w);
      running++;
      // The first message says the worker is ready (rules compiled), with nothing scanned.
      w.on('message', (reply: WorkerReply) => {
        if (stopped.has(w)) return;
        // The first message only says the worker is ready; every other one answers a batch.
        if (!starting.delete(w)) inFlight.set(w, inFlight.get(w)! - 1);
        stats.filesScanned += reply.stats.filesScanned;
        stats.bytesScanned += reply.stats.bytesScanned;
        stats.binarySkipped += reply.stats.binarySkipped;
        stats.skipped.push(...reply.stats.skipped);
        queue.push(...reply.detected);
        // Files of a batch past its bytes come back to be handed out first (BATCH_BYTES).
        if (reply.returned) listed.splice(next, 0, ...reply.returned);
        notify();
        feed(w);
      });
      w.on('error', (err) => {
        failure = err;
        notify();
      });
    }
  };

  let total = 0;
  const listing = (async () => {
    try {
      for await (const f of files) {
        total++;
        listed.push(f);
        const waiting = listed.length - next;
        if (idle.length && waiting >= BATCH) feedIdle();
        else if (waiting === 1 || waiting === MAIN_BACKLOG + 1) notify();
      }
    } catch (err) {
      failure = err as Error;
    }
    stats.filesTotal = total;
    listingDone = true;
    feedIdle();
    notify();
  })();

  let localBytes = 0;
  try {
    for (;;) {
      if (failure) throw failure;
      if (queue.length) {
        yield queue.shift()!;
        continue;
      }
      // This thread reads only while no worker is ready, or files wait beyond what the workers
      // are about to take, or the listing has ended: when the listing (which this thread runs)
      // is what holds the workers back, it runs instead.
      const waiting = listed.length - next;
      if (waiting > 0 && (listingDone || waiting > MAIN_BACKLOG || starting.size === workers.length)) {
        // This thread's share: a few files (or one large one), then a turn of the event loop
        // for worker replies.
        const end = Math.min(listed.length, next + LOCAL_BATCH);
        const turnFrom = localBytes;
        while (next < end && localBytes - turnFrom < LOCAL_BYTES) {
          const before = stats.bytesScanned;
          const fragment = readFragment(listed[next++]!, maxFileSize, stats, standIns);
          localBytes += stats.bytesScanned - before;
          if (fragment) yield fragment;
        }
        if (workers.length === 0 && localBytes >= startBytes && (next < listed.length || !listingDone)) start();
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      if (listingDone) {
        // Nothing left to hand out: a worker still starting would only be waited for.
        for (const w of starting) stop(w);
        starting.clear();
        if (running === 0) break;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    if (failure) throw failure;
  } finally {
    for (const w of workers) void w.terminate();
    void listing; // never rejects; an early stop leaves the walk to end on its own
  }
}
