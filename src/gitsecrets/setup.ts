import { ConfigError } from '../config/configError.js';
import { compileRule, RuleError, type CompiledRule } from '../rules/compile.js';
import type { RuleSpec } from '../rules/spec.js';
import type { AllowStage } from '../scan.js';
import type { Suppression } from '../types.js';
import { fragmentLine } from '../allow/fragmentLine.js';
import type { SecretsSetup } from './secretsConfig.js';
import { EreError, ereToJs, ereToRe2 } from './ere.js';
import { ereIsLinear } from './ereRegex.js';
import { requiredLiteralsOfAll } from './literals.js';
import { AllowMatcher } from './matcher.js';
import { AWS_PATTERNS } from './awsSetup.js';

/**
 * RuleSpecs for git-secrets patterns: ids `git-secrets-pattern-1`, … in config order; each
 * matches as `grep -w -E` does (whole words, GNU ERE) and the whole match is the secret.
 * Descriptions name the pattern by number, not by its text: a pattern may be a leaked secret
 * itself (`git secrets --add --literal KEY`), and descriptions are never redacted.
 * A pattern GNU grep would reject throws RuleError (keyfence then stops with one line, exit 2).
 */
export function gitSecretsRuleSpecs(patterns: readonly string[]): RuleSpec[] {
  const W = 'A-Za-z0-9_';
  return patterns.map((p, i) => {
    const spec: RuleSpec = {
      id: `git-secrets-pattern-${i + 1}`,
      description: `git-secrets prohibited pattern ${i + 1} (git config secrets.patterns)`,
      pattern: '',
      keywords: [],
      severity: 'error',
      help: "Matched a prohibited pattern from this repository's git-secrets setup (git config --get-all secrets.patterns).",
    };
    try {
      if (ereIsLinear(p)) {
        // RE2 has no lookahead: the word test after the match consumes the character (or line
        // end) that follows; the secret is the group.
        spec.pattern = `(?<![${W}])(${ereToRe2(p)})(?:[^${W}]|(?m:$))`;
        const lits = requiredLiteralsOfAll([p]);
        if (lits?.length) spec.literals = lits;
      } else {
        // A backreference: V8, after ereToJs refused nested repetition.
        spec.pattern = `(?<![${W}])(${ereToJs(p, 1)})(?![${W}])`;
        spec.engine = 'backtracking';
      }
    } catch (err) {
      if (err instanceof EreError) throw new RuleError(`git-secrets pattern "${p}" (git config secrets.patterns): ${err.message}`);
      throw err;
    }
    return spec;
  });
}

/**
 * An allow stage for git-secrets allowed patterns: a finding is allowed when its
 * `path:line:text` line (the line git-secrets would print) matches one of them, as
 * `grep -E -v` filters git-secrets' output. `source` names where the patterns came from.
 */
export function gitSecretsAllowStage(patterns: readonly string[], source: 'secrets.allowed' | '.gitallowed'): AllowStage {
  const each = patterns.map((p, i) => {
    try {
      return { p, m: new AllowMatcher([p]) };
    } catch (err) {
      // Named by position, not quoted: an allowed pattern can be the key itself.
      if (err instanceof EreError)
        throw new ConfigError(`${source === '.gitallowed' ? '.gitallowed' : 'git config secrets.allowed'} pattern ${i + 1}: ${err.message}`);
      throw err;
    }
  });
  return (finding, fragment): Suppression | null => {
    // The real line (as git-secrets matches it), not the report's excerpt cut around the secret.
    const line = `${finding.path}:${finding.line}:${fragmentLine(fragment, finding.line) ?? finding.lineText}`;
    const hit = each.find((e) => e.m.allows(line));
    return hit ? { stage: source === '.gitallowed' ? 'gitallowed' : 'git-secrets-allowed', reason: `${source}: ${hit.p}` } : null;
  };
}

/**
 * Adds a repository's git-secrets setup to a scan plan: its patterns as extra rules, its
 * secrets.allowed patterns as an allow stage (put first, so a stage that only audits what the
 * others let through still sees the final answer). The patterns `--register-aws` adds are
 * skipped: keyfence's own AWS rules find the same keys with fewer false positives, and keeping
 * both would report every AWS key twice. `.gitallowed` is not added here: the configured plan
 * already honours it (src/allow/gitallowed.ts). `cfg` comes from readSecretsConfig (or, for
 * the staged diff, from its own git process: setupFrom).
 */
export function addGitSecretsSetup(plan: { rules: CompiledRule[]; stages: AllowStage[] }, cfg: SecretsSetup): void {
  const text = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');
  const patterns = cfg.patterns.filter((p) => !AWS_PATTERNS.includes(p)).map(text);
  for (const spec of gitSecretsRuleSpecs(patterns)) plan.rules.push(compileRule(spec));
  if (cfg.allowed.length) plan.stages.unshift(gitSecretsAllowStage(cfg.allowed.map(text), 'secrets.allowed'));
}
