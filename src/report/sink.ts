import type { Finding, ScanResult, SuppressedFinding } from '../types.js';

/**
 * A report format as a sink (ripgrep's `Sink` is the model: one small interface between
 * scanning and printing; every format is just another implementation). The driver calls, in
 * this order and each at most once unless said otherwise:
 *
 * 1. `begin()`;
 * 2. `finding(f)` for every reported finding, in report order (any number of times);
 * 3. `suppressed(f)` for every suppressed finding, in report order (any number of times);
 * 4. `end(result)` with the finished result: the same findings as were fed, plus the stats.
 *
 * Each call returns the report text it produces at that point (possibly nothing), which the
 * driver writes where the report goes; a sink never writes anything itself and chooses no
 * stream. The same calls always give the same text. The report is the concatenation of
 * everything returned, byte for byte what the format's `…Report(result)` function gives.
 *
 * Formats whose text follows the findings as they come (text, github, json) write each finding
 * when it is fed. Formats whose first bytes depend on the whole result (SARIF's rule list, JUnit's
 * counts, CSV's verification columns, HTML's summary and charts) write everything at `end`
 * (see renderAtEnd): for them, the sink is where they receive the result, not a stream.
 */
export interface ReportSink {
  begin(): Iterable<string>;
  finding(f: Finding): Iterable<string>;
  suppressed(f: SuppressedFinding): Iterable<string>;
  end(result: ScanResult): Iterable<string>;
}

const nothing: Iterable<string> = [];

/**
 * A finished result through a sink, in the order ReportSink states, as the pieces of the report
 * (one per finding at least, so a huge report is never one string).
 */
export function* sinkChunks(sink: ReportSink, result: ScanResult): Generator<string> {
  yield* sink.begin();
  for (const f of result.findings) yield* sink.finding(f);
  for (const f of result.suppressed) yield* sink.suppressed(f);
  yield* sink.end(result);
}

/** The sink of a format that needs the whole result before its first byte: it renders at `end`. */
export function renderAtEnd(render: (result: ScanResult) => Iterable<string>): ReportSink {
  return { begin: () => nothing, finding: () => nothing, suppressed: () => nothing, end: render };
}
