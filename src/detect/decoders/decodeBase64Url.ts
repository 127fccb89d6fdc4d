import { BASE64, BASE64_MAX_RUN, base64Text, LayerBuilder, leadsText, type Layer, type Ranges } from '../decoders.js';
import { alphabetTable } from './alphabetRuns.js';
import { longRuns, STD_ONLY, URL_ONLY } from './longRuns.js';

const STANDARD_ONLY = alphabetTable('+/');
const EQ = 0x3d;

/**
 * base64url (RFC 4648 §5: `-` and `_` for `+` and `/`, padding optional), as JWT parts, signed
 * URLs and some CI variables carry it: every whole run of the URL-safe alphabet of LONG_RUN or
 * more characters (see ./longRuns.ts: shorter base64url of text is decoded by the base64 decoder
 * between its `-` and `_`, which only encode `>`, `?` and `~`) with a `-` or `_` in it, that
 * decodes to text as base64 does (see base64Text). A run touching `+`, `/` or a third `=` is part
 * of something else. Linear: one shared skipping pass finds the runs.
 */
export function decodeBase64Url(text: string, ranges: Ranges = undefined): Layer | undefined {
  let b: LayerBuilder | undefined;
  for (const { start, end: runEnd, kinds } of longRuns(text, ranges)) {
    if ((kinds & URL_ONLY) === 0 || (kinds & STD_ONLY) !== 0) continue;
    if (start > 0 && STANDARD_ONLY[text.charCodeAt(start - 1)] === 1) continue;
    let end = runEnd;
    while (end < text.length && end - runEnd < 2 && text.charCodeAt(end) === EQ) end++;
    if (end < text.length && (text.charCodeAt(end) === EQ || STANDARD_ONLY[text.charCodeAt(end)] === 1)) continue;
    if (runEnd - start > BASE64_MAX_RUN) continue; // not decoded, as for base64 (see base64Text)
    if (!leadsText(text, start, runEnd)) continue; // base64Text's first test, before copying the run
    const decoded = base64Text(text.slice(start, runEnd).replace(/-/g, '+').replace(/_/g, '/'));
    if (decoded !== undefined) (b ??= new LayerBuilder(text)).decoded(start, end, decoded, BASE64);
  }
  return b?.finish('base64url');
}
