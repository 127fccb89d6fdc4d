import path from 'node:path';
import { git } from '../git/exec.js';
import { DiffParser, LineSplitter, type AddedLines } from '../git/diffParser.js';
import { fingerprintOf } from '../detect/detector.js';
import type { Detected } from '../scan.js';
import type { Finding } from '../types.js';
import { DIFF_ARGS } from './staged.js';

/** The rule id of a change to keyfence's own configuration inside a scanned range. */
export const CONFIG_CHANGE = 'config-change';

/** The files whose change inside a range can loosen a scan: config, git-secrets allow list, gitleaks' ignore file, default baseline. */
export const CONFIG_FILES = ['.keyfence.json', '.gitallowed', '.gitleaksignore', '.keyfence-baseline.json'];

/** How much of what a changed file adds is shown. */
const SHOWN = 300;

/**
 * The ends of a range scan `A..B` or `A...B` (one revision range; B defaults to HEAD), with the
 * base resolved as git does for `...` (the merge base). Undefined for anything else (all refs,
 * one branch, several revisions): such scans read the work tree's configuration.
 */
export async function rangeEnds(range: string | undefined, cwd: string): Promise<{ base: string; head: string } | undefined> {
  const m = /^([^\s.][^\s]*?)(\.\.\.?)([^\s.][^\s]*)?$/.exec((range ?? '').trim());
  if (!m || m[1]!.startsWith('-') || m[3]?.startsWith('-')) return undefined;
  const head = m[3] ?? 'HEAD';
  if (m[2] === '..') return { base: m[1]!, head };
  const base = (await git(['merge-base', '--end-of-options', m[1]!, head], cwd)).toString('utf8').trim();
  return { base, head };
}

/** The baseline path (from the repository root) the config as of `rev` names, if any. */
async function baselineNamedAt(cwd: string, rev: string): Promise<string | undefined> {
  const { readAtRevision } = await import('../config/readAtRevision.js');
  const text = (await readAtRevision(cwd, rev, ['.keyfence.json'])).get('.keyfence.json');
  try {
    const named = (JSON.parse(text ?? 'null') as { baseline?: unknown } | null)?.baseline;
    if (typeof named !== 'string') return undefined;
    const rel = path.posix.normalize(named.split(path.sep).join('/'));
    return rel.startsWith('../') || path.posix.isAbsolute(rel) ? undefined : rel;
  } catch {
    return undefined; // an invalid config is reported by loadConfig
  }
}

/**
 * A change inside the range `base..head` to a file that configures the scan (CONFIG_FILES, and
 * the baseline the base's config names): one `config-change` finding (severity warning) per
 * file that gains lines, showing what it adds. The scan itself applied the base's version (see
 * loadConfig's `revision`), so such a change does not hide anything from this scan, but a
 * reviewer must see it before it is merged and applies to every later scan.
 */
export async function configChangeFindings(cwd: string, base: string, head: string): Promise<Detected[]> {
  const files = [...CONFIG_FILES];
  const named = await baselineNamedAt(cwd, base);
  if (named && !files.includes(named)) files.push(named);
  const out = await git(
    ['diff', ...DIFF_ARGS, '--text', '--diff-filter=ACMRT', '--end-of-options', base, head, '--', ...files.map((f) => `:(top,literal)${f}`)],
    cwd,
  );
  const changed: AddedLines[] = [];
  const parser = new DiffParser((f) => changed.push(f));
  const split = new LineSplitter();
  const feed = (l: string) => parser.line(l);
  split.push(out, feed);
  split.end(feed);
  parser.end();
  return changed.map((added) => {
    const adds = added.lines
      .map((l) => l.trim())
      .filter(Boolean)
      .join(' ⏎ ');
    const finding: Finding = {
      ruleId: CONFIG_CHANGE,
      description: `keyfence configuration changed inside the scanned range (this scan applied it as of ${base.slice(0, 12)})`,
      path: added.path,
      line: added.lineNumbers[0] ?? 1,
      endLine: added.lineNumbers[0] ?? 1,
      column: 1,
      endColumn: 1,
      secret: '',
      lineText: `adds: ${adds.length > SHOWN ? `${adds.slice(0, SHOWN)}…` : adds}`,
      fingerprint: fingerprintOf(CONFIG_CHANGE, added.path, added.blob ?? adds),
      severity: 'warning',
    };
    // No text to read allow comments from: the change itself cannot ask to be let through.
    return { fragment: { text: '', path: added.path, startLine: finding.line }, findings: [finding] };
  });
}
