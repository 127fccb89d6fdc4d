// What a perfect prefilter could skip: the share of the precision corpus's text (.bench/precision,
// installed by the precision benchmark) that lies within W characters of anything the detector
// must look at, for W = 64 and 256. If a prefilter cost nothing and the detector ran only
// there, this is the share of its work that would be left. Anchors, from the scan's own rules
// and passes: the keyword rules' keywords (case-insensitive) and the literal rules' literals,
// the access key rule's prefixes, the runs the base64 decoder and keyword windows look at (27
// base64 characters or `%`) and those the hex/base64url/wrapped decoders look at (56), and the
// seeds of the escape decoders (a backslash escape, `%XX`, an HTML reference) and of the
// terminal decoder (ESC, Unicode spaces). Figures only; nothing is asserted.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { valueRuns } from '../dist/detect/decoders/base64Runs.js';
import { longRuns } from '../dist/detect/decoders/longRuns.js';
import { loadBuiltinRules, selectRules } from '../dist/rules/load.js';
import { decodeBuffer } from '../dist/sources/decode.js';
import { CORPUS_DIR, installCorpus } from './corpus.js';

installCorpus();
const root = path.join(CORPUS_DIR, 'node_modules');
const rules = selectRules(loadBuiltinRules());
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const keywords = [...new Set(rules.flatMap((r) => r.keywords))];
const literals = [...new Set(rules.flatMap((r) => r.literals))];
/** Each kind of anchor: its spans [start, end) in a text. */
const KINDS = {
  keyword: regexSpans(new RegExp(keywords.map(escape).join('|'), 'gi')),
  literal: regexSpans(new RegExp(literals.map(escape).join('|'), 'g')),
  'key ID prefix': regexSpans(/A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA/g),
  'run of 27': (text) => valueRuns(text, undefined, 27).map((r) => [r.start, r.end]),
  'run of 56': (text) => longRuns(text, undefined).map((r) => [r.start, r.end]),
  'backslash escape': regexSpans(/\\[\\"'/nrtux0-7]/g),
  '%XX': regexSpans(/%[0-9A-Fa-f]{2}/g),
  'HTML reference': regexSpans(/&(?:#|[a-z]{2,8};)/g),
  terminal: regexSpans(/[\x1b\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]/g),
};
const WIDTHS = [64, 256];

function regexSpans(re) {
  return (text) => {
    const spans = [];
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) spans.push([m.index, m.index + m[0].length]);
    return spans;
  };
}

/** Characters of `length` within `w` of a span, with [start, end) spans in order of start. */
function covered(spans, w, length) {
  let total = 0;
  let reach = 0;
  for (const [a, b] of spans.sort((x, y) => x[0] - y[0])) {
    const from = Math.max(reach, a - w, 0);
    const to = Math.min(length, b + w);
    if (to > from) total += to - from;
    reach = Math.max(reach, to);
  }
  return total;
}

let bytes = 0;
let files = 0;
const byKind = Object.fromEntries(Object.keys(KINDS).map((k) => [k, WIDTHS.map(() => 0)]));
const any = WIDTHS.map(() => 0);
const started = performance.now();
(function walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile()) {
      const buf = readFileSync(p);
      if (buf.length > 25 << 20) continue;
      const d = decodeBuffer(buf);
      if (d.kind !== 'text') continue;
      const { text } = d;
      files++;
      bytes += text.length;
      const all = [];
      for (const [kind, find] of Object.entries(KINDS)) {
        const spans = find(text);
        all.push(...spans);
        WIDTHS.forEach((w, i) => {
          byKind[kind][i] += covered(spans, w, text.length);
        });
      }
      WIDTHS.forEach((w, i) => {
        any[i] += covered(all, w, text.length);
      });
    }
  }
})(root);
const pct = (x) => `${((100 * x) / bytes).toFixed(1)}%`.padStart(6);
console.log(`${files} text files, ${(bytes / 1e6).toFixed(0)} M characters (${root}), ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(`within ${WIDTHS.join(' / ')} characters of:`);
for (const [kind, v] of Object.entries(byKind)) console.log(`  ${kind.padEnd(18)} ${v.map(pct).join(' / ')}`);
console.log(`  ${'any anchor'.padEnd(18)} ${any.map(pct).join(' / ')}`);
