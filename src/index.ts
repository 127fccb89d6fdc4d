/**
 * keyfence's programmatic API (`import { scanText, scanPaths } from 'keyfence'`): the same
 * pipeline the CLI runs, which is one caller of it. See the README's "Library API".
 */
export type * from './types.js';
export type { RuleSpec } from './rules/spec.js';
export { compileRule, RuleError, type CompiledRule } from './rules/compile.js';
export { loadBuiltinRules, selectRules } from './rules/load.js';
export { detect, detectFragment, fingerprintOf } from './detect/detector.js';
export { awsAccountFromKeyId } from './detect/awsAccount.js';
export { scan, type AllowStage, type FragmentSource } from './scan.js';
export { treeFragments } from './sources/tree.js';
export { redactResult, redactSecret } from './report/redact.js';
export { renderReport, reportSink } from './report/index.js';
export type { ReportSink } from './report/sink.js';
export { feedSinks, type ReportWriter } from './report/feedSinks.js';
export { run } from './cli/run.js';
export { scanText, type LibraryScanOptions, type ScanTextOptions } from './engine/scanText.js';
export { scanPaths, type ScanPathsOptions } from './engine/scanPaths.js';
export { planScan, type PlanOptions } from './engine/plan.js';
export { ConfigError, GitError, InputError } from './errors.js';
