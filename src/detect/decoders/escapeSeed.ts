/** Characters of a credential's value (base64 and base32 alphabets). */
const VALUE = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=') VALUE[c.charCodeAt(0)] = 1;
const isValue = (text: string, i: number): boolean => i >= 0 && i < text.length && VALUE[text.charCodeAt(i)] === 1;

/** How many value characters a quote must stand next to for it to count (a key ID is 20). */
const QUOTED_VALUE = 16;

/**
 * Whether an escape at source [start, end) that decodes to `ch` can change what the detector
 * finds, so the layer is worth scanning around it (escapes are everywhere in minified code and
 * HTML: `[\x00-\x1f]`, `&#39;`, `&amp;`; rescanning every file that has one would double the
 * work). It can when it spells a letter or digit (nothing needs those escaped: a value written
 * wholly in escapes), when it is a `/`, `+` or `=` inside a value (letters or an escape on both
 * sides), or when it is a quote or `:` next to QUOTED_VALUE value characters (a value quoted by
 * escapes, `&quot;wJalr…&quot;`).
 */
export function escapeSeed(text: string, start: number, end: number, ch: string): boolean {
  if (/^[A-Za-z0-9]$/.test(ch)) return true;
  if (ch === '/' || ch === '+' || ch === '=') {
    const before = isValue(text, start - 1) || text[start - 1] === ';' || text[start - 1] === '}';
    const after = isValue(text, end) || text[end] === '&' || text[end] === '\\';
    return before && after;
  }
  if (ch === '"' || ch === "'" || ch === ':' || ch === '`') {
    let n = 0;
    while (n < QUOTED_VALUE && isValue(text, end + n)) n++;
    if (n === QUOTED_VALUE) return true;
    n = 0;
    while (n < QUOTED_VALUE && isValue(text, start - 1 - n)) n++;
    return n === QUOTED_VALUE;
  }
  return false;
}
