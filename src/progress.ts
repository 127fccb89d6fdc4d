import type { RunIO } from './cli/io.js';
import type { ScanStats } from './types.js';

/** A scan's progress display: fed the live stats after each fragment, stopped at the end. */
export interface Progress {
  update: (stats: Readonly<ScanStats>) => void;
  /** Removes the bar (if one was shown). Safe to call more than once. */
  stop: () => void;
}

export interface ProgressOptions {
  /** Where the bar is drawn (the CLI's stderr); it must be a TTY. */
  stream: NodeJS.WritableStream;
  /** Show nothing for scans shorter than this (default 1000 ms). */
  delayMs?: number;
  /** Milliseconds clock; tests pass their own. */
  now?: () => number;
  /** How often the bar is redrawn from the live stats between updates (default 100 ms). */
  tickMs?: number;
}

/** The bar's numbers, for one moment of a scan. */
export interface ProgressFigures {
  unit: 'files' | 'commits';
  done: number;
  total?: number;
  bytes: number;
  mbPerSecond: number;
}

/**
 * What a progress bar shows for these stats after `elapsedMs`: commits done / total for a
 * history scan (when the source counts commits), else files done / total, where done counts
 * every file the source has dealt with (scanned, binary or skipped); and MB/s scanned.
 */
export function progressFigures(stats: Readonly<ScanStats>, elapsedMs: number): ProgressFigures {
  const mbPerSecond = elapsedMs > 0 ? stats.bytesScanned / 1024 / 1024 / (elapsedMs / 1000) : 0;
  if (stats.commitsScanned !== undefined || stats.commitsTotal !== undefined) {
    return { unit: 'commits', done: stats.commitsScanned ?? 0, total: stats.commitsTotal, bytes: stats.bytesScanned, mbPerSecond };
  }
  const done = stats.filesScanned + stats.binarySkipped + stats.skipped.length;
  const total = stats.filesTotal;
  return { unit: 'files', done: total !== undefined ? Math.min(done, total) : done, total, bytes: stats.bytesScanned, mbPerSecond };
}

/**
 * A progress bar (cli-progress) that appears only once a scan has run for `delayMs`, so quick
 * scans and git hooks print nothing; cli-progress is imported only then. The stats object given
 * to `update` is read again on a timer (unref'd), so sources that update it in place between
 * fragments (worker threads do, per batch) still move the bar. Draws
 * "keyfence [████░░░░] 42% | 4200/10000 files | 35.2 MB/s | ETA: 3s", or without a known total
 * "keyfence scanning | 4200 files | 35.2 MB/s", and clears its line when stopped.
 */
export function createProgress(opts: ProgressOptions): Progress {
  const now = opts.now ?? (() => performance.now());
  const delay = opts.delayMs ?? 1000;
  const started = now();
  let bar: import('cli-progress').SingleBar | undefined;
  let loading = false;
  let stopped = false;
  let latest: Readonly<ScanStats> | undefined;
  const timer = setInterval(() => {
    if (latest && !stopped) progress.update(latest);
  }, opts.tickMs ?? 100);
  timer.unref();

  const payload = (f: ProgressFigures) => ({ unit: f.unit, mbps: f.mbPerSecond.toFixed(1) });
  const draw = () => {
    if (!bar || !latest) return;
    const f = progressFigures(latest, now() - started);
    if (f.total !== undefined) bar.setTotal(Math.max(f.total, 1));
    bar.update(f.done, payload(f));
  };
  const show = async () => {
    loading = true;
    const { default: cliProgress } = await import('cli-progress');
    if (stopped || !latest) return;
    const f = progressFigures(latest, now() - started);
    const known = f.total !== undefined;
    bar = new cliProgress.SingleBar(
      {
        stream: opts.stream,
        format: known
          ? 'keyfence [{bar}] {percentage}% | {value}/{total} {unit} | {mbps} MB/s | ETA: {eta_formatted}'
          : 'keyfence scanning | {value} {unit} | {mbps} MB/s',
        barCompleteChar: '\u2588',
        barIncompleteChar: '\u2591',
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        fps: 10,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    // The handler goes in before the cursor is hidden: a Ctrl-C that lands while start() writes
    // would otherwise meet Node's default (exit at once) and leave the cursor hidden. Node runs
    // the handler from the event loop, after start() has returned.
    process.once('SIGINT', onInterrupt);
    bar.start(known ? Math.max(f.total!, 1) : 0, f.done, payload(f));
  };
  /**
   * Ctrl-C while the bar shows: the bar hid the cursor, so put it back (clear the bar, show the
   * cursor), then let the signal do what it would have done (exit 130).
   */
  const onInterrupt = () => {
    progress.stop();
    opts.stream.write('\u001b[?25h');
    process.kill(process.pid, 'SIGINT');
  };
  const progress: Progress = {
    update(stats) {
      if (stopped) return;
      latest = stats;
      if (bar) return draw();
      if (!loading && now() - started >= delay) void show();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      process.removeListener('SIGINT', onInterrupt);
      if (bar) {
        draw();
        bar.stop();
      }
    },
  };
  return progress;
}

/**
 * The CLI's progress bar for one scan, or undefined when there must be none: stderr is not a
 * TTY (CI logs, pipes, tests), there is no live stderr stream, or --quiet.
 */
export function startProgress(args: { quiet: boolean }, io: RunIO): Progress | undefined {
  if (args.quiet || !io.stderrIsTTY || !io.stderrStream) return undefined;
  return createProgress({ stream: io.stderrStream });
}
