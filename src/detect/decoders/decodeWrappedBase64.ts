import { BASE64, BASE64_MAX_RUN, base64Text, bytesText, LayerBuilder, type Layer, type Ranges } from '../decoders.js';
import { alphabetTable } from './alphabetRuns.js';
import { longRuns, URL_ONLY } from './longRuns.js';
import { wrappedBlocks } from './wrappedBlocks.js';

const STANDARD = alphabetTable('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');

/**
 * base64 wrapped over several lines (`base64` without `-w0`, PEM bodies, `openssl base64`): a
 * block of equal-width lines (a multiple of 4, at least LONG_RUN: see ./longRuns.ts) and a shorter last one
 * (see ./wrappedBlocks.ts) that decodes to text as a whole (see base64Text). Each line decodes on
 * its own (its width is a multiple of 4), so each becomes one piece of the layer that also covers
 * the line break after it: decoded lines join without a break, and a span maps back into the
 * line that encodes it.
 */
export function decodeWrappedBase64(text: string, ranges: Ranges = undefined): Layer | undefined {
  if (text.indexOf('\n') === -1) return undefined;
  const runs = longRuns(text, ranges).filter((r) => (r.kinds & URL_ONLY) === 0);
  if (runs.length < 2) return undefined;
  const b = new LayerBuilder(text);
  wrappedBlocks(text, runs, text.length, STANDARD, '=', (lines) => {
    if ((lines[0]!.end - lines[0]!.start) % 4 !== 0) return;
    if (lines.at(-1)!.end - lines[0]!.start > BASE64_MAX_RUN * 1.1) return; // megabytes of it: data, as for one line
    const joined = lines.map((l) => text.slice(l.start, l.end)).join('');
    if (base64Text(joined) === undefined) return;
    lines.forEach((l, i) => {
      const last = i === lines.length - 1;
      b.decoded(l.start, last ? l.end : lines[i + 1]!.start, bytesText(Buffer.from(text.slice(l.start, l.end), 'base64')), BASE64);
    });
  });
  return b.finish('base64-wrapped');
}
