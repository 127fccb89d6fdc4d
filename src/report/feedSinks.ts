import type { ScanResult } from '../types.js';
import type { ReportSink } from './sink.js';

/** Where one report goes: a writer that consumes the report's pieces as they come (a file, a stream, a string). */
export type ReportWriter = (chunks: AsyncIterable<string>) => Promise<void>;

/** Pieces waiting for a writer, taken in order; `put` waits until the writer has taken them all. */
interface Channel {
  put(pieces: Iterable<string>): Promise<void>;
  /** No more pieces: resolves when the writer is done; rejects with the writer's error. */
  close(): Promise<void>;
}

function channel(write: ReportWriter): Channel {
  const queue: string[] = [];
  let ended = false;
  let closed = false; // the writer stopped taking pieces (done or failed)
  let wakeWriter: (() => void) | undefined;
  let wakeFeeder: (() => void) | undefined;
  const wake = (which: 'writer' | 'feeder') => {
    const fn = which === 'writer' ? wakeWriter : wakeFeeder;
    if (which === 'writer') wakeWriter = undefined;
    else wakeFeeder = undefined;
    fn?.();
  };
  async function* pieces(): AsyncGenerator<string> {
    try {
      for (;;) {
        const next = queue.shift();
        if (next !== undefined) {
          if (queue.length === 0) wake('feeder');
          yield next;
        } else if (ended) {
          return;
        } else {
          await new Promise<void>((resolve) => (wakeWriter = resolve));
        }
      }
    } finally {
      closed = true;
      wake('feeder');
    }
  }
  let failure: { err: unknown } | undefined;
  const done = write(pieces())
    .catch((err: unknown) => {
      failure = { err };
    })
    .finally(() => {
      closed = true;
      wake('feeder');
    });
  return {
    async put(more) {
      if (closed) return; // a failed writer: its error comes out of close()
      for (const p of more) if (p) queue.push(p);
      if (!queue.length) return;
      const taken = new Promise<void>((resolve) => (wakeFeeder = resolve));
      wake('writer');
      await taken;
    },
    async close() {
      ended = true;
      wake('writer');
      await done;
      if (failure) throw failure.err;
    },
  };
}

/**
 * One result fed to several reports in one pass: each sink gets begin, every finding, every
 * suppressed finding and end (the order ReportSink states), and what it returns goes to its
 * writer as it is produced. A writer that is slower than the others holds the pass back (each
 * piece is taken before the next finding is fed), so no report piles up in memory. Every writer
 * runs to the end even when another fails; then the first failure (in `outputs` order) is thrown.
 */
export async function feedSinks(result: ScanResult, outputs: readonly { sink: ReportSink; write: ReportWriter }[]): Promise<void> {
  const channels = outputs.map((o) => channel(o.write));
  const all = (pieces: (sink: ReportSink) => Iterable<string>) => Promise.all(channels.map((c, i) => c.put(pieces(outputs[i]!.sink))));
  await all((s) => s.begin());
  for (const f of result.findings) await all((s) => s.finding(f));
  for (const f of result.suppressed) await all((s) => s.suppressed(f));
  await all((s) => s.end(result));
  const settled = await Promise.allSettled(channels.map((c) => c.close()));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}
