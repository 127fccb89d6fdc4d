import { link, lstat, mkdir, open, readFile, readlink, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { gitExitError, gitSpawnError, simpleGitAt } from '../git/exec.js';
import { writeFileSafely } from '../io/writeFileSafely.js';
import { escapeControl } from '../report/escapeControl.js';
import { EXIT, UsageError, type RunIO, type RunResult } from './io.js';
import { keyfenceFunction, removeBlockCommand, selfPaths, shq, type SelfPaths } from './keyfenceFunction.js';

export const BEGIN = '# >>> keyfence >>>';
export const END = '# <<< keyfence <<<';
const BACKUP = '.keyfence-backup';
const SHEBANG = '#!/bin/sh';

export type HookName = 'pre-commit' | 'commit-msg' | 'pre-push';

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
    // git writes the refs being pushed on stdin, once: keyfence reads a copy, and the rest of
    // the hook (git lfs pre-push …) gets the same lines again (see hookBlock).
    run: 'printf \'%s\\n\' "$kf_refs" | keyfence_hook scan --pre-push "$1" --quiet',
    blocked: 'push blocked: the commits being pushed add the secret(s) listed above.',
    hatch: 'to push anyway: git push --no-verify (nothing is lost: your commits are unchanged).',
  },
};

/** Where the hook file is and whether it can be committed (then it holds no machine's paths). */
export interface BlockPlace {
  /** The hook file as messages name it (relative to the repository root when inside it). */
  shown: string;
  /** The keyfence that ran install, for hook files that are never committed; none for .husky/ and other work-tree dirs. */
  self?: SelfPaths;
}

/**
 * The sh block keyfence puts in a hook, between BEGIN and END so uninstall finds it. It runs
 * keyfence as keyfenceFunction finds it (the repository's node_modules/.bin, then — in a hook
 * file outside the work tree only — the keyfence that ran install, then PATH; never npx), so
 * a committed hook file (.husky/…) is byte-identical on every machine. It fails closed:
 * findings (exit 1) or any keyfence failure (missing, crashed, exit 2) stop the commit or push
 * with one line saying why and the --no-verify escape hatch; a missing keyfence also names the
 * hook file and the command that removes the block. The pre-push block reads the refs on
 * stdin once, hands keyfence a copy and gives the rest of the hook the same lines on its
 * stdin. Safe under `sh -e` (husky runs hooks that way).
 */
