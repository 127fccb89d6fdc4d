import { endsLine, startsLine } from './alphabetRuns.js';
import type { LongRun } from './longRuns.js';

/** One line of a wrapped block: [start, end) of its characters, and where the next line starts. */
export interface BlockLine {
  start: number;
  end: number;
  next: number;
}

/**
 * Blocks of text wrapped over lines, as `base64` (76 columns), PEM and `openssl base64` (64),
 * `xxd -p` (60) write them: two or more consecutive lines, each (after indentation) one of
 * `runs` (in order, all of `table` characters), all of one width but the last, which may be
 * shorter (and may end in `pad` characters, e.g. base64's `=`). Calls `each(lines)` per block,
 * in order; blocks do not overlap. The short last line is read once: linear.
 */
export function wrappedBlocks(text: string, runs: readonly LongRun[], to: number, table: Uint8Array, pad: string, each: (lines: BlockLine[]) => void): void {
  let block: BlockLine[] = [];
  let width = 0;
  let consumed = 0;
  const flush = (): void => {
    if (block.length === 0) return;
    const last = block.at(-1)!;
    // A shorter last line (the tail of the data) right after the block's last full line.
    let start = last.next;
    while (start < to && (text[start] === ' ' || text[start] === '\t')) start++;
    let end = start;
    while (end < to && table[text.charCodeAt(end)] === 1 && end - start < width) end++;
    let padEnd = end;
    while (padEnd < to && pad.includes(text[padEnd]!) && padEnd - end < 2) padEnd++;
    const next = padEnd > start ? endsLine(text, padEnd, to) : undefined;
    if (block.length >= 1 && next !== undefined && end - start < width) {
      block.push({ start, end: padEnd, next });
    }
    if (block.length >= 2) {
      consumed = block.at(-1)!.end;
      each(block);
    }
    block = [];
  };
  for (const { start, end } of runs) {
    if (start < consumed) continue;
    const s = startsLine(text, start);
    let e = end;
    while (e < to && pad.includes(text[e]!) && e - end < 2) e++;
    const next = endsLine(text, e, to);
    if (s === undefined || next === undefined) {
      flush();
      continue;
    }
    const prev = block.at(-1);
    // The line must start where the previous one's next line does (after indentation).
    const follows = prev !== undefined && startsLine(text, start, prev.next) === prev.next && e === end && end - start === width;
    if (!follows) {
      flush();
      if (start < consumed) continue;
      width = end - start;
    }
    block.push({ start, end: e, next });
    if (e !== end) flush(); // padding ends a block
  }
  flush();
}
