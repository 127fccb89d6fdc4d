/** What the CLI needs from the outside world; tests pass their own. */
export interface RunIO {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Standard input, read only when a command asks for it (`scan -`). */
  stdin?: () => Promise<string>;
  /**
   * Standard input as bytes (the bin gives both, read once): `scan -` then decodes it as files
   * are decoded (UTF-16, Latin-1), not only as UTF-8.
   */
  stdinBytes?: () => Promise<Buffer>;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  /** The arguments keyfence was run with (after the command name), for reports that show the command line. */
  argv?: readonly string[];
  /** Live stderr for progress bars; absent in tests and when output is captured. */
  stderrStream?: NodeJS.WritableStream;
  /**
   * Live stdout: when given, a scan's stdout report is written to it piece by piece (stderr so
   * far first), never built as one string, and RunResult.stdout is empty. Absent in tests.
   */
  stdoutStream?: NodeJS.WriteStream;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Exit codes, as documented in the README and at the top of bin/keyfence.js. */
export const EXIT = { clean: 0, findings: 1, error: 2 } as const;

/** An error the user caused or can fix: printed as one line `keyfence: …`, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

// InputError is the engine's (src/errors.ts); re-exported for the CLI's importers.
export { InputError } from '../errors.js';
