// Reporters are sinks (src/report/sink.ts): fed begin, findings, suppressed findings and end, and
// one pass over a result feeds several of them (src/report/feedSinks.ts).
import { describe, expect, it } from 'vitest';
import { feedSinks, type ReportWriter } from '../src/report/feedSinks.js';
import { REPORTERS, renderReport, reportSink } from '../src/report/index.js';
import { jsonSink } from '../src/report/json.js';
import { sinkChunks, type ReportSink } from '../src/report/sink.js';
import type { ScanResult } from '../src/types.js';
import { cleanResult, reportResult, reportRules } from './fixtures/reportResult.js';

const opts = { color: false, rules: reportRules, version: '1.2.3' };
const joined = (chunks: Iterable<string>) => [...chunks].join('');

/** A writer that collects what it is given, optionally taking its time over each piece. */
function collector(delayMs = 0): { write: ReportWriter; text: () => string } {
  let text = '';
  return {
    write: async (chunks) => {
      for await (const c of chunks) {
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
        text += c;
      }
    },
    text: () => text,
  };
}

describe('every format is a sink', () => {
  for (const format of Object.keys(REPORTERS)) {
    it(`${format}: begin, findings, suppressed, end give the report byte for byte`, async () => {
      for (const result of [reportResult, cleanResult]) {
        const sink = await reportSink(format, opts);
        expect(joined(sinkChunks(sink, result))).toBe(await renderReport(format, result, opts));
      }
    });
  }

  it('text, github and json write each finding when it is fed, before the scan has ended', async () => {
    for (const format of ['text', 'github', 'json']) {
      const sink = await reportSink(format, opts);
      const soFar = joined(sink.begin()) + joined(sink.finding(reportResult.findings[0]!));
      expect(soFar, format).toContain('config/prod.env');
      expect(soFar, format).not.toContain('214'); // the stats come at the end
    }
  });

  it('json: exactly JSON.stringify of the result, with or without findings, suppressed findings and a shard', () => {
    const [f] = reportResult.findings;
    const [s] = reportResult.suppressed;
    const shard = { index: 1, total: 2 } as unknown as ScanResult['shard'];
    for (const findings of [[], [f!], reportResult.findings]) {
      for (const suppressed of [[], [s!], [s!, s!]]) {
        for (const extra of [{}, { shard }]) {
          const result = { ...reportResult, findings, suppressed, ...extra } as ScanResult;
          expect(joined(sinkChunks(jsonSink(), result))).toBe(`${JSON.stringify({ findings, suppressed, stats: result.stats, ...extra }, null, 2)}\n`);
        }
      }
    }
  });
});

describe('feedSinks: one pass feeds several reports', () => {
  it('each writer gets its whole report, a slow writer too', async () => {
    const formats = Object.keys(REPORTERS);
    const writers = formats.map((_, i) => collector(i === 0 ? 2 : 0));
    const outputs = await Promise.all(formats.map(async (format, i) => ({ sink: await reportSink(format, opts), write: writers[i]!.write })));
    await feedSinks(reportResult, outputs);
    for (const [i, format] of formats.entries()) expect(writers[i]!.text(), format).toBe(await renderReport(format, reportResult, opts));
  });

  it("each report's sink gets each finding once", async () => {
    let fed = 0;
    const counting: ReportSink = {
      begin: () => [],
      finding: () => {
        fed++;
        return ['x'];
      },
      suppressed: () => [],
      end: () => [],
    };
    const writers = [collector(), collector(), collector()];
    await feedSinks(
      reportResult,
      writers.map((w) => ({ sink: counting, write: w.write })),
    );
    expect(fed).toBe(reportResult.findings.length * 3); // each sink once per finding
    expect(writers.map((w) => w.text())).toEqual(Array(3).fill('x'.repeat(reportResult.findings.length)));
  });

  it('a writer that fails (before reading, or half way) neither hangs the pass nor stops the others; its error is thrown', async () => {
    const ok = collector();
    const refused: ReportWriter = async () => {
      throw new Error('refused');
    };
    const halfWay: ReportWriter = async (chunks) => {
      for await (const _ of chunks) throw new Error('disk full');
    };
    const sink = await reportSink('text', opts);
    await expect(
      feedSinks(reportResult, [
        { sink, write: refused },
        { sink: await reportSink('text', opts), write: halfWay },
        { sink: await reportSink('text', opts), write: ok.write },
      ]),
    ).rejects.toThrow('refused');
    expect(ok.text()).toBe(await renderReport('text', reportResult, opts));
  });
});
