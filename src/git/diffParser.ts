import { StringDecoder } from 'node:string_decoder';

/**
 * Parses unified diffs with zero context (`git diff -U0`, `git log -p -U0`) into the lines each
 * file gains. The format, as git prints it with the options keyfence passes (`--no-color
 * --no-ext-diff --no-textconv --full-index --src-prefix=a/ --dst-prefix=b/`, and
 * `core.quotePath=true` from src/git/safeGitArgs.ts, so every name with a byte ≥ 0x80 is quoted):
 *
 * ```
 * diff --git a/my file.txt b/my file.txt
 * new file mode 100644
 * index 0000000..7898192
 * --- /dev/null
 * +++ b/my file.txt<TAB>                     ← a TAB is appended when the name has a space
 * +++ "b/w\303\251ird \"dir\"/my file.txt"<TAB>  ← (quoted too: octal bytes)
 * @@ -0,0 +1,2 @@                            ← -oldStart[,oldCount] +newStart[,newCount]; count 1 when absent
 * +first added line
 * +second added line
 * \ No newline at end of file
 * diff --git "a/q\"uo\\te.txt" "b/q\"uo\\te.txt"   ← names with ", \ or control bytes are C-quoted
 * --- a/q"uo\te.txt …
 * +++ "b/q\"uo\\te.txt"
 * @@ -3 +3 @@
 * -removed line
 * +added line
 * diff --git a/b.bin b/b.bin
 * Binary files /dev/null and b/b.bin differ   ← binary: no hunks
 * diff --git a/old.txt b/new.txt              ← pure rename: no ---/+++ lines, no hunks
 * similarity index 100%
 * rename from old.txt
 * rename to new.txt
 * ```
 *
 * Merge commits with `--cc` print a combined diff: one column per parent, and a line counts
 * as added only when every column is "+" (new relative to all parents: an "evil merge"):
 * ```
 * diff --cc f
 * index 59e517f,e0a0e50..b98624f
 * --- a/f
 * +++ b/f
 * @@@ -2,2 -2,2 +2,3 @@@                      ← one -start,count per parent, then +start,count
 * - b                                        ← in parent 1 only (removed)
 * + b side                                   ← in the result and parent 2: came from parent 2
 *  -c                                        ← in parent 2 only
 * ++EVIL                                     ← in no parent: added by the merge
 *  +c main                                   ← in the result and parent 1
 * ```
 *
 * `-z` does not change patch output (it only applies to --raw/--numstat), so quoted names are
 * unquoted here. Inside a hunk the old/new line counts say how many lines belong to it, so an
 * added line whose text starts with "++ " or "diff --git" is never taken for a header.
 */

/** The lines one file gains in one diff, with their line numbers in the new version. */
export interface AddedLines {
  /** Path of the new version, relative to the repository root, "/" separators. */
  path: string;
  lines: string[];
  /** 1-based line number in the new version of each entry of `lines`. */
  lineNumbers: number[];
  /** The new version's blob id, from the `index <old>..<new>` line (full with `--full-index`). */
  blob?: string;
  /**
   * Set when the added lines came to more than the parser's `maxBytes`: `lines` then holds only
   * what came before the cap, and `bytes` counts them all.
   */
  oversized?: boolean;
  /** With `oversized`: characters of added lines seen (with their newlines). */
  bytes?: number;
}

