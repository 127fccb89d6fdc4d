import { existsSync } from 'node:fs';
import path from 'node:path';
import { inlineAllowStage, inlineAuditStage } from '../allow/inlineAllow.js';
import type { CompiledRule } from '../rules/compile.js';
import { loadBuiltinRules, selectRules } from '../rules/load.js';
import type { AllowStage } from '../scan.js';
import type { AllowList } from './keyfenceConfig.js';
import { displayPath, loadConfig, type ConfigLocation } from './loadConfig.js';
import { readConfigFile } from './readConfigFile.js';

/** The baseline file `keyfence baseline` writes at the root, and scans read from there by default. */
export const DEFAULT_BASELINE_NAME = '.keyfence-baseline.json';

export interface PlanInput {
  cwd: string;
  /** The scan's paths (they decide the scan root, hence where the config is looked for). */
  paths: readonly string[];
  /** --config FILE. */
  config?: string;
  /** --baseline FILE. */
  baseline?: string;
  /** false for --no-inline-allow. */
  inlineAllow: boolean;
  /** false when writing a baseline: recorded findings must not hide themselves. */
  useBaseline?: boolean;
  /**
   * A range scan's base revision: the repository's `.keyfence.json`, `.gitallowed` and the
   * baseline (the config's, or the default .keyfence-baseline.json) are read as of this revision, so the range cannot loosen its own scan.
   * Files named on the command line (--config, --baseline) are read as given.
   */
  revision?: string;
  /** Add a note naming the configuration applied and what it turns off (`--no-git` audits). */
  describeConfig?: boolean;
  /** --only: run the rules of these providers alone. */
  only?: readonly string[];
}

export interface ConfiguredPlan {
  rules: CompiledRule[];
  stages: AllowStage[];
  location: ConfigLocation;
  /**
   * The baseline file in force (absolute): --baseline, else the config's `baseline`, else
   * .keyfence-baseline.json at the root when it exists (where `keyfence baseline` writes it;
   * in a range scan, that path whatever the work tree holds: it is read as of the base).
   */
  baselineFile?: string;
  /** The baseline applied to this scan, as shown to the user (absent when none was read). */
  baselineApplied?: string;
  /** Notes for stderr once the scan ran (e.g. what --no-inline-allow now reports). */
  notes: () => string[];
}

/** The stages of one allowlist: paths, regexes, stopwords (each only when non-empty). */
async function listStages(list: AllowList, field: string, ruleId?: string): Promise<AllowStage[]> {
  const stages: AllowStage[] = [];
  if (list.paths?.length) {
    const { pathAllowStage } = await import('../allow/pathAllow.js'); // micromatch only when globs are used
    stages.push(pathAllowStage(list.paths, `${field}.paths`, ruleId));
  }
  if (list.regexes?.length) {
    const { regexAllowStage } = await import('../allow/regexAllow.js');
    stages.push(regexAllowStage(list.regexes, list.regexTarget ?? 'secret', `${field}.regexes`, ruleId));
  }
  if (list.stopwords?.length) {
    const { stopwordAllowStage } = await import('../allow/stopwordAllow.js');
    stages.push(stopwordAllowStage(list.stopwords, `${field}.stopwords`, ruleId));
  }
  return stages;
}

/**
 * An allowlist file at the root (`.gitallowed`, `.gitleaksignore`): its text and the path to show,
 * or undefined when absent. Throws ConfigError naming it when it cannot be read.
 */
function readRootFile(root: string, name: string, cwd: string): { text: string; shown: string } | undefined {
  const file = path.join(root, name);
  const shown = displayPath(file, cwd);
  // Capped, regular files only (readConfigFile): a FIFO or /dev/zero is one ConfigError.
  const text = readConfigFile(file, shown, { missingOk: true });
  return text === undefined ? undefined : { text, shown };
}

/**
 * The rules and allow stages of a scan, from the built-ins, the config (see loadConfig), the
 * repository's `.gitallowed`, a baseline and the flags. Stage order (the first that answers
 * is the reason shown): inline comments, config allowlists (global, then per rule),
 * .gitallowed, .gitleaksignore, baseline. Throws ConfigError for anything invalid, naming file and field.
 */
