import { describe, expect, it } from 'vitest';
import { escapeControl } from '../src/report/escapeControl.js';

// What a file name or commit subject becomes before it reaches a terminal or a log.
describe('escapeControl', () => {
  it('makes every control, separator and bidi override visible, and leaves other text alone', () => {
    expect(escapeControl('a\nb\rc\td')).toBe('a\\nb\\rc\\td');
    expect(escapeControl('\u001b[31mred\u0007')).toBe('\\x1b[31mred\\x07');
    expect(escapeControl('\u007f\u009b')).toBe('\\x7f\\x9b');
    expect(escapeControl('x\u2028y\u202ez\u2066')).toBe('x\\u2028y\\u202ez\\u2066');
    expect(escapeControl('café/файл 名前.env')).toBe('café/файл 名前.env');
  });

  it('keepLineBreaks leaves CR and LF for formats that escape them their own way', () => {
    expect(escapeControl('a\r\nb\t\u001b', true)).toBe('a\r\nb\\t\\x1b');
  });
});
