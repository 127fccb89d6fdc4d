import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Fragment, ScanStats } from '../types.js';
import { InputError } from '../errors.js';

/** The line below which `git commit --verbose` puts the diff; git drops it and everything after. */
const SCISSORS = /^# -+ >8 -+$/;
/** What git writes right below its scissors line (`git commit -v`; translated in other locales). */
const SCISSORS_NOTE = /^# \S/;

/**
 * The commit message in `file` as git may record it: EVERY line, `#` lines included, because
 * git keeps them when the message was not edited (`git commit -m "#42 fix"`, `-F`, `-C`) and a
 * hook cannot tell which. Only the diff `git commit -v` appends is left out: everything from a
 * scissors line followed by git's own comment line and a diff (a `-m` message holding a bare scissors
 * line is scanned whole). Line numbers are those of the file.
 */
export function messageFragment(text: string, file: string): Fragment | undefined {
  const all = text.split('\n');
  let end = all.length;
  for (let i = 0; i < all.length - 1; i++) {
    if (SCISSORS.test(all[i]!) && SCISSORS_NOTE.test(all[i + 1]!) && all.slice(i + 2).some((l) => l.startsWith('diff --git '))) {
      end = i;
      break;
    }
  }
  const lines = all.slice(0, end);
  if (lines.join('').trim() === '') return undefined;
  return { text: lines.join('\n'), path: file, startLine: 1 };
}

/**
 * The fragment of `keyfence scan --commit-msg FILE` (what the commit-msg hook runs): the
 * message git is about to record. The path reported is FILE as given ("/" separators). Throws
 * InputError when the file cannot be read.
 */
export async function* commitMsgFragments(file: string, cwd: string, stats: ScanStats): AsyncGenerator<Fragment> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch (err) {
    throw new InputError(`cannot read commit message ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  stats.filesScanned++;
  stats.bytesScanned += Buffer.byteLength(text);
  const fragment = messageFragment(text, file.split(path.sep).join('/'));
  if (fragment) yield fragment;
}
