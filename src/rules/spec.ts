import type { Severity } from '../types.js';

/**
 * A rule as written in `rules/*.json` and in users' config (`rules: [...]`). The JSON Schema in
 * `schema/rules.schema.json` describes the same shape; keep them together.
 */
export interface RuleSpec {
  /** kebab-case, stable: reports, baselines and configs refer to it. */
  id: string;
  description: string;
  /**
   * Who issues the credential ("aws", "github", …): the built-in rules get their file's
   * `provider`; a config's rule may name one ("custom" when it does not). `keyfence rules`
   * groups by it, the config's `providers` and `--only` select by it.
   */
  provider?: string;
  /**
   * JavaScript regular expression source. The secret is the first capturing group that took
   * part in the match (use non-capturing groups elsewhere); without groups, the whole match.
   */
  pattern: string;
  /** Extra regex flags ("i", "s", "u"); "g" and "d" are always added. */
  flags?: string;
  /**
   * Set by keyfence only, never read from a config (the schema has no such field): the rule's
   * regexes run on V8's backtracking engine. Built-in rules (bounded by construction, timed by
   * test/linearity.test.ts) and translated git-secrets patterns (checked by the ERE translator)
   * have it; every other rule runs on the linear-time engine (src/rules/linearRegex.ts).
   */
  engine?: 'backtracking';
  /**
   * The pattern may match across lines (a PEM private key block): it runs over the whole text,
   * never over keyword lines only, and the finding gets the `endLine` where the match ends.
   * Such a pattern must stay linear: bounded repetitions of classes that cannot run past
   * the end marker it looks for.
   */
  multiline?: boolean;
  /**
   * Prefilter, ASCII case-insensitive: the regex runs only over the lines that hold one of
   * these, so a keyword rule's match lies within one line. No keywords (or an empty list): the
   * regex runs over the whole text.
   */
  keywords?: string[];
  /**
   * Prefilter for a keyword rule whose match is a name followed by a long value: a keyword alone
   * does not wake the rule. Every match starts on a line holding a keyword, ends at most
   * `linesAfter` lines below it (default 0; this is what lets a `multiline` keyword rule run
   * over those lines instead of the whole text), and holds a run of at least `minRun`
   * characters of `[A-Za-z0-9+/%]` (base64 and percent escapes). The rule's regex runs only over
   * such lines that hold such a run; a text with no such run anywhere is not searched for the
   * rule's keywords at all. The rule's true-positive examples test the promise.
   */
  window?: { linesAfter?: number; minRun: number };
  /**
   * Prefilter, case-sensitive: every match of `pattern` contains one of these strings, so the
   * rule runs on a text only if one occurs in it. All rules' literals are found in one pass
   * (src/detect/literalIndex.ts), each through its character rarest in code: a literal holding a
   * rare character (`_`, `-`, `K`, `z`) costs next to nothing. Use it where the rule's own regex
   * is slow to rule a text out.
   */
  literals?: string[];
  /** Rules with `enabled: false` ship disabled; a config's `enableRules` turns them on. */
  enabled?: boolean;
  severity?: Severity;
  /** What to do when this is found (how to rotate the credential). */
  help?: string;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  entropy?: number;
  /** Names of built-in gates (see src/detect/gates.ts) that reject look-alikes. */
  gates?: string[];
  /** Decode the AWS account ID from an access key ID secret (the same as `enrich: ["aws-account"]`). */
  awsAccount?: boolean;
  /** Names of built-in enrichers (see src/detect/enrichers.ts) that fill `Finding.metadata`. */
  enrich?: string[];
  /**
   * A second way to find this rule's secret: an unnamed value that only counts when it sits on
   * the same line as a finding of rule `rule`, or within `linesAfter` lines after one.
   */
  near?: {
    rule: string;
    linesAfter: number;
    pattern: string;
    flags?: string;
    entropy?: number;
    gates?: string[];
  };
  /** Per-rule allowlist: a secret matching one of these is not reported. */
  allow?: {
    regexes?: string[];
    /** Match the regexes against the whole line instead of the secret. */
    regexTarget?: 'secret' | 'line';
    stopwords?: string[];
  };
  /**
   * Examples the test suite runs. Templates expand at run time so no real-looking credential is
   * ever committed: `{{KIND}}` or `{{KIND:arg}}` calls the generator KIND of the registry in
   * src/rules/generators/ (e.g. {{AKID}}, {{AKID:ASIA}}, {{SECRET}}, {{CRC32TOKEN:ghp_}},
   * {{BASE62:24}}, {{PEM:RSA}}); {{B64:…}}, {{PCT:…}}, {{JSON:…}} encode, and {{VAL:…}} marks
   * an expansion as one value (`sk_live_{{BASE62:24}}` inside it). See expandExample.
   */
  examples?: {
    truePositives: string[];
    falsePositives: { text: string; why: string }[];
  };
}
