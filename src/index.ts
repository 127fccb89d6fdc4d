/** keyfence's programmatic API: the same pipeline the CLI runs. */
export type * from './types.js';
export type { RuleSpec } from './rules/spec.js';
export { compileRule, RuleError, type CompiledRule } from './rules/compile.js';
export { loadBuiltinRules, selectRules } from './rules/load.js';
export { detect, fingerprintOf } from './detect/detector.js';
export { awsAccountFromKeyId } from './detect/awsAccount.js';
export { scan, type AllowStage, type FragmentSource } from './scan.js';
export { treeFragments } from './sources/tree.js';
export { redactResult, redactSecret } from './report/redact.js';
export { renderReport } from './report/index.js';
export { run } from './cli/run.js';
