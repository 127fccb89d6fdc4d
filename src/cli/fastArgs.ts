import { camel, SCAN_OPTIONS, scanArgsFrom, type ScanArgs } from './scanOptions.js';

/** Short aliases of the fast options (`-q` → quiet). */
function aliases(): Map<string, string> {
  const m = new Map<string, string>();
  for (const [name, spec] of Object.entries(SCAN_OPTIONS)) if (spec.fast && spec.alias) m.set(spec.alias, name);
  return m;
}

/**
 * The hook fast path: parses the few `keyfence scan` invocations git hooks make (`scan
 * --staged`, `scan --commit-msg FILE`, `scan --pre-push REMOTE`) and history scans, with the
 * options marked `fast: true` in SCAN_OPTIONS, without loading yargs (~50 ms of the < 100 ms
 * pre-commit budget). `scan --staged … FILE…` (lint-staged and the pre-commit framework pass the
 * file names) is one of them: paths are taken with --staged only, never "-", "true", "false" or
 * a name starting with "-". Returns exactly the ScanArgs yargs would produce for the same argv, or null for
 * anything it does not handle (other commands or options, paths without --staged, `--opt=value` forms,
 * repeated options, a missing or invalid choice, help, version): the caller then parses with
 * yargs, after checkArgs/takeRedact (strictArgs.ts), which produce every error message. So the
 * fast path is as strict as the slow one: anything it is unsure of goes there.
 */
export function fastScanArgs(argv: readonly string[]): ScanArgs | null {
  if (argv[0] !== 'scan') return null;
  const short = aliases();
  const parsed: Record<string, unknown> = {};
  const paths: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const token = argv[i]!;
    if (token !== '' && !token.startsWith('-')) {
      // A positional, wherever it stands (as yargs collects them); yargs reads true/false after
      // a boolean flag as its value, so those names go to it.
      if (token === 'true' || token === 'false') return null;
      paths.push(token);
      continue;
    }
    let name: string | undefined;
    let negated = false;
    if (token.startsWith('--') && !token.includes('=')) {
      name = token.slice(2);
      if (name.startsWith('no-') && SCAN_OPTIONS[name.slice(3)]?.type === 'boolean') {
        name = name.slice(3);
        negated = true;
      }
    } else if (/^-[a-zA-Z]$/.test(token)) {
      name = short.get(token.slice(1));
    }
    const spec = name === undefined ? undefined : SCAN_OPTIONS[name];
    if (!name || !spec?.fast) return null;
    const key = camel(name);
    if (key in parsed) return null;
    if (spec.type === 'boolean') {
      parsed[key] = !negated;
      continue;
    }
    if (negated) return null;
    if (spec.type === 'number') return null;
    const value = argv[i + 1];
    if (value === '-') return null;
    if (value === undefined || value.startsWith('-')) {
      // yargs gives a string option without a value "" (`--history` alone: all refs).
      if (spec.choices) return null;
      parsed[key] = '';
      continue;
    }
    if (spec.choices && !spec.choices.includes(value)) return null;
    parsed[key] = value;
    i++;
  }
  if (paths.length) {
    if (parsed.staged !== true) return null;
    parsed.paths = paths;
  }
  return scanArgsFrom(parsed);
}
