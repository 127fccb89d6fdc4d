/**
 * Control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides
 * made visible: `\n`, `\r`, `\t`, else `\xHH` / `\uHHHH`. For every piece of scanned data (file
 * names, commit authors and subjects, notes) printed to a terminal or a log: an ESC sequence
 * never reaches the terminal, and a newline in a file name cannot forge a line of output.
 * `keepLineBreaks`: CR and LF are left alone (for formats that escape them their own way).
 */
export function escapeControl(s: string, keepLineBreaks = false): string {
  return s.replace(
    keepLineBreaks
      ? /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
      : /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => {
      if (c === '\n') return '\\n';
      if (c === '\r') return '\\r';
      if (c === '\t') return '\\t';
      const code = c.charCodeAt(0);
      return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    },
  );
}

/**
 * The same characters as escapeControl (tab and line breaks included), each made ONE space:
 * for excerpts, where a marker line under the text must stay aligned character for character.
 */
export function flattenControl(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ');
}
