import { ConfigError } from '../config/configError.js';
import type { AllowStage } from '../scan.js';
import { fragmentLine } from './fragmentLine.js';

export interface GitallowedPattern {
  /** 1-based line in the file. */
  line: number;
  source: string;
  re: RegExp;
}

/** POSIX bracket classes git-secrets users write (grep -E), as JavaScript class contents. */
const POSIX: Record<string, string> = {
  alnum: 'A-Za-z0-9', alpha: 'A-Za-z', digit: '0-9', lower: 'a-z', upper: 'A-Z', xdigit: '0-9A-Fa-f',
  space: ' \\t\\r\\n\\v\\f', blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', word: '\\w',
};

/**
 * Parses git-secrets' `.gitallowed`: one extended regex per line; blank lines and lines
 * starting with "#" are skipped. POSIX classes such as `[[:alnum:]]` are translated. Throws
 * ConfigError naming `file` and the line for a pattern that does not compile.
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
    const js = source.replace(/\[:([a-z]+):\]/g, (whole, name: string) => POSIX[name] ?? whole);
    try {
      out.push({ line: i + 1, source, re: new RegExp(js) });
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
