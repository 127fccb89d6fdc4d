import type { CompiledRule } from '../rules/compile.js';
import type { Finding } from '../types.js';
import { firstAtOrAbove } from './sortedSearch.js';

/** Findings of `partner` belong with a finding of `anchor` at most `lines` lines away (either side). */
interface PairSpec {
  anchor: string;
  partner: string;
  lines: number;
}

/**
 * Pairings that no rule's `near` states: a session token belongs with the (ASIA…) key ID it was
 * issued with, as the secret key does, but has no unnamed form to look for around it.
 */
const EXTRA_PAIRS: readonly PairSpec[] = [{ anchor: 'aws-access-key-id', partner: 'aws-session-token', lines: 5 }];

/** Most fingerprints one finding lists in `related` (a dump of many keys stays readable). */
const MAX_RELATED = 8;

const specsOf = new WeakMap<readonly CompiledRule[], PairSpec[]>();

/** The pairings among `rules`: each rule with `near` pairs with the rule it is near, plus EXTRA_PAIRS. */
function pairSpecs(rules: readonly CompiledRule[]): PairSpec[] {
  let specs = specsOf.get(rules);
  if (!specs) {
    const ids = new Set(rules.map((r) => r.id));
    specs = rules.flatMap((r) => (r.near ? [{ anchor: r.near.rule, partner: r.id, lines: r.near.linesAfter }] : []));
    for (const extra of EXTRA_PAIRS) if (!specs.some((s) => s.anchor === extra.anchor && s.partner === extra.partner)) specs.push(extra);
    specs = specs.filter((s) => ids.has(s.anchor) && ids.has(s.partner));
    specsOf.set(rules, specs);
  }
  return specs;
}

/**
 * Links the findings of one fragment that belong together: each anchor finding (an AWS key ID)
 * and the partner findings (its secret key, its session token) within the pairing's window of
 * lines form a group, and every member of a group lists the other members of other rules in
 * `related` (two secrets near one key ID are alternatives, not companions), nearest line first
 * (at the same distance, for a key ID the finding below it, as a secret usually follows its key
 * ID; for the others the one above), at most MAX_RELATED. A member of no group gets no
 * `related`. Mutates `findings`; expects them sorted by line. Linear in the findings times the
 * window's width.
 */
export function linkPairs(findings: Finding[], rules: readonly CompiledRule[]): void {
  if (findings.length < 2) return;
  const links = new Map<Finding, Set<Finding>>();
  const link = (a: Finding, b: Finding) => {
    if (a.fingerprint === b.fingerprint) return;
    let set = links.get(a);
    if (!set) links.set(a, (set = new Set()));
    set.add(b);
  };
  // One group per anchor: it and every partner (of any pairing) within that pairing's window.
  const groups = new Map<Finding, Finding[]>();
  for (const spec of pairSpecs(rules)) {
    const anchors = findings.filter((f) => f.ruleId === spec.anchor);
    if (anchors.length === 0) continue;
    const partners = findings.filter((f) => f.ruleId === spec.partner);
    if (partners.length === 0) continue;
    const lines = partners.map((p) => p.line);
    for (const anchor of anchors) {
      let group = groups.get(anchor);
      // The first partner at or after anchor.line - spec.lines, then on while within the window.
      for (let i = firstAtOrAbove(lines, anchor.line - spec.lines); i < partners.length && lines[i]! <= anchor.line + spec.lines; i++) {
        if (!group) groups.set(anchor, (group = [anchor]));
        group.push(partners[i]!);
      }
    }
  }
  // Partners of one rule are alternatives (which secret is this key's?), not companions.
  for (const group of groups.values()) for (const a of group) for (const b of group) if (a !== b && a.ruleId !== b.ruleId) link(a, b);
  for (const [f, set] of links) {
    // At the same distance, a key ID's partner below it comes first, and a partner's key ID above it.
    const below = groups.has(f) ? -1 : 1;
    const near = [...set].sort((a, b) => Math.abs(a.line - f.line) - Math.abs(b.line - f.line) || below * (a.line - b.line) || a.column - b.column);
    const related = [...new Set(near.map((r) => r.fingerprint))].slice(0, MAX_RELATED);
    if (related.length) f.related = related;
  }
}
