import { LinearRegExp, UnsafeRegexError, type RegexLike } from '../rules/linearRegex.js';
import { BACKREFERENCE, EreError, ereToJs, ereToRe2 } from './ere.js';

/**
 * A GNU ERE compiled to run safely: on the linear-time engine (RE2, see ereToRe2) whenever it
 * can, so no pattern can hang a scan; a pattern RE2 cannot run (a backreference) runs on V8 from
 * ereToJs, which refuses nested repetition. Throws EreError where grep rejects the pattern.
 */
export function ereRegex(p: string, flags = ''): RegexLike {
  let src: string;
  try {
    src = ereToRe2(p);
  } catch (err) {
    if (!(err instanceof EreError && err.message === BACKREFERENCE)) throw err;
    return new RegExp(ereToJs(p), flags);
  }
  try {
    return new LinearRegExp(src, flags);
  } catch (err) {
    if (!(err instanceof UnsafeRegexError)) throw err;
    return new RegExp(ereToJs(p), flags); // not expected: every translation is RE2 syntax
  }
}

/**
 * Throws EreError where ereRegex(p) would, without compiling anything: the translations are
 * what can fail, and they need no regex engine (a caller that compiles on first use checks
 * patterns early with this, so a bad one is still reported at once).
 */
export function ereCheck(p: string): void {
  try {
    ereToRe2(p);
  } catch (err) {
    if (!(err instanceof EreError && err.message === BACKREFERENCE)) throw err;
    ereToJs(p);
  }
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
