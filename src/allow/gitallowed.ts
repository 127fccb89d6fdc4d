import { ConfigError } from '../config/configError.js';
import { ereRegex } from '../gitsecrets/ereRegex.js';
import type { RegexLike } from '../rules/linearRegex.js';
import type { AllowStage } from '../scan.js';
import { fragmentLine } from './fragmentLine.js';

export interface GitallowedPattern {
  /** 1-based line in the file. */
  line: number;
  source: string;
  re: RegexLike;
}

/**
 * Parses git-secrets' `.gitallowed`: one GNU extended regex per line (grep -E, as git-secrets
 * reads it: POSIX classes such as `[[:alnum:]]`, backreferences…, translated by the drop-in's
 * ERE translator, so both read the file alike; run on the linear-time engine unless they use a
 * backreference, see src/gitsecrets/ereRegex.ts); blank lines and lines starting with "#" are
 * skipped. Throws ConfigError naming `file` and the line for a pattern grep would reject.
 *
 *     # allow the documented example key and everything in fixtures
 *     AKIAIOSFODNN7EXAMPLE
 *     ^test/fixtures/
 */
export function parseGitallowed(text: string, file: string): GitallowedPattern[] {
  const out: GitallowedPattern[] = [];
  text.split('\n').forEach((raw, i) => {
    const source = raw.replace(/\r$/, '');
    if (source.trim() === '' || source.trimStart().startsWith('#')) return;
    try {
      out.push({ line: i + 1, source, re: ereRegex(source) });
    } catch (err) {
      throw new ConfigError(`${file}:${i + 1}: not a valid regular expression: ${(err as Error).message}`);
    }
  });
  return out;
}

/**
 * Allows a finding when one pattern matches its line, or `path:line:text` as git-secrets
 * matches `git grep` output. `file` names the file in the reason.
 */
export function gitallowedStage(patterns: GitallowedPattern[], file: string): AllowStage {
  return (finding, fragment) => {
    const text = fragmentLine(fragment, finding.line) ?? finding.lineText;
    const located = `${finding.path}:${finding.line}:${text}`;
    const hit = patterns.find((p) => p.re.test(text) || p.re.test(located));
    return hit ? { stage: 'gitallowed', reason: `${file}:${hit.line}: ${hit.source}` } : null;
  };
}
