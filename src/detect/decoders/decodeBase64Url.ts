import { BASE64, BASE64_MAX_RUN, BASE64_MIN_RUN, base64Text, LayerBuilder, type Layer, type Ranges } from '../decoders.js';
import { alphabetRuns, alphabetTable } from './alphabetRuns.js';

const URL_SAFE = alphabetTable('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
const STANDARD_ONLY = alphabetTable('+/');
const EQ = 0x3d;

/**
 * base64url (RFC 4648 §5: `-` and `_` for `+` and `/`, padding optional), as JWT parts, signed
 * URLs and some CI variables carry it: every whole run of the URL-safe alphabet, with a `-` or
 * `_` in it (a run without one is the base64 decoder's), that decodes to text as base64 does
 * (see base64Text). A run touching `+`, `/` or a third `=` is part of something else. Runs are
 * found with one skipping pass (./alphabetRuns.ts): linear.
 */
export function decodeBase64Url(text: string, ranges: Ranges = undefined): Layer | undefined {
  if (text.indexOf('-') === -1 && text.indexOf('_') === -1) return undefined;
  const b = new LayerBuilder(text);
  for (const [from, to] of ranges ?? [[0, text.length] as const]) {
    alphabetRuns(text, from, to, URL_SAFE, BASE64_MIN_RUN, (start, runEnd) => {
      if (start > from && STANDARD_ONLY[text.charCodeAt(start - 1)] === 1) return;
      let end = runEnd;
      while (end < to && end - runEnd < 2 && text.charCodeAt(end) === EQ) end++;
      if (end < to && (text.charCodeAt(end) === EQ || STANDARD_ONLY[text.charCodeAt(end)] === 1)) return;
      if (runEnd - start > BASE64_MAX_RUN) return; // not decoded, as for base64 (see base64Text)
      const run = text.slice(start, runEnd);
      if (!run.includes('-') && !run.includes('_')) return;
      const decoded = base64Text(run.replace(/-/g, '+').replace(/_/g, '/'));
      if (decoded !== undefined) b.decoded(start, end, decoded, BASE64);
    });
  }
  return b.finish('base64url');
}
