import { defineConfig } from 'vitest/config';

// Three projects; `npm test` (`vitest run`) runs them all, `vitest run --project NAME` one.
// - unit: modules called directly, no CLI run, no repository, no timing; runs from src/ without
//   a build, in seconds (the linearity test times every rule, so it is an integration test).
// - e2e: the built bin (hooks, the git-secrets drop-in, the Action, the browser report, the
//   package's public entry point): needs `npm run build` first (npm test and test:e2e do it).
// - integration: everything else (the CLI in-process, real git in temporary repositories); runs
//   from src/ without a build. A new test file lands here unless listed above.
const UNIT = [
  'allowGitallowed',
  'allowInline',
  'allowLists',
  'architecture',
  'awsAccount',
  'baseline',
  'decoders',
  'detector',
  'diffParser',
  'fastArgs',
  'gitsecrets-ere',
  'gitsecrets-parseopt',
  'recall',
  'report.formats',
  'rules',
  'wasmPass',
].map((name) => `test/${name}.test.ts`);
const E2E = [
  'action',
  'baselineCommand',
  'bundle',
  'cli',
  'configFiles',
  'configSchema',
  'gitsecrets',
  'gitsecrets-differential',
  'history',
  'html.browser',
  'install',
  'library',
  'redactionHoles',
  'staged',
  'tree',
  'userRegex',
  'workerContext',
].map((name) => `test/${name}.test.ts`);

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: [...UNIT, ...E2E] } },
      { extends: true, test: { name: 'e2e', include: E2E } },
    ],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/config/configValidator.generated.ts'],
      reporter: ['text-summary'],
      // The floor: the whole suite's figures, less about a point, so a run that takes another
      // timing-dependent path (workers start after 16 MB) cannot fail CI. Set at 87/79/89/89 when
      // coverage was added; after issues 10-17 landed the suite measures statements 87.4%,
      // branches 80.5%, functions 89.9%, lines 89.6% (code the built bin runs in child processes
      // is not counted: a command tested only that way needs in-process tests too, see
      // test/escapeControl.test.ts). Raise it as tests grow.
      thresholds: { statements: 86, branches: 79, functions: 89, lines: 89 },
    },
  },
});
