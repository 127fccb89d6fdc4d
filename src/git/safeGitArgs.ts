/**
 * The one place that builds what makes a git process safe to start in a repository keyfence
 * does not trust (a downloaded archive, a pull request's checkout, a shared folder): the
 * repository's `.git/config`, `.gitattributes` and environment-free settings must neither run a
 * program nor change the output keyfence parses. Every git process keyfence starts (src/git/git.ts)
 * is given these arguments and environment; nothing else builds them.
 *
 * Command-line `-c` settings win over every config file, so they hold against the repository's
 * own config. Settings that cannot be neutralised by name (per-driver keys such as
 * `diff.<driver>.textconv`) are neutralised by command options the callers pass
 * (`--no-textconv`, `--no-ext-diff`: see DIFF_ARGS in src/sources/staged.ts).
 */

/** `-c` settings that stop git from running a program named by config. */
const NO_PROGRAMS: readonly (readonly [string, string])[] = [
  ['core.fsmonitor', 'false'], // a hook command run by every index-reading command
  ['log.showSignature', 'false'], // runs gpg.program / gpg.<format>.program to verify signatures
  ['protocol.allow', 'never'], // no transport (and so no ssh, proxy, credential helper) …
  ['gc.auto', '0'], // … and no background maintenance
  ['maintenance.auto', 'false'],
  ['submodule.recurse', 'false'],
  ['diff.submodule', 'short'], // no git run inside submodules (their config is not ours either)
];

const GIB = 1 << 30;

/** `-c` settings that keep git's output in the one shape keyfence parses. */
const PLAIN_OUTPUT: readonly (readonly [string, string])[] = [
  ['color.ui', 'false'],
  ['core.quotePath', 'true'], // unusual bytes in names as C-quoted octal: every header line is ASCII
  ['log.showRoot', 'true'], // the root commit's patch is shown (`--root` is passed too)
  ['log.decorate', 'false'],
  ['log.follow', 'false'],
  ['diff.noprefix', 'false'],
  ['diff.mnemonicPrefix', 'false'],
  ['diff.relative', 'false'],
  ['diff.renames', 'true'],
  ['diff.interHunkContext', '0'],
  ['diff.suppressBlankEmpty', 'false'],
  ['diff.colorMoved', 'false'],
  ['diff.orderFile', '/dev/null'], // a FIFO named here would block git
  ['i18n.logOutputEncoding', 'UTF-8'],
  ['core.bigFileThreshold', '1g'], // larger files are "binary" to diff: keyfence reads up to its own cap
];

/**
 * Config keys git documents (`git help --config`) as naming a program to run, and why each
 * cannot run when keyfence starts git: `neutralisedBy` names the setting, option or
 * environment variable that turns it off; `notTriggered` says why no command keyfence runs
 * (ls-files, diff --cached, log -p, cat-file, rev-parse, config, grep, ls-tree, diff-index,
 * symbolic-ref) reaches it. test/safeGitArgs.test.ts holds this table against git's own list.
 */
