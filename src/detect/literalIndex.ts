import type { CompiledRule } from '../rules/compile.js';

/**
 * Which of a rule set's `literals` occur in a text, found in one pass instead of one substring
 * search per literal (with a rule per provider, most of them ending in `_` or `-`: `ghp_`,
 * `npm_`, `xoxb-`, `PMAK-`, …, those searches were most of the prefilter's time).
 *
 * A literal of 3 or more characters that ends in a DELIMITER is found by visiting each
 * occurrence of that delimiter in the text (memchr speed: `_` and `-` are far rarer than
 * letters) and looking up the two characters before it in a table of the literals that end
 * that way, then comparing in place. Every other literal is one `includes`. The answer is the
 * same as `text.includes(literal)` for each literal.
 */
const DELIMITERS = ['_', '-'];

interface LiteralIndex {
  /** Key: the two characters before the delimiter and the delimiter (see keyAt). */
  byKey: Map<number, string[]>;
  delimiters: string[];
  /** Literals searched with `includes`. */
  plain: string[];
}

const indexes = new WeakMap<readonly CompiledRule[], LiteralIndex>();

const keyAt = (s: string, i: number) => (s.charCodeAt(i - 2) << 16) | (s.charCodeAt(i - 1) << 8) | s.charCodeAt(i);

function literalIndex(rules: readonly CompiledRule[]): LiteralIndex {
  let index = indexes.get(rules);
  if (index) return index;
  index = { byKey: new Map(), delimiters: [], plain: [] };
  for (const literal of new Set(rules.flatMap((r) => r.literals))) {
    const last = literal.at(-1)!;
    if (literal.length >= 3 && DELIMITERS.includes(last) && literal.charCodeAt(literal.length - 2) < 256 && literal.charCodeAt(literal.length - 3) < 256) {
      const key = keyAt(literal, literal.length - 1);
      index.byKey.set(key, [...(index.byKey.get(key) ?? []), literal]);
      if (!index.delimiters.includes(last)) index.delimiters.push(last);
    } else {
      index.plain.push(literal);
    }
  }
  indexes.set(rules, index);
  return index;
}

/** The literals of `rules` that occur in `text`. Linear in the text per delimiter and plain literal. */
export function literalsIn(text: string, rules: readonly CompiledRule[]): Set<string> {
  const { byKey, delimiters, plain } = literalIndex(rules);
  const found = new Set<string>();
  for (const d of delimiters) {
    for (let i = text.indexOf(d, 2); i !== -1; i = text.indexOf(d, i + 1)) {
      const candidates = byKey.get(keyAt(text, i));
      if (!candidates) continue;
      for (const literal of candidates) if (text.startsWith(literal, i + 1 - literal.length)) found.add(literal);
    }
  }
  for (const literal of plain) if (text.includes(literal)) found.add(literal);
  return found;
}