export function hookBlock(hook: HookName, place: BlockPlace): string {
  const h = HOOKS[hook];
  const what = hook === 'pre-push' ? 'the commits being pushed' : hook === 'commit-msg' ? 'the commit message' : 'the staged changes';
  const verb = hook === 'pre-push' ? 'push' : 'commit';
  const refs = hook === 'pre-push';
  return [
    `${BEGIN} added by \`keyfence install\`; \`keyfence uninstall\` removes this block`,
    ...keyfenceFunction({ self: place.self, hookFile: place.shown, removal: removeBlockCommand(place.shown) }),
    // $(cat) drops the trailing newline git ends the last line with; the here-document puts it back.
    ...(refs ? ['kf_refs=$(cat)'] : []),
    'kf_status=0',
    `${h.run} || kf_status=$?`,
    'if [ "$kf_status" -ne 0 ]; then',
    `  if [ "$kf_status" -eq 1 ]; then echo ${shq(`keyfence: ${h.blocked}`)} >&2`,
    `  else echo "keyfence: ${verb} blocked: keyfence could not check ${what} (exit $kf_status, see above)." >&2`,
    '  fi',
    `  echo "keyfence: ${h.hatch}" >&2`,
    '  exit 1',
    'fi',
    ...(refs ? ['if [ -n "$kf_refs" ]; then exec 0<<KF_REFS', '$kf_refs', 'KF_REFS', 'else exec 0</dev/null', 'fi'] : []),
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
  | { action: 'create' | 'update' | 'chain' | 'append' | 'prepend' | 'unchanged'; file: string; text: string }
  | { action: 'replace'; file: string; text: string }
  | { action: 'refuse'; file: string; why: string };

/** A hook file as install finds it: its text, and whether it is a symlink or not executable. */
interface Found {
  text?: string;
  symlink?: string;
  mode?: number;
}

async function readHook(file: string): Promise<Found> {
  try {
    const st = await lstat(file);
    if (st.isSymbolicLink()) return { symlink: await readlink(file) };
    if (!st.isFile()) throw new UsageError(`${file} is not a regular file; nothing was installed`);
    return { text: await readFile(file, 'utf8'), mode: st.mode & 0o777 };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
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

/** After a leading `#!` line, if any: where a block goes to run before everything else. */
function afterShebang(text: string): number {
  if (!text.startsWith('#!')) return 0;
  const nl = text.indexOf('\n');
  return nl === -1 ? text.length : nl + 1;
}

/**
 * Decides what to do with one hook file. A hook that has the block gets it updated in place
 * (`unchanged` when it is already the same). Husky files (plain sh, no shebang needed) get the
 * block appended, except pre-push, whose block goes first so it sees the refs on stdin before
 * anything else reads them. A git hook that does not exist is created; an sh-family script gets
 * the block inserted after its shebang, so keyfence runs first and the user's commands still run
 * after it (chained); anything else — another language, or a symlink (keyfence never writes
 * through one, it may point into a committed file) — is refused unless `force`, which keeps it
 * as <hook>.keyfence-backup (restored by uninstall).
 */
export function planHook(file: string, f: Found, block: string, husky: boolean, force: boolean, hook: HookName): Plan {
  if (f.symlink !== undefined) {
    if (force) return { action: 'replace', file, text: `${husky ? '' : `${SHEBANG}\n`}${block}\n` };
    return { action: 'refuse', file, why: `a symbolic link (to ${f.symlink}), and keyfence never writes through one` };
  }
  const existing = f.text;
  if (existing !== undefined) {
    const rest = withoutBlock(existing);
    if (rest !== undefined) {
      const start = existing.indexOf(BEGIN);
      const text = existing.slice(0, start) + block + '\n' + existing.slice(start + (existing.length - rest.length));
      return { action: text === existing ? 'unchanged' : 'update', file, text };
    }
  }
  if (husky) {
    if (existing === undefined || existing.trim() === '') return { action: 'create', file, text: `${block}\n` };
    if (hook === 'pre-push') {
      const at = afterShebang(existing);
      return {
        action: 'prepend',
        file,
        text: `${existing.slice(0, at)}${at && !existing.slice(0, at).endsWith('\n') ? '\n' : ''}${block}\n${existing.slice(at)}`,
      };
    }
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
  if (force) return { action: 'replace', file, text: `${SHEBANG}\n${block}\n` };
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
  /** The repository's (common) git directory: install's lock lives there. */
  commonDir: string;
}

const inside = (dir: string, p: string): boolean => {
  const r = path.relative(dir, p);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
};

/**
 * Where git will run hooks from: `git rev-parse --git-path hooks` honors core.hooksPath and
 * resolves worktrees (common dir) and submodules (.git file → modules dir). Husky repos (a
 * `.husky/` dir at the top) get their hooks in `.husky/`, which husky's own runner calls.
 */
async function locate(cwd: string): Promise<HookLocation> {
  const repo = await simpleGitAt(cwd);
  const out = (await oneLineErrors('rev-parse', repo.revparse(['--show-toplevel', '--git-path', 'hooks', '--git-common-dir']))).split('\n');
  const root = out[0]!.trim();
  const gitDir = path.resolve(cwd, out[1]!.trim());
  const commonDir = path.resolve(cwd, out[2]!.trim());
  const huskyDir = path.join(root, '.husky');
  const husky = await isDir(huskyDir);
  return { root, dir: husky ? huskyDir : gitDir, husky, gitDir, commonDir };
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

/**
 * Install's and uninstall's report lines, for a terminal: the paths in them come from the
 * repository (core.hooksPath, its directory names), so control characters are escaped.
 */
const shownLines = (lines: readonly string[]) => lines.map((l) => `${escapeControl(l)}\n`).join('');

/** How messages (and the hook's own not-found message) name a hook file. */
const shownPath = (root: string, file: string) => (inside(root, file) ? rel(root, file) : file);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `fn` holding `<git common dir>/keyfence-install.lock`, so concurrent installs and
 * uninstalls of one repository take turns: each reads the hooks only after the one before has
 * written them, and none loses what another (or the user) put there. A lock left by a crashed
 * run is taken over after 30 s.
 */
async function withInstallLock<T>(loc: HookLocation, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(loc.commonDir, 'keyfence-install.lock');
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const h = await open(lock, 'wx');
      await h.writeFile(`${process.pid}\n`);
      await h.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new UsageError(`cannot create ${lock}: ${(err as NodeJS.ErrnoException).code}`);
      const age = await stat(lock).then(
        (st) => Date.now() - st.mtimeMs,
        () => 0,
      );
      if (age > 30_000) await unlink(lock).catch(() => undefined);
      else if (Date.now() > deadline) throw new UsageError(`another keyfence install or uninstall holds ${lock}; if none is running, delete that file`);
      else await sleep(20 + Math.random() * 40);
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

/**
 * Moves a hook aside to the first free <hook>.keyfence-backup[.N] without ever replacing a file
 * there (link fails on an existing name), and returns its name.
 */
async function backUp(file: string): Promise<string> {
  for (let n = 1; ; n++) {
    const backup = `${file}${BACKUP}${n === 1 ? '' : `.${n}`}`;
    try {
      await link(file, backup);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new UsageError(`cannot keep ${file} as ${backup}: ${(err as NodeJS.ErrnoException).code}`);
    }
    await unlink(file);
    return backup;
  }
}

/** The newest <hook>.keyfence-backup[.N] there is, if any. */
async function newestBackup(file: string): Promise<string | undefined> {
  let newest: string | undefined;
  for (let n = 1; ; n++) {
    const backup = `${file}${BACKUP}${n === 1 ? '' : `.${n}`}`;
    if (
      !(await lstat(backup).then(
        () => true,
        () => false,
      ))
    )
      return newest;
    newest = backup;
  }
}

/** Writes a hook file atomically (never through a symlink), keeping its permission bits. */
async function writeHook(file: string, text: string, mode: number): Promise<void> {
  try {
    await writeFileSafely(file, text, { root: path.dirname(file), named: true, mode });
  } catch (err) {
    throw new UsageError(`cannot write ${file}: ${(err as Error).message}`);
  }
}

/**
 * `keyfence install [--pre-push] [--force]`: see planHook. Refuses (exit 2) before writing
 * anything. Never destroys what it finds: each file is replaced atomically (temp + rename)
 * under a repository-wide lock, keeps its permission bits (a hook disabled with chmod -x stays
 * disabled, with a note), and a replaced hook is kept under a backup name no other is using.
 */
export async function installCommand(opts: { force?: boolean; prePush?: boolean }, io: RunIO): Promise<RunResult> {
  const loc = await locate(io.cwd);
  const hooks: HookName[] = opts.prePush ? ['pre-commit', 'commit-msg', 'pre-push'] : ['pre-commit', 'commit-msg'];
  // A hook file inside the work tree (.husky/, a tracked core.hooksPath) may be committed: it
  // must be the same on every machine, so it names no path of this one.
  const portable = inside(loc.root, loc.dir) && !inside(loc.commonDir, loc.dir);
  await mkdir(loc.dir, { recursive: true });
  return withInstallLock(loc, async () => {
    const plans: { plan: Plan; found: Found }[] = [];
    for (const hook of hooks) {
      const file = path.join(loc.dir, hook);
      const found = await readHook(file);
      const block = hookBlock(hook, { shown: shownPath(loc.root, file), ...(portable ? {} : { self: selfPaths() }) });
      plans.push({ plan: planHook(file, found, block, loc.husky, Boolean(opts.force), hook), found });
    }
    const refused = plans.map((p) => p.plan).filter((p): p is Extract<Plan, { action: 'refuse' }> => p.action === 'refuse');
    if (refused.length) {
      const r = refused[0]!;
      throw new UsageError(
        `${rel(loc.root, r.file)} already exists and is ${r.why}; nothing was installed. Call keyfence from it yourself, or rerun with --force to replace it (it is kept as ${path.basename(r.file)}${BACKUP})`,
      );
    }
    const lines: string[] = [];
    const notes: string[] = [];
    for (const { plan: p, found } of plans) {
      if (p.action === 'refuse') continue;
      const shown = rel(loc.root, p.file);
      if (p.action === 'unchanged') {
        lines.push(`keyfence: ${shown} is up to date`);
        continue;
      }
      let backup = '';
      if (p.action === 'replace') backup = path.basename(await backUp(p.file));
      const mode = found.mode ?? 0o755;
      await writeHook(p.file, p.text, mode);
      if (!loc.husky && (mode & 0o111) === 0) {
        notes.push(`keyfence: note: ${shown} is not executable, so git does not run it (left so, as it was: chmod +x ${shown} to turn it on)`);
      }
      const what = {
        create: 'installed',
        update: 'updated',
        chain: 'chained (runs before the existing hook)',
        append: 'added to',
        prepend: 'added to (first, so it sees the refs before the rest of the hook)',
        replace: `replaced (the old hook is kept as ${backup})`,
      }[p.action];
      lines.push(`keyfence: ${what} ${shown}`);
    }
    if (loc.husky) {
      const hooksPath = (await (await simpleGitAt(loc.root)).getConfig('core.hooksPath').catch(() => undefined))?.value ?? '';
      if (!hooksPath.startsWith('.husky'))
        notes.push(
          'keyfence: note: git does not run .husky/ hooks until husky is set up (core.hooksPath is not .husky/_): run npx husky, or npm install if husky is in your prepare script',
        );
    }
    return { exitCode: EXIT.clean, stdout: shownLines(lines), stderr: shownLines(notes) };
  });
}

/** `keyfence uninstall`: removes keyfence's blocks (and files that held nothing else), restores backups. */
export async function uninstallCommand(io: RunIO): Promise<RunResult> {
  const loc = await locate(io.cwd);
  const dirs = [...new Set([loc.dir, loc.gitDir])];
  return withInstallLock(loc, async () => {
    const lines: string[] = [];
    for (const dir of dirs) {
      for (const hook of Object.keys(HOOKS) as HookName[]) {
        const file = path.join(dir, hook);
        const found = await readHook(file);
        const rest = found.text === undefined ? undefined : withoutBlock(found.text);
        if (rest !== undefined) {
          const meaningful = rest.replace(/^#!\/bin\/sh\n/, '').trim();
          if (meaningful === '') await unlink(file);
          else await writeHook(file, rest, found.mode ?? 0o755);
          lines.push(`keyfence: removed keyfence from ${rel(loc.root, file)}${meaningful === '' ? ' (deleted: nothing else was in it)' : ''}`);
        }
        const backup = await newestBackup(file);
        if (
          backup &&
          !(await lstat(file).then(
            () => true,
            () => false,
          ))
        ) {
          await link(backup, file);
          await unlink(backup);
          lines.push(`keyfence: restored ${rel(loc.root, file)} from ${path.basename(backup)}`);
        }
      }
    }
    if (lines.length === 0) lines.push('keyfence: no keyfence hooks found; nothing to do');
    return { exitCode: EXIT.clean, stdout: shownLines(lines), stderr: '' };
  });
}