/** A hunk header: `@@ -oldStart[,oldCount] +newStart[,newCount] @@` (groups: oldCount, newStart, newCount). */
export const HUNK = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
const COMBINED_HUNK = /^(@@@+) ((?:-\d+(?:,\d+)? )+)\+(\d+)(?:,(\d+))? @@@+/;

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** Undoes git's C-style quoting of a path ("a/q\"x\303\274" → a/q"xü); unquoted input is returned as is. */
export function unquotePath(s: string): string {
  if (!s.startsWith('"') || !s.endsWith('"') || s.length < 2) return s;
  const bytes: number[] = [];
  const body = s.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
      continue;
    }
    const n = body[i + 1] ?? '';
    if (/[0-7]/.test(n)) {
      const oct = body.slice(i + 1, i + 4);
      bytes.push(parseInt(oct, 8));
      i += 3;
    } else {
      bytes.push(ESCAPES[n] ?? n.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The path of a `+++ ` line's name part ("b/x", "\"b/x\"", "/dev/null"); undefined for /dev/null. */
function newPath(name: string): string | undefined {
  // A TAB follows a name holding a space, quoted or not (a TAB inside a name is always quoted).
  if (name.endsWith('\t')) name = name.slice(0, -1);
  if (name.startsWith('"')) name = unquotePath(name);
  if (name === '/dev/null') return undefined;
  return name.startsWith('b/') ? name.slice(2) : name;
}

/**
 * A line-at-a-time diff parser. Feed it every line (without its "\n") with `line()`; each file's
 * added lines are handed to `onFile` once the file's diff is over (at the next `diff --git`, or
 * at `end()`). Files that gain no lines (deletions, pure renames, mode changes) are not reported;
 * binary files are reported to `onBinary`.
 */
export class DiffParser {
  private current: AddedLines | undefined;
  private path: string | undefined;
  private oldLeft = 0;
  private newLeft = 0;
  private next = 0;
  /** Lines left per parent in a combined (merge) hunk; empty outside one. */
  private parentsLeft: number[] = [];
  private blob: string | undefined;
  /** Characters of the current file's added lines so far. */
  private bytes = 0;

  /** `maxBytes`: a file's added lines beyond this many characters are counted, not kept (see AddedLines.oversized). */
  constructor(
    private readonly onFile: (file: AddedLines) => void,
    private readonly onBinary: (path: string, blob: string | undefined) => void = () => {},
    private readonly maxBytes = Infinity,
  ) {}

  /** Keeps one added line of the current file (counted only, past maxBytes). */
  private add(text: string, lineNumber: number): void {
    if (!this.current) {
      this.current = { path: this.path ?? '', lines: [], lineNumbers: [] };
      if (this.blob) this.current.blob = this.blob;
      this.bytes = 0;
    }
    const c = this.current;
    this.bytes += text.length + 1;
    if (this.bytes > this.maxBytes) {
      c.oversized = true;
      c.bytes = this.bytes;
      c.lines = [];
      c.lineNumbers = [];
      return;
    }
    c.lines.push(text);
    c.lineNumbers.push(lineNumber);
  }

  /** True while inside a hunk: the next line belongs to the diff whatever it starts with. */
  get inHunk(): boolean {
    return this.oldLeft > 0 || this.newLeft > 0 || this.parentsLeft.some((n) => n > 0);
  }

  line(l: string): void {
    if (this.parentsLeft.length && this.inHunk && this.combinedLine(l)) return;
    if (this.oldLeft > 0 || this.newLeft > 0) {
      const c = l.charCodeAt(0);
      if (c === 43 /* + */) {
        this.add(l.slice(1), this.next++);
        this.newLeft--;
      } else if (c === 45 /* - */) {
        this.oldLeft--;
      } else if (c === 32 /* space: context, only with -U>0 */) {
        this.oldLeft--;
        this.newLeft--;
        this.next++;
      }
      // "\ No newline at end of file" belongs to the hunk but counts for neither side.
      return;
    }
    if (l.startsWith('@@@')) {
      const m = COMBINED_HUNK.exec(l);
      if (!m) return;
      this.parentsLeft = m[2]!
        .trim()
        .split(' ')
        .map((r) => {
          const comma = r.indexOf(',');
          return comma === -1 ? 1 : Number(r.slice(comma + 1));
        });
      this.newLeft = m[4] === undefined ? 1 : Number(m[4]);
      this.next = Number(m[3]);
      return;
    }
    if (l.startsWith('@@')) {
      const m = HUNK.exec(l);
      if (!m) return;
      this.oldLeft = m[1] === undefined ? 1 : Number(m[1]);
      this.newLeft = m[3] === undefined ? 1 : Number(m[3]);
      this.next = Number(m[2]);
      return;
    }
    if (l.startsWith('diff --git ') || l.startsWith('diff --cc ') || l.startsWith('diff --combined ')) {
      this.flush();
      this.path = undefined;
      this.blob = undefined;
      return;
    }
    if (l.startsWith('index ')) {
      // "index <old>..<new>[ <mode>]", combined: "index <p1>,<p2>..<new>"
      const dots = l.indexOf('..');
      if (dots > 0) this.blob = l.slice(dots + 2).split(' ')[0];
      return;
    }
    if (l.startsWith('+++ ')) {
      this.path = newPath(l.slice(4));
      return;
    }
    if (l.startsWith('Binary files ')) {
      // "Binary files a/x and b/y differ": the new name is the last " and " part.
      const m = / and (.*) differ$/.exec(l);
      const p = m ? newPath(m[1]!) : undefined;
      if (p !== undefined) this.onBinary(p, this.blob);
      return;
    }
    if (l.startsWith('GIT binary patch')) this.onBinary(this.path ?? '', this.blob);
  }

  /** Ends the current file (call at the end of the input, or before a non-diff record). */
  end(): void {
    this.flush();
    this.path = undefined;
    this.blob = undefined;
    this.oldLeft = this.newLeft = 0;
    this.parentsLeft = [];
  }

  /**
   * One line of a combined hunk: N prefix columns (" ", "+", "-"), one per parent. A line is in
   * the result when no column is "-"; parent i has it when column i is "-", or " " on a result
   * line. False when the prefix is not N such columns (the hunk is over: a safety net).
   */
  private combinedLine(l: string): boolean {
    const n = this.parentsLeft.length;
    const prefix = l.slice(0, n);
    if (prefix.length < n || /[^ +-]/.test(prefix)) {
      this.parentsLeft = [];
      this.newLeft = 0;
      return false;
    }
    const inResult = !prefix.includes('-');
    for (let i = 0; i < n; i++) {
      const c = prefix[i];
      if (c === '-' || (inResult && c === ' ')) this.parentsLeft[i]!--;
    }
    if (inResult) {
      if (!prefix.includes(' ')) this.add(l.slice(n), this.next);
      this.next++;
      this.newLeft--;
    }
    if (!this.inHunk) this.parentsLeft = [];
    return true;
  }

  private flush(): void {
    if (this.current && (this.current.lines.length || this.current.oversized)) this.onFile(this.current);
    this.current = undefined;
  }
}

/**
 * One fragment for one file's added lines: `startLine` is the first added line's number, and
 * `lineNumbers` is set when the lines are not contiguous in the file (several hunks).
 */
export function fragmentOf(added: AddedLines): { text: string; path: string; startLine: number; lineNumbers?: number[] } {
  const nums = added.lineNumbers;
  const first = nums[0] ?? 1;
  const contiguous = nums[nums.length - 1] === first + nums.length - 1;
  const fragment: { text: string; path: string; startLine: number; lineNumbers?: number[] } = {
    text: added.lines.join('\n'),
    path: added.path,
    startLine: first,
  };
  if (!contiguous) fragment.lineNumbers = nums;
  return fragment;
}

/**
 * Splits bytes into lines (without "\n") as they arrive, synchronously (no promise per line):
 * UTF-8 by default; 'latin1' keeps every byte as one character, for callers that decode the
 * text themselves (history: a file's added lines are decoded as tree scans decode files).
 */
export class LineSplitter {
  private readonly decoder: StringDecoder;
  private rest = '';

  constructor(encoding: 'utf8' | 'latin1' = 'utf8') {
    this.decoder = new StringDecoder(encoding);
  }

  push(chunk: Buffer, onLine: (line: string) => void): void {
    const text = this.rest + this.decoder.write(chunk);
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      onLine(text.slice(start, nl));
      start = nl + 1;
    }
    this.rest = text.slice(start);
  }

  end(onLine: (line: string) => void): void {
    const last = this.rest + this.decoder.end();
    this.rest = '';
    if (last) onLine(last);
  }
}
