import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Fragment, ScanStats } from '../types.js';
import { InputError } from '../errors.js';

/** The line below which `git commit --verbose` puts the diff; git drops it and everything after. */
const SCISSORS = /^# -+ >8 -+$/;

/**
 * The commit message in `file` as git will record it: `#` comment lines dropped (git's default
 * cleanup), and everything from the scissors line on dropped (`git commit -v`). Line numbers
 * are those of the file.
 */
export function messageFragment(text: string, file: string): Fragment | undefined {
  const lines: string[] = [];
  const numbers: number[] = [];
  const all = text.split('\n');
  for (let i = 0; i < all.length; i++) {
    const l = all[i]!;
    if (SCISSORS.test(l)) break;
    if (l.startsWith('#')) continue;
    lines.push(l);
    numbers.push(i + 1);
  }
  if (lines.join('').trim() === '') return undefined;
  const fragment: Fragment = { text: lines.join('\n'), path: file, startLine: numbers[0]! };
  if (numbers[numbers.length - 1] !== numbers[0]! + numbers.length - 1) fragment.lineNumbers = numbers;
  return fragment;
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
