import { describe, expect, it } from 'vitest';
import { DiffParser, LineSplitter, fragmentOf, unquotePath, type AddedLines } from '../src/git/diffParser.js';

function parse(diff: string): { files: AddedLines[]; binary: string[] } {
  const files: AddedLines[] = [];
  const binary: string[] = [];
  const p = new DiffParser(
    (f) => files.push(f),
    (b) => binary.push(b),
  );
  for (const l of diff.split('\n')) p.line(l);
  p.end();
  return { files, binary };
}

describe('DiffParser (git diff -U0 output)', () => {
  it('collects added lines with their new line numbers across hunks, and the new blob id; deletions and renames add nothing', () => {
    const { files, binary } = parse(
      [
        'diff --git a/a.txt b/a.txt',
        'index 1111111..2222222 100644',
        '--- a/a.txt',
        '+++ b/a.txt',
        '@@ -2 +2 @@',
        '-old',
        '+new two',
        '@@ -9,0 +10,2 @@',
        '+ten',
        '+eleven',
        '\\ No newline at end of file',
        'diff --git a/gone.txt b/gone.txt',
        'deleted file mode 100644',
        '--- a/gone.txt',
        '+++ /dev/null',
        '@@ -1,2 +0,0 @@',
        '-x',
        '-y',
        'diff --git a/old.txt b/new.txt',
        'similarity index 100%',
        'rename from old.txt',
        'rename to new.txt',
        'diff --git a/b.bin b/b.bin',
        'Binary files /dev/null and b/b.bin differ',
      ].join('\n'),
    );
    expect(files).toEqual([{ path: 'a.txt', lines: ['new two', 'ten', 'eleven'], lineNumbers: [2, 10, 11], blob: '2222222' }]);
    expect(binary).toEqual(['b.bin']);
    expect(fragmentOf(files[0]!)).toEqual({ text: 'new two\nten\neleven', path: 'a.txt', startLine: 2, lineNumbers: [2, 10, 11] });
  });

  it('never takes an added line for a header, thanks to the hunk counts', () => {
    const { files } = parse(
      ['diff --git a/x b/x', '--- /dev/null', '+++ b/x', '@@ -0,0 +1,3 @@', '+++ b/evil', '+diff --git a/y b/y', '+@@ -1 +1 @@'].join('\n'),
    );
    expect(files).toEqual([{ path: 'x', lines: ['++ b/evil', 'diff --git a/y b/y', '@@ -1 +1 @@'], lineNumbers: [1, 2, 3] }]);
    expect(fragmentOf(files[0]!).lineNumbers).toBeUndefined();
  });

  it('combined (merge) hunks: only lines new relative to every parent count', () => {
    const { files } = parse(
      [
        'diff --cc f',
        'index 59e517f,e0a0e50..b98624f',
        '--- a/f',
        '+++ b/f',
        '@@@ -2,2 -2,2 +2,3 @@@',
        '- b',
        '+ b side',
        ' -c',
        '++EVIL',
        ' +c main',
        'diff --git a/g b/g',
        '--- /dev/null',
        '+++ b/g',
        '@@ -0,0 +1 @@',
        '+g',
      ].join('\n'),
    );
    expect(files).toEqual([
      { path: 'f', lines: ['EVIL'], lineNumbers: [3], blob: 'b98624f' },
      { path: 'g', lines: ['g'], lineNumbers: [1] },
    ]);
  });

  it('unquotes C-quoted names (octal UTF-8 bytes, escapes) and drops the TAB after names with spaces', () => {
    expect(unquotePath('"b/\\303\\274n\\303\\257 \\"q\\"\\\\\\t.txt"')).toBe('b/ünï "q"\\\t.txt');
    expect(unquotePath('plain/name')).toBe('plain/name');
    const { files } = parse(['diff --git "a/my \\"f\\"" "b/my \\"f\\""', '--- /dev/null', '+++ "b/my \\"f\\""\t', '@@ -0,0 +1 @@', '+x'].join('\n'));
    expect(files[0]!.path).toBe('my "f"');
  });
});

describe('LineSplitter', () => {
  it('splits lines across chunk boundaries, multi-byte characters included', () => {
    const lines: string[] = [];
    const s = new LineSplitter();
    const bytes = Buffer.from('héllo\nwörld\nlast');
    for (let i = 0; i < bytes.length; i += 3) s.push(bytes.subarray(i, i + 3), (l) => lines.push(l));
    s.end((l) => lines.push(l));
    expect(lines).toEqual(['héllo', 'wörld', 'last']);
  });
});
