import { resolveEnrichers, type Enricher } from '../detect/enrichers.js';
import { resolveGates, type Gate } from '../detect/gates.js';
import { linearRegex, type RegexLike } from './linearRegex.js';
import type { RuleSpec } from './spec.js';
import { RuleError } from '../errors.js';

export interface CompiledNear {
  rule: string;
  linesAfter: number;
  re: RegexLike;
  entropy: number;
  gates: Gate[];
}

/** A rule ready for the detector: regexes compiled once, keywords lowered, gates resolved. */
export interface CompiledRule {
  spec: RuleSpec;
  id: string;
  re: RegexLike;
  keywords: string[];
  /** Case-sensitive literals, one of which every match contains (empty: no such prefilter). */
  literals: string[];
  entropy: number;
  gates: Gate[];
  /** Enrichers filling the finding's metadata (`awsAccount: true` is "aws-account"). */
  enrichers: Enricher[];
  /** The pattern may match across lines (see RuleSpec.multiline). */
  multiline: boolean;
  /** Keyword windows (see RuleSpec.window): lines after a keyword's line, and the run every match holds (0: none). */
  linesAfter: number;
  minRun: number;
  near?: CompiledNear;
  allowRes: RegexLike[];
  allowTarget: 'secret' | 'line';
  stopwords: string[];
}

export { RuleError };

/**
 * One of a rule's regexes: on V8 for a rule keyfence vouches for (`engine: "backtracking"`),
 * else on the linear-time engine, which refuses what it cannot run in linear time.
 */
function compileRegex(spec: RuleSpec, field: string, source: string, flags = ''): RegexLike {
  const all = [...new Set(`gd${flags}`.split(''))].join('');
  if (spec.engine !== 'backtracking') {
    try {
      return linearRegex(source, all, field);
    } catch (err) {
      throw new RuleError(`rule "${spec.id}": ${(err as Error).message}`);
    }
  }
  try {
    return new RegExp(source, all);
  } catch (err) {
    throw new RuleError(`rule "${spec.id}": ${field} is not a valid regular expression: ${(err as Error).message}`);
  }
}

/** The rule's enrichers: `enrich`, plus "aws-account" for the older `awsAccount: true`. */
function enrichers(spec: RuleSpec): Enricher[] {
  const names = [...(spec.enrich ?? [])];
  if (spec.awsAccount && !names.includes('aws-account')) names.push('aws-account');
  try {
    return resolveEnrichers(names);
  } catch (err) {
    throw new RuleError(`rule "${spec.id}": enrich: ${(err as Error).message}`);
  }
}

/** Compiles one rule. Throws RuleError naming the rule and field on a bad regex or gate. */
export function compileRule(spec: RuleSpec): CompiledRule {
  const gates = (names: string[] | undefined, field: string): Gate[] => {
    try {
      return resolveGates(names ?? []);
    } catch (err) {
      throw new RuleError(`rule "${spec.id}": ${field}: ${(err as Error).message}`);
    }
  };
  const rule: CompiledRule = {
    spec,
    id: spec.id,
    re: compileRegex(spec, 'pattern', spec.pattern, spec.flags),
    keywords: (spec.keywords ?? []).map((k) => k.toLowerCase()),
    literals: spec.literals ?? [],
    entropy: spec.entropy ?? 0,
    gates: gates(spec.gates, 'gates'),
    enrichers: enrichers(spec),
    multiline: spec.multiline === true,
    linesAfter: spec.window?.linesAfter ?? 0,
    minRun: spec.window?.minRun ?? 0,
    allowRes: (spec.allow?.regexes ?? []).map((r, i) => compileRegex(spec, `allow.regexes[${i}]`, r)),
    allowTarget: spec.allow?.regexTarget ?? 'secret',
    stopwords: (spec.allow?.stopwords ?? []).map((w) => w.toLowerCase()),
  };
  if (spec.near) {
    rule.near = {
      rule: spec.near.rule,
      linesAfter: spec.near.linesAfter,
      re: compileRegex(spec, 'near.pattern', spec.near.pattern, spec.near.flags),
      entropy: spec.near.entropy ?? rule.entropy,
      gates: gates(spec.near.gates ?? spec.gates, 'near.gates'),
    };
  }
  return rule;
}
