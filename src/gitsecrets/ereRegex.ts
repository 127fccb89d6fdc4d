import { LinearRegExp, UnsafeRegexError, type RegexLike } from '../rules/linearRegex.js';
import { BACKREFERENCE, EreError, ereToJs, ereToRe2 } from './ere.js';

/** A GNU ERE translated for the engine that will run it (see ereTranslate). */
export type EreTranslation = { engine: 'linear' | 'v8'; source: string };

/**
 * The translation ereRegex runs: RE2 syntax (ereToRe2) whenever it can, V8 syntax from
 * ereToJs for a pattern with a backreference (which RE2 cannot run; ereToJs refuses nested
 * repetition). Throws EreError where grep rejects the pattern. Needs no regex engine: a caller
 * that compiles on first use translates early, so a bad pattern is still reported at once.
 */
export function ereTranslate(p: string): EreTranslation {
  try {
    return { engine: 'linear', source: ereToRe2(p) };
  } catch (err) {
    if (!(err instanceof EreError && err.message === BACKREFERENCE)) throw err;
    return { engine: 'v8', source: ereToJs(p) };
  }
}

/** Compiles a translation: on the linear-time engine (RE2), or on V8 for a backreference. */
export function compileEre(p: string, t: EreTranslation, flags = ''): RegexLike {
  if (t.engine === 'v8') return new RegExp(t.source, flags);
  try {
    return new LinearRegExp(t.source, flags);
  } catch (err) {
    if (!(err instanceof UnsafeRegexError)) throw err;
    return new RegExp(ereToJs(p), flags); // not expected: every translation is RE2 syntax
  }
}

/**
 * A GNU ERE compiled to run safely: on the linear-time engine (RE2, see ereToRe2) whenever it
 * can, so no pattern can hang a scan; a pattern RE2 cannot run (a backreference) runs on V8 from
 * ereToJs, which refuses nested repetition. Throws EreError where grep rejects the pattern.
 */
export function ereRegex(p: string, flags = ''): RegexLike {
  return compileEre(p, ereTranslate(p), flags);
}

/** Whether ereRegex runs `p` on the linear-time engine (it has no backreference). */
export function ereIsLinear(p: string): boolean {
  try {
    ereToRe2(p);
    return true;
  } catch {
    return false;
  }
}