export const PROGRAM_CONFIG: Readonly<Record<string, { neutralisedBy: string } | { notTriggered: string }>> = {
  'core.fsmonitor': { neutralisedBy: '-c core.fsmonitor=false' },
  'core.fsmonitorHookVersion': { neutralisedBy: '-c core.fsmonitor=false' },
  'core.pager': { neutralisedBy: '--no-pager (and GIT_PAGER=cat)' },
  'pager.<cmd>': { neutralisedBy: '--no-pager (and GIT_PAGER=cat)' },
  'gpg.program': { neutralisedBy: '-c log.showSignature=false (keyfence asks for no signature placeholder)' },
  'gpg.<format>.program': { neutralisedBy: '-c log.showSignature=false' },
  'gpg.ssh.defaultKeyCommand': { notTriggered: 'only run when signing (commit, tag)' },
  'diff.external': { neutralisedBy: '--no-ext-diff on every diff and log -p (and GIT_EXTERNAL_DIFF removed)' },
  'diff.<driver>.command': { neutralisedBy: '--no-ext-diff' },
  'diff.<driver>.textconv': { neutralisedBy: '--no-textconv' },
  'filter.<driver>.clean': {
    notTriggered:
      'run when a work-tree file is hashed (add, status); keyfence reads blobs and work-tree files itself, and GIT_OPTIONAL_LOCKS=0 stops index refreshes',
  },
  'filter.<driver>.smudge': { notTriggered: 'run on checkout only' },
  'filter.<driver>.process': { notTriggered: 'run on add/checkout only' },
  'core.sshCommand': { neutralisedBy: "-c protocol.allow=never and GIT_ALLOW_PROTOCOL (no transport, not even a partial clone's lazy fetch)" },
  'core.gitProxy': { neutralisedBy: 'GIT_ALLOW_PROTOCOL (no transport)' },
  'core.askPass': { neutralisedBy: 'GIT_ALLOW_PROTOCOL (no transport) and GIT_TERMINAL_PROMPT=0' },
  'credential.helper': { neutralisedBy: 'GIT_ALLOW_PROTOCOL (no transport)' },
  'http.proxy': { neutralisedBy: 'GIT_ALLOW_PROTOCOL (no transport)' },
  'remote.<name>.proxy': { neutralisedBy: 'GIT_ALLOW_PROTOCOL (no transport)' },
  'core.hooksPath': { notTriggered: 'no command keyfence runs invokes a hook; GIT_OPTIONAL_LOCKS=0 keeps them from writing the index (post-index-change)' },
  'core.editor': { notTriggered: 'nothing keyfence runs is interactive' },
  'sequence.editor': { notTriggered: 'rebase only' },
  'core.alternateRefsCommand': { notTriggered: 'receive-pack only' },
  'uploadpack.packObjectsHook': { notTriggered: 'upload-pack only' },
  'merge.<driver>.driver': { notTriggered: 'merges only' },
  'merge.tool': { notTriggered: 'mergetool only' },
  'merge.guitool': { notTriggered: 'mergetool only' },
  'mergetool.<tool>.cmd': { notTriggered: 'mergetool only' },
  'mergetool.<tool>.path': { notTriggered: 'mergetool only' },
  'diff.tool': { notTriggered: 'difftool only' },
  'diff.guitool': { notTriggered: 'difftool only' },
  'difftool.<tool>.cmd': { notTriggered: 'difftool only' },
  'difftool.<tool>.path': { notTriggered: 'difftool only' },
  'guitool.<name>.cmd': { notTriggered: 'git gui only' },
  'browser.<tool>.cmd': { notTriggered: 'help/instaweb only' },
  'browser.<tool>.path': { notTriggered: 'help/instaweb only' },
  'web.browser': { notTriggered: 'help/instaweb only' },
  'help.browser': { notTriggered: 'help only' },
  'instaweb.browser': { notTriggered: 'instaweb only' },
  'man.<tool>.cmd': { notTriggered: 'help only' },
  'man.<tool>.path': { notTriggered: 'help only' },
  'sendemail.ccCmd': { notTriggered: 'send-email only' },
  'sendemail.tocmd': { notTriggered: 'send-email only' },
  'gitcvs.dbDriver': { notTriggered: 'cvsserver only' },
};

export interface SafeGitOptions {
  /**
   * Also pin git's output format (PLAIN_OUTPUT: no colour, quoted names, root commits shown…).
   * Default true. The git-secrets drop-in passes false: its output must match git-secrets'
   * byte for byte, which follows the repository's own output settings.
   */
  plainOutput?: boolean;
  /**
   * core.bigFileThreshold in bytes instead of 1 GiB (at most that): a file larger than this is
   * "binary" to diff, so its content is not printed. The staged diff passes --max-file-size:
   * a file keyfence will skip never passes through the diff's output (a 600 MB one would not
   * fit in a string).
   */
  bigFileThreshold?: number;
}

/** The global options (before the git command) every git process keyfence starts is given. */
export function safeGitArgs(opts: SafeGitOptions = {}): string[] {
  const args = ['--no-pager'];
  const settings = opts.plainOutput === false ? NO_PROGRAMS : [...NO_PROGRAMS, ...PLAIN_OUTPUT];
  for (const [k, v] of settings) args.push('-c', `${k}=${v}`);
  const threshold = opts.bigFileThreshold;
  if (threshold !== undefined && threshold < GIB) args.push('-c', `core.bigFileThreshold=${Math.max(0, Math.floor(threshold))}`);
  return args;
}

/**
 * The environment a git process keyfence starts is given: `base` (default this process's)
 * with no pager, no prompts, no external diff tool (GIT_EXTERNAL_DIFF removed: set even to
 * "", git tries to run it), no transport of any kind (GIT_ALLOW_PROTOCOL names none, which
 * overrides every protocol.*.allow config), and no opportunistic index writes.
 */
export function safeGitEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_ALLOW_PROTOCOL: 'keyfence-none',
  };
  delete env.GIT_EXTERNAL_DIFF;
  return env;
}
