import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitExitError, gitSpawnError, simpleGitAt } from '../git/exec.js';
import { EXIT, UsageError, type RunIO, type RunResult } from './io.js';

export const BEGIN = '# >>> keyfence >>>';
export const END = '# <<< keyfence <<<';
const BACKUP = '.keyfence-backup';
const SHEBANG = '#!/bin/sh';

export type HookName = 'pre-commit' | 'commit-msg' | 'pre-push';

/** Single-quotes a string for sh. */
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** What each hook runs, and what it says when it blocks (`hatch` goes inside sh double quotes: no ", `, \\). */
const HOOKS: Record<HookName, { run: string; blocked: string; hatch: string }> = {
  'pre-commit': {
    run: 'keyfence_hook scan --staged --quiet',
    blocked: 'commit blocked: the staged changes add the secret(s) listed above.',
    hatch: 'to commit anyway: git commit --no-verify (nothing is lost: pre-commit runs before git asks for or records the message).',
  },
  'commit-msg': {
    run: 'keyfence_hook scan --commit-msg "$1" --quiet',
    blocked: 'commit blocked: the commit message contains the secret(s) listed above.',
    hatch: 'your message is kept in $1: fix it with git commit -e -F $1, or commit anyway with git commit --no-verify.',
  },
  'pre-push': {
    run: 'keyfence_hook scan --pre-push "$1" --quiet',
    blocked: 'push blocked: the commits being pushed add the secret(s) listed above.',
    hatch: 'to push anyway: git push --no-verify (nothing is lost: your commits are unchanged).',
  },
};

/** Where the keyfence running now lives: the hooks call it by this absolute path first. */
export function selfPaths(): { node: string; bin: string } {
  return { node: process.execPath, bin: fileURLToPath(new URL('../../bin/keyfence.js', import.meta.url)) };
}

/**
 * The sh block keyfence puts in a hook, between BEGIN and END so uninstall finds it. It runs the
 * keyfence that ran `install` (absolute paths of node and bin/keyfence.js), else
 * node_modules/.bin/keyfence, else keyfence on PATH — never npx, so a hook never downloads.
 * It fails closed: findings (exit 1) or any keyfence failure (missing, crashed, exit 2) stop
 * the commit or push with one line saying why and the --no-verify escape hatch. Safe under
 * `sh -e` (husky runs hooks that way).
 */
export function hookBlock(hook: HookName, self = selfPaths()): string {
  const h = HOOKS[hook];
  const what = hook === 'pre-push' ? 'the commits being pushed' : hook === 'commit-msg' ? 'the commit message' : 'the staged changes';
  const verb = hook === 'pre-push' ? 'push' : 'commit';
  return [
    `${BEGIN} added by \`keyfence install\`; \`keyfence uninstall\` removes this block`,
    `kf_node=${shq(self.node)}`,
    `kf_js=${shq(self.bin)}`,
    'keyfence_hook() {',
    '  if [ -f "$kf_js" ] && [ -x "$kf_node" ]; then "$kf_node" "$kf_js" "$@"',
    '  elif [ -f "$kf_js" ] && command -v node >/dev/null 2>&1; then node "$kf_js" "$@"',
    '  elif [ -x node_modules/.bin/keyfence ]; then node_modules/.bin/keyfence "$@"',
    '  elif command -v keyfence >/dev/null 2>&1; then keyfence "$@"',
    '  else echo "keyfence: not found (not at $kf_js, nor in node_modules/.bin, nor on PATH)" >&2; return 127',
    '  fi',
    '}',
    'kf_status=0',
    `${h.run} || kf_status=$?`,
    'if [ "$kf_status" -ne 0 ]; then',
    `  if [ "$kf_status" -eq 1 ]; then echo ${shq(`keyfence: ${h.blocked}`)} >&2`,
    `  else echo "keyfence: ${verb} blocked: keyfence could not check ${what} (exit $kf_status, see above)." >&2`,
    '  fi',
    `  echo "keyfence: ${h.hatch}" >&2`,
    '  exit 1',
    'fi',
    END,
  ].join('\n');
}

/** Removes keyfence's block from a hook's text; undefined when there is none. */
export function withoutBlock(text: string): string | undefined {
  const start = text.indexOf(BEGIN);
  if (start === -1) return undefined;
  const endAt = text.indexOf(END, start);
  if (endAt === -1) return undefined;
  let after = endAt + END.length;
  if (text[after] === '\n') after++;
  return text.slice(0, start) + text.slice(after);
}

const SHELL = /^#!\s*(?:\/usr\/bin\/env\s+)?(?:\S*\/)?(?:sh|bash|dash|zsh|ksh|ash)(?:\s|$)/;

/** What install does to one hook file. */
type Plan =
  | { action: 'create' | 'update' | 'chain' | 'append'; file: string; text: string }
  | { action: 'replace'; file: string; text: string; backup: string }
  | { action: 'refuse'; file: string; why: string };

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`);
  }
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Decides what to do with one hook file. Husky files (plain sh, no shebang needed) get the
 * block appended. A git hook that does not exist is created; one that has the block gets it
 * updated in place; an sh-family script gets the block inserted after its shebang, so keyfence
 * runs first and the user's commands still run after it (chained); anything else is refused
 * unless `force`, which moves it aside to <hook>.keyfence-backup (restored by uninstall).
 */
export function planHook(file: string, existing: string | undefined, block: string, husky: boolean, force: boolean): Plan {
  if (existing !== undefined) {
    const rest = withoutBlock(existing);
    if (rest !== undefined) {
      const start = existing.indexOf(BEGIN);
      return { action: 'update', file, text: existing.slice(0, start) + block + '\n' + existing.slice(start + (existing.length - rest.length)) };
    }
  }
  if (husky) {
    if (existing === undefined || existing.trim() === '') return { action: 'create', file, text: `${block}\n` };
    return { action: 'append', file, text: `${existing}${existing.endsWith('\n') ? '' : '\n'}${block}\n` };
  }
  if (existing === undefined || existing.trim() === '') return { action: 'create', file, text: `${SHEBANG}\n${block}\n` };
  const firstLine = existing.split('\n', 1)[0]!;
  if (SHELL.test(firstLine)) {
    const nl = existing.indexOf('\n');
    const head = nl === -1 ? `${existing}\n` : existing.slice(0, nl + 1);
    const tail = nl === -1 ? '' : existing.slice(nl + 1);
    return { action: 'chain', file, text: `${head}${block}\n${tail}` };
  }
  if (force) return { action: 'replace', file, text: `${SHEBANG}\n${block}\n`, backup: file + BACKUP };
  const kind = firstLine.startsWith('#!') ? `a ${firstLine.slice(2).trim()} script` : 'not a shell script (no #! line)';
  return { action: 'refuse', file, why: `${kind}, so keyfence cannot chain to it` };
}

interface HookLocation {
  root: string;
  /** Where hook files go: .husky/ when the repo uses husky, else core.hooksPath or the git hooks dir. */
  dir: string;
  husky: boolean;
  /** The git hooks dir (core.hooksPath when set), also searched by uninstall. */
  gitDir: string;
}

/**
 * Where git will run hooks from: `git rev-parse --git-path hooks` honors core.hooksPath and
 * resolves worktrees (common dir) and submodules (.git file → modules dir). Husky repos (a
 * `.husky/` dir at the top) get their hooks in `.husky/`, which husky's own runner calls.
 */
async function locate(cwd: string): Promise<HookLocation> {
  const repo = await simpleGitAt(cwd);
  const out = (await oneLineErrors('rev-parse', repo.revparse(['--show-toplevel', '--git-path', 'hooks']))).split('\n');
  const root = out[0]!.trim();
  const gitDir = path.resolve(cwd, out[1]!.trim());
  const huskyDir = path.join(root, '.husky');
  const husky = await isDir(huskyDir);
  return { root, dir: husky ? huskyDir : gitDir, husky, gitDir };
}

/** simple-git's errors carry git's whole stderr; ours are one line (see GitError). */
async function oneLineErrors<T>(command: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    if (/ENOENT|spawn git/.test(msg)) throw gitSpawnError('ENOENT', msg);
    throw gitExitError(command, msg, msg);
  }
}

const rel = (root: string, p: string) => path.relative(root, p).split(path.sep).join('/') || p;

/** `keyfence install [--pre-push] [--force]`: see planHook. Refuses (exit 2) before writing anything. */
export async function installCommand(opts: { force?: boolean; prePush?: boolean }, io: RunIO): Promise<RunResult> {
  const loc = await locate(io.cwd);
  const hooks: HookName[] = opts.prePush ? ['pre-commit', 'commit-msg', 'pre-push'] : ['pre-commit', 'commit-msg'];
  const plans: Plan[] = [];
  for (const hook of hooks) {
    const file = path.join(loc.dir, hook);
    plans.push(planHook(file, await readIfExists(file), hookBlock(hook), loc.husky, Boolean(opts.force)));
  }
  const refused = plans.filter((p): p is Extract<Plan, { action: 'refuse' }> => p.action === 'refuse');
  if (refused.length) {
    const r = refused[0]!;
    throw new UsageError(`${rel(loc.root, r.file)} already exists and is ${r.why}; nothing was installed. Call keyfence from it yourself, or rerun with --force to replace it (it is kept as ${path.basename(r.file)}${BACKUP})`);
  }
  await mkdir(loc.dir, { recursive: true });
  const lines: string[] = [];
  for (const p of plans) {
    if (p.action === 'refuse') continue;
    if (p.action === 'replace') await rename(p.file, p.backup);
    await writeFile(p.file, p.text);
    await chmod(p.file, 0o755);
    const what = {
      create: 'installed',
      update: 'updated',
      chain: 'chained (runs before the existing hook)',
      append: 'added to',
      replace: `replaced (the old hook is kept as ${path.basename(p.file)}${BACKUP})`,
    }[p.action];
    lines.push(`keyfence: ${what} ${rel(loc.root, p.file)}`);
  }
  let stderr = '';
  if (loc.husky) {
    const hooksPath = (await (await simpleGitAt(loc.root)).getConfig('core.hooksPath').catch(() => undefined))?.value ?? '';
    if (!hooksPath.startsWith('.husky')) stderr = 'keyfence: note: git does not run .husky/ hooks until husky is set up (core.hooksPath is not .husky/_): run npx husky, or npm install if husky is in your prepare script\n';
  }
  return { exitCode: EXIT.clean, stdout: `${lines.join('\n')}\n`, stderr };
}

/** `keyfence uninstall`: removes keyfence's blocks (and files that held nothing else), restores backups. */
export async function uninstallCommand(io: RunIO): Promise<RunResult> {
  const loc = await locate(io.cwd);
  const dirs = [...new Set([loc.dir, loc.gitDir])];
  const lines: string[] = [];
  for (const dir of dirs) {
    for (const hook of Object.keys(HOOKS) as HookName[]) {
      const file = path.join(dir, hook);
      const text = await readIfExists(file);
      const rest = text === undefined ? undefined : withoutBlock(text);
      if (rest !== undefined) {
        const meaningful = rest.replace(/^#!\/bin\/sh\n/, '').trim();
        if (meaningful === '') await unlink(file);
        else await writeFile(file, rest);
        lines.push(`keyfence: removed keyfence from ${rel(loc.root, file)}${meaningful === '' ? ' (deleted: nothing else was in it)' : ''}`);
      }
      const backup = file + BACKUP;
      if ((await readIfExists(backup)) !== undefined && (await readIfExists(file)) === undefined) {
        await rename(backup, file);
        lines.push(`keyfence: restored ${rel(loc.root, file)} from ${path.basename(backup)}`);
      }
    }
  }
  if (lines.length === 0) lines.push('keyfence: no keyfence hooks found; nothing to do');
  return { exitCode: EXIT.clean, stdout: `${lines.join('\n')}\n`, stderr: '' };
}
