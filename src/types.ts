/**
 * The types every stage of keyfence speaks. See ../shared/DESIGN.md: Source → Fragment →
 * Detector → Finding → allow stages → ScanResult → Reporter.
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
  commit?: CommitInfo;
  /** Set when the text was decoded from another encoding before scanning (e.g. "utf-16le"). */
  encoding?: string;
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
  /** Present for history findings. */
  commit?: string;
  author?: string;
  email?: string;
  date?: string;
  message?: string;
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
}