export async function configuredPlan(input: PlanInput): Promise<ConfiguredPlan> {
  const location = await loadConfig({ cwd: input.cwd, paths: input.paths, configPath: input.config, revision: input.revision });
  const { revision } = location;
  const atRevision = async (rel: string) => (await import('./readAtRevision.js')).readAtRevision(location.root, revision!, [rel]).then((m) => m.get(rel));
  /** A root allowlist file: as of the range's base in a range scan, else from the work tree. */
  const rootFile = async (name: string): Promise<{ text: string; shown: string } | undefined> => {
    if (revision === undefined) return readRootFile(location.root, name, input.cwd);
    const text = await atRevision(name);
    return text === undefined ? undefined : { text, shown: `${revision}:${name}` };
  };
  const { loaded } = location;
  const stages: AllowStage[] = [];
  const hidden = { count: 0 };
  /** The files in force, as messages name them (for describeConfig). */
  const applied: string[] = loaded ? [loaded.shown] : [];
  if (input.inlineAllow) stages.push(inlineAllowStage());

  let rules: CompiledRule[];
  if (loaded) {
    const { resolveRules } = await import('./resolveRules.js');
    const resolved = resolveRules(loaded.config, loaded.shown, loadBuiltinRules(), input.only);
    rules = resolved.rules;
    stages.push(...(await listStages(loaded.config.allow ?? {}, 'allow')));
    for (const [id, lists] of resolved.byRule) for (const { list, field } of lists) stages.push(...(await listStages(list, field, id)));
  } else {
    rules = selectRules(loadBuiltinRules(), [], [], { only: input.only });
  }

  if (location.inRepo) {
    const gitallowed = await rootFile('.gitallowed');
    if (gitallowed) {
      const { gitallowedStage, parseGitallowed } = await import('../allow/gitallowed.js');
      stages.push(gitallowedStage(parseGitallowed(gitallowed.text, gitallowed.shown), gitallowed.shown));
      applied.push(gitallowed.shown);
    }
  }

  // gitleaks' fingerprints file, for people arriving from gitleaks (see ../allow/gitleaksIgnore.ts).
  const gitleaksIgnore = await rootFile('.gitleaksignore');
  if (gitleaksIgnore) {
    const { gitleaksIgnoreStage, parseGitleaksIgnore } = await import('../allow/gitleaksIgnore.js');
    stages.push(gitleaksIgnoreStage(parseGitleaksIgnore(gitleaksIgnore.text), gitleaksIgnore.shown));
    applied.push(gitleaksIgnore.shown);
  }

  let baselineFile: string | undefined;
  let required = false;
  if (input.baseline !== undefined) {
    baselineFile = path.resolve(input.cwd, input.baseline);
    required = true;
  } else if (loaded?.config.baseline !== undefined) {
    baselineFile = path.resolve(path.dirname(loaded.file), loaded.config.baseline);
  } else if (revision !== undefined || existsSync(path.join(location.root, DEFAULT_BASELINE_NAME))) {
    // Used by default, as gitleaks reads .gitleaksignore: `keyfence baseline` then just works.
    // A range scan looks for it as of the base whatever the work tree holds (read below).
    baselineFile = path.join(location.root, DEFAULT_BASELINE_NAME);
  }
  let baselineApplied: string | undefined;
  if (baselineFile && input.useBaseline !== false) {
    const rel = path.relative(location.root, baselineFile).split(path.sep).join('/');
    if (revision !== undefined && !required && !rel.startsWith('..')) {
      // The config's (or the default) baseline, as of the range's base like the config.
      const text = await atRevision(rel);
      const { baselineStage, parseBaseline } = await import('../baseline/baseline.js');
      const shown = `${revision}:${rel}`;
      if (text !== undefined) {
        stages.push(baselineStage(parseBaseline(text, shown), shown));
        applied.push(shown);
        baselineApplied = shown;
      }
    } else {
      const shown = displayPath(baselineFile, input.cwd);
      const { baselineStage, readBaselineFile } = await import('../baseline/baseline.js');
      const baseline = readBaselineFile(baselineFile, shown, required);
      if (baseline) {
        stages.push(baselineStage(baseline, shown));
        applied.push(shown);
        baselineApplied = shown;
      }
    }
  }

  // Last, so it counts only what is now reported because inline comments were ignored.
  if (!input.inlineAllow) stages.push(inlineAuditStage(hidden));
  const summary = input.describeConfig ? (await import('./configSummary.js')).configSummary(applied, loaded?.config) : undefined;
  const notes = () => [
    ...(hidden.count ? [`--no-inline-allow: reporting ${hidden.count} finding${hidden.count === 1 ? '' : 's'} that inline allow comments would hide`] : []),
    ...(summary ? [summary] : []),
  ];
  return { rules, stages, location, ...(baselineFile ? { baselineFile } : {}), ...(baselineApplied ? { baselineApplied } : {}), notes };
}
