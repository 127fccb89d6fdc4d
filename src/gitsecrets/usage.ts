import { keyfenceFunction, shWord, type SelfPaths } from '../cli/keyfenceFunction.js';
import type { OptSpec } from './parseopt.js';

/** git-secrets 1.3.0's OPTIONS_SPEC: its usage lines and options, in its order. */
export const USAGES = [
  'git secrets --scan [-r|--recursive] [--cached] [--no-index] [--untracked] [<files>...]',
  'git secrets --scan-history',
  'git secrets --install [-f|--force] [<target-directory>]',
  'git secrets --list [--global]',
  'git secrets --add [-a|--allowed] [-l|--literal] [--global] <pattern>',
  'git secrets --add-provider [--global] <command> [arguments...]',
  'git secrets --register-aws [--global]',
  'git secrets --aws-provider [<credentials-file>]',
];

export const OPTIONS: OptSpec[] = [
  { long: 'scan', help: 'Scans <files> for prohibited patterns' },
  { long: 'scan-history', help: 'Scans repo for prohibited patterns' },
  { long: 'install', help: 'Installs git hooks for Git repository or Git template directory' },
  { long: 'list', help: 'Lists secret patterns' },
  { long: 'add', help: 'Adds a prohibited or allowed pattern, ensuring to de-dupe with existing patterns' },
  { long: 'add-provider', help: 'Adds a secret provider that when called outputs secret patterns on new lines' },
  { long: 'aws-provider', help: 'Secret provider that outputs credentials found in an ini file' },
  { long: 'register-aws', help: 'Adds common AWS patterns to the git config and scans for ~/.aws/credentials' },
  { short: 'r', long: 'recursive', help: '--scan scans directories recursively' },
  { long: 'cached', help: '--scan scans searches blobs registered in the index file' },
  { long: 'no-index', help: '--scan searches files in the current directory that is not managed by Git' },
  { long: 'untracked', help: 'In addition to searching in the tracked files in the working tree, --scan also in untracked files' },
  { short: 'f', long: 'force', help: '--install overwrites hooks if the hook already exists' },
  { short: 'l', long: 'literal', help: '--add and --add-allowed patterns are escaped so that they are literal' },
  { short: 'a', long: 'allowed', help: '--add adds an allowed pattern instead of a prohibited pattern' },
  { long: 'global', help: 'Uses the --global git config' },
  { long: 'commit_msg_hook', help: 'commit-msg hook (internal only)', hidden: true },
  { long: 'pre_commit_hook', help: 'pre-commit hook (internal only)', hidden: true },
  { long: 'prepare_commit_msg_hook', help: 'prepare-commit-msg hook (internal only)', hidden: true },
];

/** The [ERROR] block git-secrets prints on stderr after the matching lines. */
export const MATCH_ERROR = `
[ERROR] Matched one or more prohibited patterns

Possible mitigations:
- Mark false positives as allowed using: git config --add secrets.allowed ...
- Mark false positives as allowed by adding regular expressions to .gitallowed at repository's root directory
- List your configured patterns: git config --get-all secrets.patterns
- List your configured allowed patterns: git config --get-all secrets.allowed
- List your configured allowed patterns in .gitallowed at repository's root directory
- Use --no-verify if this is a one-time false positive
`;

export { AWS_ALLOWED, AWS_PATTERNS, AWS_PROVIDER } from './awsSetup.js';

/**
 * The hook script `keyfence git-secrets --install` writes for `cmd` (e.g. "pre_commit_hook").
 * git-secrets writes `git secrets --<cmd> -- "$@"`, which fails where git-secrets is not
 * installed and runs the real git-secrets where it is; this one runs keyfence's git-secrets mode
 * (`keyfence git-secrets --<cmd> -- "$@"`), finding keyfence as `keyfence install`'s hooks do,
 * and fails closed, naming `shown` (where the hook lives) and how to remove it, when no
 * keyfence is found.
 */
export function hookScript(cmd: string, shown: string, self: SelfPaths): string {
  return [
    '#!/bin/sh',
    "# git-secrets hook written by `keyfence git-secrets --install`: runs keyfence's git-secrets mode.",
    ...keyfenceFunction({ self, hookFile: shown, removal: `rm ${shWord(shown)}` }),
    `keyfence_hook git-secrets --${cmd} -- "$@"`,
    '',
  ].join('\n');
}
