/**
 * The errors the engine throws for something the user can fix. Each carries a one-line message
 * fit for the user (the CLI prints it as `keyfence: …` and exits 2, never with a stack trace);
 * anything else that escapes a scan is a bug. The engine's modules throw these, so nothing in
 * it needs the CLI; the classes are re-exported where they used to live.
 */

/** A problem with what a scan was pointed at (a missing path, an unreadable message file). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * A configuration the user must fix: the message names the file, the field and what is wrong
 * (`.keyfence.json: rules[0].pattern: not a valid regular expression: …`).
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A rule that cannot be used; the message names the rule and the field. */
export class RuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleError';
  }
}

/** A git failure with a one-line message fit for the user (no stack trace is shown). */
export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

/** Errors whose message is for the user, by name (the CLI's UsageError is one of them). */
const KNOWN = new Set(['UsageError', 'InputError', 'RuleError', 'GitError', 'ConfigError']);

/**
 * What a failure prints on stderr: `keyfence: MESSAGE` on one line (a message that spans lines,
 * as JSON.parse's quoting the text it choked on does, is joined), `internal error: …` for what is
 * not a known error, and the stack trace after it only when KEYFENCE_DEBUG is set in `env`.
 */
export function errorText(err: unknown, env: NodeJS.ProcessEnv): string {
  const e = err as Error;
  const known = KNOWN.has(e?.name);
  const message = (known ? e.message : `internal error: ${e?.message ?? String(err)}`).replace(/\s*\n\s*/g, ' ').trim();
  const stack = env.KEYFENCE_DEBUG && e?.stack ? `${e.stack}\n` : '';
  return `keyfence: ${message}\n${stack}`;
}
