import type { RuleSpec } from '../rules/spec.js';

/**
 * One-byte stand-in views: how a UTF-8 file with characters above U+00FF is scanned as a
 * one-byte string (half a source tree's bytes sit in such files, mostly bundles with one `…` or
 * emoji; V8 makes each a two-byte string, which costs a slower decode, twice the memory and a
 * sixth more detection time).
 *
 * The view has the exact text's UTF-16 length and offsets: every code unit above U+00FF (each
 * half of a surrogate pair too) is replaced by STAND_IN, U+0080, and every other character is
 * itself. Readers make a view only of text that holds no line or paragraph separator (U+2028,
 * U+2029) and nothing the terminal decoder replaces (ESC, Unicode spaces: `noTerminal`), so in
 * the exact text every replaced unit is a plain character: not a line terminator, not `\s`, not
 * a word character. STAND_IN is plain in the same way. A V8 regex run without the `u` or `v`
 * flag whose source is ASCII and names no character above U+007F (no `\u`, `\x80`–`\xff`, `\p`)
 * can only tell them apart by their code, which it never looks at: it matches the view exactly
 * where it matches the text, with the same spans. The detector's own passes (runs, literals,
 * keywords, decoders, gates) look only at ASCII. So a view and its text give the same
 * candidates, and the same verdicts except where a candidate's secret holds STAND_IN.
 *
 * The detector therefore scans the view, and scans the exact text instead (read again) when
 * the view gives any finding or a candidate's secret holds STAND_IN (see detectFragment): the
 * findings are always the exact text's, and allow stages and reports see the exact text.
 */
export const STAND_IN = 0x80;
export const STAND_IN_CHAR = String.fromCharCode(STAND_IN);

const ascii = (s: string): boolean => /^[\x00-\x7f]*$/.test(s);

/** Regex source that is ASCII and names no character above U+007F. */
function asciiSource(source: string): boolean {
  return ascii(source) && !/\\(?:u|x[89a-fA-F]|[pP])/.test(source);
}

/** Flags without `u` or `v`, under which case folding and classes stay ASCII. */
function asciiFlags(flags: string | undefined): boolean {
  return !flags || !/[uv]/.test(flags);
}

const verdicts = new WeakMap<RuleSpec, boolean>();

/**
 * Whether a rule matches a stand-in view exactly as it matches the text (see above): its
 * regexes run on V8 (built-in rules; a config's rules run on the linear-time engine, whose
 * `.` takes a surrogate pair as one character), without `u`/`v`, from ASCII sources, and its
 * keywords and literals are ASCII.
 */
export function standInSafe(spec: RuleSpec): boolean {
  let safe = verdicts.get(spec);
  if (safe === undefined) {
    const sources = [spec.pattern, ...(spec.near ? [spec.near.pattern] : []), ...(spec.allow?.regexes ?? [])];
    const words = [...(spec.keywords ?? []), ...(spec.literals ?? []), ...(spec.allow?.stopwords ?? [])];
    safe = spec.engine === 'backtracking' && asciiFlags(spec.flags) && asciiFlags(spec.near?.flags) && sources.every(asciiSource) && words.every(ascii);
    verdicts.set(spec, safe);
  }
  return safe;
}
