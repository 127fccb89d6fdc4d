import path from 'node:path';
import type { ReportMeta } from '../report/index.js';
import type { RunIO } from './io.js';
import type { ScanArgs } from './scanOptions.js';

/**
 * A remote URL fit to print: user and password of an http(s)/ssh URL removed
 * (`https://x-access-token:TOKEN@github.com/o/r.git` → `https://github.com/o/r.git`); scp-like
 * `git@host:path` is kept (the user there is not a credential).
 */
export function remoteWithoutCredentials(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/@]*@)?(.*)$/i.exec(url);
  return m ? `${m[1]}${m[3]}` : url;
}

/** A command line as a person would retype it: arguments with shell-special characters single-quoted. */
export function shellLine(argv: readonly string[]): string {
  return ['keyfence', ...argv].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The scan mode and what it read, in words. */
function modeAndTarget(args: ScanArgs, io: RunIO): { mode: string; target: string } {
  if (args.staged) return { mode: 'staged', target: 'the staged changes (the index)' };
  if (args.commitMsg !== undefined) return { mode: 'commit-msg', target: `commit message ${args.commitMsg}` };
  if (args.prePush !== undefined) return { mode: 'pre-push', target: `the commits being pushed to ${args.prePush || 'origin'}` };
  if (args.history !== undefined) {
    const parts = [args.history ? `commits ${args.history}` : args.branch ? `commits of ${args.branch}` : 'commits of all refs'];
    if (args.since) parts.push(`since ${args.since}`);
    if (args.until) parts.push(`until ${args.until}`);
    return { mode: 'history', target: parts.join(', ') };
  }
  if (args.paths.length === 1 && args.paths[0] === '-') return { mode: 'stdin', target: 'standard input' };
  const dirs = (args.paths.length ? args.paths : ['.']).map((p) => path.resolve(io.cwd, p));
  return { mode: args.git ? 'tree' : 'no-git', target: dirs.join(', ') };
}

/**
 * What the HTML report says about a scan: the repository (its directory name, origin remote
 * without credentials, branch), mode and target, start time and command line. The time is
 * SOURCE_DATE_EPOCH when set (reproducible reports), else `now`. Git is asked only for values
 * (rev-parse, config --get): nothing of the scanned repository runs.
 */
export async function reportMeta(args: ScanArgs, io: RunIO, now: Date): Promise<ReportMeta> {
  const epoch = io.env.SOURCE_DATE_EPOCH;
  const startedAt = (epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : now).toISOString();
  const meta: ReportMeta = { ...modeAndTarget(args, io), startedAt, commandLine: shellLine(io.argv ?? ['scan']) };
  if (args.git && !(args.paths.length === 1 && args.paths[0] === '-')) {
    const [{ git }, { repoRoot }] = await Promise.all([import('../git/exec.js'), import('../git/locateRepo.js')]);
    const root = repoRoot(io.cwd, io.env);
    if (root) {
      const value = async (a: string[]) => (await git(a, root).catch(() => Buffer.from(''))).toString('utf8').trim() || undefined;
      const [remote, branch] = await Promise.all([value(['config', '--get', 'remote.origin.url']), value(['rev-parse', '--abbrev-ref', 'HEAD'])]);
      meta.repository = {
        name: path.basename(root),
        ...(remote ? { remote: remoteWithoutCredentials(remote) } : {}),
        ...(branch && branch !== 'HEAD' ? { branch } : {}),
      };
    }
  }
  return meta;
}
