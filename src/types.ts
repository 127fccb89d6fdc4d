/**
 * The types every stage of keyfence speaks, in pipeline order: a source yields Fragments, the
 * detector turns them into Findings, allow stages move some into `suppressed` (with their
 * Suppression), and the ScanResult goes to a reporter.
 */

/** Commit metadata attached to fragments and findings that come from git history. */
export interface CommitInfo {
  /** Full 40-hex commit id. */
  commit: string;
  author: string;
  email: string;
  /** ISO-8601 author date. */
  date: string;
  /** First line of the commit message. */
  message: string;
}

/**
 * A piece of text to scan: a whole file, the added lines of one diff hunk, stdin, a commit
 * message. `text` holds one or more lines joined by "\n"; its first line is line `startLine`
 * of the file at `path`. Lines may keep a trailing "\r" (CRLF files): detectors treat it as
 * white space.
 */
export interface Fragment {
  text: string;
  /** Path relative to the scan root, "/" separators; "(stdin)" for standard input. */
  path: string;
  /** 1-based line number of the first line of `text` in its file. */
  startLine: number;
  /**
   * When `text` is not contiguous in the file (the added lines of a diff hunk are), the file
   * line number of each line of `text`; otherwise absent and line i is `startLine + i`.
   */
  lineNumbers?: number[];
  /**
   * When set, only findings on these file lines are reported: the rest of `text` is context
   * (a staged file around the lines the commit adds), there so that a secret added below an
   * already-committed key ID still pairs with it.
   */
  reportLines?: number[];
  commit?: CommitInfo;
  /** Set when the text was decoded from another encoding before scanning (e.g. "utf-16le"). */
  encoding?: string;
  /**
   * True when `text` holds no ESC and no Unicode space (readers tell from the bytes, far cheaper
   * than a regex over the text): the detector's terminal decoder is skipped. A hint only: absent
   * is always safe.
   */
  noTerminal?: boolean;
  /**
   * True when every UTF-16 unit of `text` is below 256 (readers know it from how they decoded the
   * bytes: ASCII, Latin-1, a stand-in view): the detector may then scan it as bytes. A hint only:
   * absent is always safe, and a wrong `true` gives wrong offsets.
   */
  oneByte?: boolean;
  /**
   * Set when `text` is a one-byte stand-in view of the file, not its exact text (see
   * src/detect/standIn.ts; only tree scans make them): gives the exact fragment, read again, or
   * undefined when the file can no longer be read. The detector (detectFragment) turns to it
   * whenever the view gives a finding, so findings and allow stages see the exact text.
   */
  exact?: () => Fragment | undefined;
}

export type Severity = 'error' | 'warning' | 'note';

/**
 * One secret found at one place. Columns are 1-based; endColumn is one past the last char, on
 * line `endLine` (a private key block spans lines; for a one-line secret endLine equals line).
 */
export interface Finding {
  ruleId: string;
  description: string;
  path: string;
  line: number;
  /** The line the secret ends on: `line` unless the secret spans lines (a PEM private key). */
  endLine: number;
  column: number;
  endColumn: number;
  /** The secret: in clear inside the pipeline, redacted by the CLI unless --no-redact. */
  secret: string;
  /**
   * The line the secret sits on, cut to 160 characters each side of it ("…" where cut); the
   * decoded line for a secret found in decoded content. Redacted with the secret by the CLI.
   */
  lineText: string;
  /** Stable across line moves and shared by tree and history scans: sha-derived hex. */
  fingerprint: string;
  severity: Severity;
  /**
   * AWS account decoded offline from an access key ID, where the key format encodes it. Kept
   * for compatibility: the same value is `metadata["aws.accountId"]`.
   */
  awsAccountId?: string;
  /**
   * What enrichers learned about the secret offline (see src/detect/enrichers.ts), by
   * provider-namespaced key ("aws.accountId"). Absent when nothing was learned.
   */
  metadata?: Record<string, string>;
  /** Set when the secret was found inside decoded content (e.g. "base64", "percent"). */
  decodedFrom?: string;
  /**
   * Fingerprints of the findings that belong with this one (an AWS key ID, the secret key paired
   * with it, its session token: each lists the others), nearest first. Set by the detector.
   */
  related?: string[];
  /** The live check of an AWS key pair (`scan --verify`), on each finding of the pair it checked. */
  verification?: Verification;
  /** Present for history findings. */
  commit?: string;
  author?: string;
  email?: string;
  date?: string;
  message?: string;
  /** The repository it was found in, set by `keyfence merge` when it merges several repositories. */
  repository?: string;
}

