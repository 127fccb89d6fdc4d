/**
 * `JSON.stringify(value, null, 2)` in pieces, byte for byte: the arrays named in `streamed`
 * (property name → elements, replacing `value`'s property of that name, at any depth; give the
 * property any value, e.g. [], in `value`) are written one element at a time, so a report with
 * 100,000 findings is never one string. Every other part of `value` is stringified at once (it
 * is small: counts, rules, stats).
 */
export function* jsonChunks(value: unknown, streamed: Record<string, Iterable<unknown>>): Generator<string> {
  // Where a streamed array goes: a placeholder string no data can forge (a fresh random tag;
  // a NUL in data would be escaped by JSON.stringify anyway).
  const tag = `\u0000keyfence-stream-${Math.random().toString(36).slice(2)}:`;
  const quotedTag = JSON.stringify(tag).slice(0, -1); // "\u0000keyfence-stream-…:
  let text = JSON.stringify(value, (key, v: unknown) => (Object.hasOwn(streamed, key) ? `${tag}${key}` : v), 2);
  for (;;) {
    const at = text.indexOf(quotedTag);
    if (at === -1) break;
    const end = text.indexOf('"', at + quotedTag.length);
    const name = text.slice(at + quotedTag.length, end);
    const lineStart = text.lastIndexOf('\n', at) + 1;
    const indent = /^ */.exec(text.slice(lineStart, at))![0];
    yield text.slice(0, at);
    text = text.slice(end + 1);
    const inner = `${indent}  `;
    let first = true;
    for (const item of streamed[name]!) {
      yield `${first ? '[\n' : ',\n'}${inner}${JSON.stringify(item, null, 2).replace(/\n/g, `\n${inner}`)}`;
      first = false;
    }
    yield first ? '[]' : `\n${indent}]`;
  }
  yield text;
}
