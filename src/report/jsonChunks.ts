/** Where a streamed array goes: a placeholder string JSON.stringify keeps as one line. */
const mark = (name: string) => `\u0000keyfence-stream:${name}`;

/**
 * `JSON.stringify(value, null, 2)` in pieces, byte for byte: the arrays named in `streamed`
 * (property name → elements, replacing `value`'s property of that name, at any depth; give the
 * property any value, e.g. [], in `value`)
 * are written one element at a time, so a report with 100,000 findings is never one string.
 * Every other part of `value` is stringified at once (it is small: counts, rules, stats).
 */
export function* jsonChunks(value: unknown, streamed: Record<string, Iterable<unknown>>): Generator<string> {
  let text = JSON.stringify(value, (key, v: unknown) => (Object.hasOwn(streamed, key) ? mark(key) : v), 2);
  for (;;) {
    const m = /^( *)(.*)"\\u0000keyfence-stream:([^"]*)"/m.exec(text);
    if (!m) break;
    const [indent, name] = [m[1]!, m[3]!];
    const at = m.index + m[0].length;
    yield text.slice(0, at - mark(name).length - 7); // up to the opening quote of the placeholder
    text = text.slice(at);
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