/**
 * What STS said of a key pair (`scan --verify`): `valid` (GetCallerIdentity answered; the ARN,
 * account and user ID it gave), `invalid` (STS rejected the key ID or the signature: `error`
 * says which), `error` (no usable answer: `error` says why).
 */
export interface Verification {
  status: 'valid' | 'invalid' | 'error';
  arn?: string;
  account?: string;
  userId?: string;
  error?: string;
}

/** Why a finding was allowed, kept beside it rather than dropping it. */
export interface Suppression {
  /** Which allow stage: "inline", "path", "regex", "stopword", "baseline", "gitallowed", … */
  stage: string;
  /** Human-readable detail: the glob, the regex, the comment, the baseline file. */
  reason: string;
}

export interface SuppressedFinding extends Finding {
  suppressedBy: Suppression;
}

export interface ScanStats {
  /** Files (or diff files, or commits' files) whose text was scanned. */
  filesScanned: number;
  bytesScanned: number;
  /** Files skipped as binary. */
  binarySkipped: number;
  /** Files skipped for size, unreadable, etc., each with a note. */
  skipped: { path: string; reason: string }[];
  /** How the scan ran differently from what was asked (git missing, so files were walked). */
  notes?: string[];
  /** Commits walked, for history scans. */
  commitsScanned?: number;
  /** Files the source is going to read, when it knows up front (for progress bars). */
  filesTotal?: number;
  /** Commits the source is going to walk, when it knows up front (for progress bars). */
  commitsTotal?: number;
  durationMs: number;
}

export interface ScanResult {
  findings: Finding[];
  suppressed: SuppressedFinding[];
  stats: ScanStats;
  /** Set by `scan --shard K/N`: what `keyfence merge` needs (the JSON report carries it). */
  shard?: ShardInfo;
}

/**
 * Who a shard report is and what the merge must check and know (src/shard/mergeReports.ts).
 * Shards of one scan share everything here except `index` and `commits`.
 */
export interface ShardInfo {
  format: 'keyfence-shard/1';
  /** `history`: commits split by id; `tree`: files split by path. */
  kind: 'history' | 'tree';
  /** K of `--shard K/N`, 1-based. */
  index: number;
  /** N of `--shard K/N`. */
  count: number;
  /** --repository, else the repository's (or scan root's) directory name. */
  repository: string;
  /** What was scanned as given: the history range/branch/since/until, or the tree paths. */
  input: string;
  keyfenceVersion: string;
  /** SHA-256 of the rules that ran (their full specs): shards of different rule sets do not merge. */
  rulesHash: string;
  /** The rules that ran, as reports describe them (SARIF's rule list). */
  rules: { id: string; description: string; help?: string; severity?: Severity }[];
  /** False when the findings hold secrets in clear (--no-redact). */
  redacted: boolean;
  /**
   * SHA-256 of the whole input every shard derived the same way: the ordered commit list
   * (history) or the listed paths (tree). Shards that saw different inputs do not merge.
   */
  digest: string;
  /** Commits (history) or files (tree) of the whole input, every shard's. */
  total: number;
  /**
   * History: the position, in the whole selection's topological order (larger is older), of
   * each commit a finding of this shard names; the merge keeps each fingerprint's oldest.
   */
  commits?: Record<string, number>;
}
