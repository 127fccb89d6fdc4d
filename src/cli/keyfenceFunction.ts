import { fileURLToPath } from 'node:url';

/** Where the keyfence running now lives (node and bin/keyfence.js, absolute). */
export interface SelfPaths {
  node: string;
  bin: string;
}

/** The keyfence running now: hook files that are not committed may call it by these paths. */
export function selfPaths(): SelfPaths {
  return { node: process.execPath, bin: fileURLToPath(new URL('../../bin/keyfence.js', import.meta.url)) };
}

/** Single-quotes a string for sh. */
export const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** A path as a person would type it in a shell: bare when it is plain, else single-quoted. */
export const shWord = (s: string): string => (/^[\w./@%+-]+$/.test(s) ? s : shq(s));

/**
 * The one command that takes keyfence's block (between `# >>> keyfence >>>` and
 * `# <<< keyfence <<<`) out of `file`, without keyfence (perl is there wherever git is).
 */
export const removeBlockCommand = (file: string): string =>
  // [>] and [<]: the command sits inside the block, which must not hold its own end marker.
  `perl -0pi -e 's/^# [>]{3} keyfence [>]{3}.*?^# [<]{3} keyfence [<]{3}\\n//ms' ${shWord(file)}`;

/**
 * sh lines defining `keyfence_hook`, which runs keyfence with its arguments, looked up in this
 * order: the repository's `node_modules/.bin/keyfence` (git runs hooks at the top of the work
 * tree), then, only when `self` is given (hook files that are never committed), the keyfence
 * that wrote the hook by its absolute paths, then `keyfence` on PATH. Never npx: a hook never
 * downloads. A committed hook file must be the same on every machine, so callers pass no
 * `self` for one. When no keyfence is found it says so, names `hookFile` (the file holding
 * the hook) and `removal` (the one command that takes keyfence out of it), and returns 127, so
 * the hook fails closed. Safe under `sh -e`.
 */
export function keyfenceFunction(opts: { self?: SelfPaths; hookFile: string; removal: string }): string[] {
  const { self } = opts;
  const where = self ? 'not in node_modules/.bin, nor at $kf_js, nor on PATH' : 'not in node_modules/.bin, nor on PATH';
  return [
    ...(self ? [`kf_node=${shq(self.node)}`, `kf_js=${shq(self.bin)}`] : []),
    'keyfence_hook() {',
    '  if [ -x node_modules/.bin/keyfence ]; then node_modules/.bin/keyfence "$@"',
    ...(self
      ? [
          '  elif [ -f "$kf_js" ] && [ -x "$kf_node" ]; then "$kf_node" "$kf_js" "$@"',
          '  elif [ -f "$kf_js" ] && command -v node >/dev/null 2>&1; then node "$kf_js" "$@"',
        ]
      : []),
    '  elif command -v keyfence >/dev/null 2>&1; then keyfence "$@"',
    `  else echo "keyfence: not found (${where})." >&2`,
    // printf, not echo: dash's echo would turn the \n in the command into a line break.
    `    printf '%s\\n' ${shq(`keyfence: ${opts.hookFile} runs it: install keyfence again (npm install), or take keyfence out of that hook with:`)} ${shq(`  ${opts.removal}`)} >&2`,
    '    return 127',
    '  fi',
    '}',
  ];
}
