import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseOptions } from '../src/gitsecrets/parseopt.js';
import { OPTIONS, USAGES } from '../src/gitsecrets/usage.js';

/** git-secrets' OPTIONS_SPEC, fed to the real `git rev-parse --parseopt` for comparison. */
const SPEC = [...USAGES, '--', ...OPTIONS.map((o) => `${o.short ? `${o.short},` : ''}${o.long}${o.hidden ? '*' : ''} ${o.help}`)].join('\n');

function shellQuote(a: string): string {
  return `'${a.replace(/'/g, "'\\''")}'`;
}

/** What git prints: `set -- <args>` on success, else the first stderr line and the exit code. */
function gitParse(argv: string[]): string {
  const r = spawnSync('git', ['rev-parse', '--parseopt', '--', ...argv], { input: `${SPEC}\n`, encoding: 'utf8' });
  if (r.status === 0) return r.stdout.trim();
  return `${r.status} ${r.stderr.split('\n')[0] ?? ''}`;
}

function ourParse(argv: string[]): string {
  const p = parseOptions(argv, OPTIONS);
  if (p.kind === 'ok') {
    const i = p.args.indexOf('--');
    return ['set', '--', ...p.args.slice(0, i), '--', ...p.args.slice(i + 1).map(shellQuote)].join(' ');
  }
  return `129 ${p.kind === 'help' ? (p.error ?? '') : p.error}`;
}

const ARGVS: string[][] = [
  [],
  ['--scan'],
  ['--sca'],
  ['--sc'],
  ['--scan-h'],
  ['--scan', '-r', '--cached'],
  ['--no-scan'],
  ['--no-no-index'],
  ['--index'],
  ['--rec', 'x'],
  ['-rf'],
  ['-x'],
  ['--scan=1'],
  ['--no-scan=1'],
  ['--scan', '--', '-r'],
  ['--scan', 'a', '-r', 'b'],
  ['--force'],
  ['--for'],
  ['--pre'],
  ['--pre_commit_hook'],
  ['--commit'],
  ['-'],
  ['--scan', '-'],
  ['--no-glob'],
  ['--gl'],
  ['--no-g'],
  ['--no-r'],
  ['--no-recursive'],
  ['--h'],
  ['--no-'],
  ['--n'],
  ['--no'],
  ['-scan'],
  ['-rec'],
  ['-ra'],
  ['--add', "it's", 'two words'],
  ['--unt'],
  ['--no-unt'],
  ['--add-p', 'cmd'],
  ['--aws'],
  ['--a'],
  ['--al'],
  ['--in'],
  ['--install', '--no-force'],
  ['-lr'],
  ['--end-of-options', '--scan'],
  ['--list', '--global'],
  ['--bogus'],
  ['--scan-history=x'],
];

describe('option parsing matches `git rev-parse --parseopt`', () => {
  it.each(ARGVS.map((a) => [a.join(' ') || '(none)', a] as const))('%s', (_name, argv) => {
    expect(ourParse(argv)).toBe(gitParse(argv));
  });

  it('help requests are not errors', () => {
    expect(parseOptions(['-h'], OPTIONS)).toEqual({ kind: 'help', all: false });
    expect(parseOptions(['--scan', '--help-all'], OPTIONS)).toEqual({ kind: 'help', all: true });
  });
});
