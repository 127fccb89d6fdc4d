import { compileRule, RuleError, type CompiledRule } from '../rules/compile.js';
import type { RuleSpec } from '../rules/spec.js';
import type { AllowStage } from '../scan.js';
import type { Suppression } from '../types.js';
import { loadAllowed, readSecretsConfig } from './config.js';
import { EreError, ereToJs } from './ere.js';
import { gitRun } from './gitio.js';
import { AllowMatcher } from './matcher.js';

/** A repository's git-secrets configuration, as `keyfence scan` uses it. */
export interface GitSecretsSetup {
  /** secrets.patterns (git config --get-all order): extra prohibited patterns, GNU EREs. */
  patterns: string[];
  /** secrets.allowed: EREs tested against git-secrets' `path:line:text` line. */
  allowed: string[];
  /** The `.gitallowed` file at the work tree's top: same kind of patterns. */
  gitallowed: string[];
}

/**
 * Reads the git-secrets setup seen from `cwd` (local, global and system git config; `.gitallowed`
 * at the top of the work tree). Providers (secrets.providers) are not run. Empty lists when
 * `cwd` is not in a repository or git-secrets was never configured.
 */
export async function readGitSecretsSetup(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<GitSecretsSetup> {
  const [cfg, top] = await Promise.all([
    readSecretsConfig(cwd, env),
    gitRun(['rev-parse', '--show-toplevel'], cwd, undefined, env),
  ]);
  const toplevel = top.code === 0 ? top.stdout.toString('utf8').replace(/\n$/, '') : undefined;
  const gitallowed = toplevel ? loadAllowed({ ...cfg, allowed: [] }, toplevel) : [];
  // Values are bytes as latin1 characters; rules and allow lists work on JS strings.
  const text = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');
  return { patterns: cfg.patterns.map(text), allowed: cfg.allowed.map(text), gitallowed: gitallowed.map(text) };
}

/**
 * RuleSpecs for git-secrets patterns: ids `git-secrets-pattern-1`, … in config order; each
 * matches as `grep -w -E` does (whole words, GNU ERE) and the whole match is the secret.
 * A pattern GNU grep would reject throws RuleError (keyfence then stops with one line, exit 2).
 */
export function gitSecretsRuleSpecs(patterns: readonly string[]): RuleSpec[] {
  const translate = (p: string): string => {
    try {
      return ereToJs(p, 1);
    } catch (err) {
      if (err instanceof EreError) throw new RuleError(`git-secrets pattern "${p}" (git config secrets.patterns): ${err.message}`);
      throw err;
    }
  };
  return patterns.map((p, i) => ({
    id: `git-secrets-pattern-${i + 1}`,
    description: `git-secrets prohibited pattern (secrets.patterns): ${p}`,
    pattern: `(?<![A-Za-z0-9_])(${translate(p)})(?![A-Za-z0-9_])`,
    keywords: [],
    severity: 'error',
    help: 'Matched a prohibited pattern from this repository\'s git-secrets setup (git config --get-all secrets.patterns).',
  }));
}

/**
 * An allow stage for git-secrets allowed patterns: a finding is allowed when its
 * `path:line:text` line (the line git-secrets would print) matches one of them, as
 * `grep -E -v` filters git-secrets' output. `source` names where the patterns came from.
 */
export function gitSecretsAllowStage(patterns: readonly string[], source: 'secrets.allowed' | '.gitallowed'): AllowStage {
  const each = patterns.map((p) => ({ p, m: new AllowMatcher([p]) }));
  return (finding): Suppression | null => {
    const line = `${finding.path}:${finding.line}:${finding.lineText}`;
    const hit = each.find((e) => e.m.allows(line));
    return hit ? { stage: source === '.gitallowed' ? 'gitallowed' : 'git-secrets-allowed', reason: `${source}: ${hit.p}` } : null;
  };
}

/**
 * Adds a repository's git-secrets setup to a scan plan: its patterns as extra rules, its
 * secrets.allowed patterns as an allow stage (put first, so a stage that only audits what the
 * others let through still sees the final answer). `.gitallowed` is not added here: the
 * configured plan already honours it (src/allow/gitallowed.ts). Nothing changes without a setup.
 */
export async function addGitSecretsSetup(plan: { rules: CompiledRule[]; stages: AllowStage[] }, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const setup = await readGitSecretsSetup(cwd, env);
  for (const spec of gitSecretsRuleSpecs(setup.patterns)) plan.rules.push(compileRule(spec));
  if (setup.allowed.length) plan.stages.unshift(gitSecretsAllowStage(setup.allowed, 'secrets.allowed'));
}
