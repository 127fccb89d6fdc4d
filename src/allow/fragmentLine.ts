import type { Fragment } from '../types.js';

const cache = new WeakMap<Fragment, string[]>();

/**
 * The text of file line `line` if the fragment holds it, else undefined ("\r" dropped). A
 * fragment holds line `startLine + i` as its line i, or, when it has `lineNumbers` (the added
 * lines of a diff hunk), the line i whose number is listed there; lines outside the fragment
 * are never guessed.
 */
export function fragmentLine(fragment: Fragment, line: number): string | undefined {
  let lines = cache.get(fragment);
  if (!lines) {
    lines = fragment.text.split('\n');
    cache.set(fragment, lines);
  }
  const i = fragment.lineNumbers ? fragment.lineNumbers.indexOf(line) : line - fragment.startLine;
  const text = i >= 0 ? lines[i] : undefined;
  return text?.endsWith('\r') ? text.slice(0, -1) : text;
}
