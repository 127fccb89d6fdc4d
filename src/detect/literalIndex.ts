import type { CompiledRule } from '../rules/compile.js';

/**
 * Which of a rule set's `literals` occur in a text, found with a few memchr-fast searches
 * instead of one substring search per literal (V8's `includes` of a short literal costs about
 * as much as a regex pass; with a rule per provider there are dozens of literals).
 *
 * Each literal is found through its rarest character (RARITY): every occurrence of that
 * character in the text is visited with `indexOf` (memchr speed), and only the literals filed
 * under it, and under the character before it, are compared in place. Literals share
 * characters (`_` ends `ghp_`, `npm_`, `hf_`…), so a rule set of ~35 literals costs ~8 searches
 * of characters that are each under 0.5% of source text. The answer is the same as
 * `text.includes(literal)` for each literal.
 */

/**
 * ASCII characters from the rarest to the commonest in source code (measured over ~200 MB of
 * npm packages: `npm run bench`'s corpus). Characters absent (non-ASCII, controls) count as rarer.
 */
const RARITY = '~^%Z#X@J$7!+9Y8<65&`HV4z3Q>j|?W][K2U\'qFLG_1NO0PMD-wBRxk\\Tv;=*I)(/SEb{}yg.fC:hmdplucs,A"sioanrte ';

/** Rank of a character from the rarest in code (-1: rarer than any ranked). */
export function rarity(code: number): number {
  if (code > 0x7e || code < 0x20) return code === 0x0a || code === 0x09 ? RARITY.length : -1;
  return RARITY.indexOf(String.fromCharCode(code));
}

/** A literal filed under one of its characters, at `at`. */
type Entry = [literal: string, at: number];

interface Group {
  /** The character searched for. */
  char: string;
  /** Literals whose character is not their first, by the code of the character before it. */
  byPrev: Map<number, Entry[]>;
  /** Literals that start with the character. */
  first: string[];
}

const indexes = new WeakMap<readonly CompiledRule[], Group[]>();

function literalIndex(rules: readonly CompiledRule[]): Group[] {
  return indexes.get(rules) ?? buildIndex(rules);
}

function buildIndex(rules: readonly CompiledRule[]): Group[] {
  const groups = new Map<string, Group>();
  for (const literal of new Set(rules.flatMap((r) => r.literals))) {
    let at = 0;
    for (let i = 1; i < literal.length; i++) if (rarity(literal.charCodeAt(i)) < rarity(literal.charCodeAt(at))) at = i;
    const char = literal[at]!;
    let g = groups.get(char);
    if (!g) groups.set(char, (g = { char, byPrev: new Map(), first: [] }));
    if (at === 0) g.first.push(literal);
    else {
      const prev = literal.charCodeAt(at - 1);
      g.byPrev.set(prev, [...(g.byPrev.get(prev) ?? []), [literal, at]]);
    }
  }
  const index = [...groups.values()];
  indexes.set(rules, index);
  return index;
}

/** A text's literals found by the WebAssembly pass (./wasmPass.ts). */
let primed: { text: string; rules: readonly CompiledRule[]; found: Set<string> } | undefined;

/** The literals of `rules` in the whole of `text`, found elsewhere: what literalsIn gives for them until another text is primed. */
export function primeLiterals(text: string, rules: readonly CompiledRule[], found: Set<string>): void {
  primed = { text, rules, found };
}

/** The literals of `rules` that occur in `text`. Linear in the text per distinct searched character. */
export function literalsIn(text: string, rules: readonly CompiledRule[]): Set<string> {
  if (primed !== undefined && primed.rules === rules && primed.text === text) return primed.found;
  const found = new Set<string>();
  for (const { char, byPrev, first } of literalIndex(rules)) {
    for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) {
      for (let k = 0; k < first.length; k++) if (text.startsWith(first[k]!, i)) found.add(first[k]!);
      const entries = i > 0 ? byPrev.get(text.charCodeAt(i - 1)) : undefined;
      if (entries) for (let k = 0; k < entries.length; k++) if (text.startsWith(entries[k]![0], i - entries[k]![1])) found.add(entries[k]![0]);
    }
  }
  return found;
}
