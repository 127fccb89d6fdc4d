import type { ConfiguredPlan } from '../config/configuredPlan.js';
import type { SecretsSetup } from '../gitsecrets/secretsConfig.js';

/** What decides a scan's rules and allow stages (the CLI's flags, or a library caller's options). */
export interface PlanOptions {
  /** Directory the paths, --config and --baseline resolve against. */
  cwd: string;
  /** Environment for the git calls (the repository's git-secrets setup); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The scan's paths: they decide the scan root, hence where the config is looked for. */
  paths: readonly string[];
  /** A config file to use instead of looking for .keyfence.json (--config). */
  config?: string;
  /** A baseline file whose findings are allowed (--baseline); else the config's `baseline`. */
  baseline?: string;
  /** false: inline allow comments allow nothing, and the plan's notes count what they would hide. Default true. */
  inlineAllow?: boolean;
  /** false when writing a baseline: recorded findings must not hide themselves. Default true. */
  useBaseline?: boolean;
  /** false (--no-git): the repository's git-secrets setup is not read. Default true. */
  git?: boolean;
  /** The git-secrets setup, when it was already read (the staged diff's git process reads it: see readStagedDiff). */
  secrets?: SecretsSetup | undefined;
  /**
   * A revision (a range scan's base): the config, .gitallowed and the config's baseline are read
   * as of it, not from the work tree, so a range cannot switch its own scan off.
   */
  revision?: string;
  /** The plan's notes say which configuration was applied and what it turns off (--no-git audits). */
  describeConfig?: boolean;
  /** Run only the rules of these providers (--only). */
  only?: readonly string[] | undefined;
}

/**
 * The rules and allow stages of a scan: the built-ins, the config (.keyfence.json at the
 * repository root, or the scan root outside git, or `config`), .gitallowed, the baseline and
 * inline comments (see src/config/configuredPlan.ts), and the repository's git-secrets setup
 * (secrets.patterns as rules, secrets.allowed as an allow stage). Throws ConfigError (or
 * RuleError) for anything invalid, naming file and field.
 */
export async function planScan(opts: PlanOptions): Promise<ConfiguredPlan> {
  // The git-secrets setup's `git config` read runs while the config loads; the drop-in's
  // modules load only when there is something to apply.
  const secrets =
    opts.git === false
      ? undefined
      : (opts.secrets ?? import('../gitsecrets/secretsConfig.js').then((m) => m.readSecretsConfig(opts.cwd, opts.env ?? process.env)));
  const { configuredPlan } = await import('../config/configuredPlan.js');
  const plan = await configuredPlan({
    cwd: opts.cwd,
    paths: opts.paths,
    config: opts.config,
    baseline: opts.baseline,
    inlineAllow: opts.inlineAllow !== false,
    useBaseline: opts.useBaseline !== false,
    ...(opts.describeConfig ? { describeConfig: true } : {}),
    ...(opts.revision !== undefined ? { revision: opts.revision } : {}),
    ...(opts.only ? { only: opts.only } : {}),
  });
  const cfg = await secrets;
  if (cfg && (cfg.patterns.length || cfg.allowed.length)) (await import('../gitsecrets/setup.js')).addGitSecretsSetup(plan, cfg);
  return plan;
}
