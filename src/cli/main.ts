import { run } from './run.js';
import type { RunIO } from './io.js';
import { writeAll } from './writeAll.js';
import { readStdin } from './readStdin.js';

/** Runs the CLI against the real process: writes its output, returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let bytes: Promise<Buffer> | undefined;
  const stdinBytes = () => (bytes ??= readStdin());
  // The standard streams are made on first use (getters): a quiet, clean hook run writes
  // nothing, and making process.stdout/stderr loads the stream, tty or net modules (~1 ms).
  const io: RunIO = {
    cwd: process.cwd(),
    env: process.env,
    argv,
    stdin: async () => (await stdinBytes()).toString('utf8'),
    stdinBytes,
    get stdoutIsTTY() {
      return process.stdout.isTTY;
    },
    get stderrIsTTY() {
      return process.stderr.isTTY;
    },
    get stderrStream() {
      return process.stderr;
    },
    get stdoutStream() {
      return process.stdout;
    },
  };
  const result = await run(argv, io);
  if (result.stderr) process.stderr.write(result.stderr);
  if (result.stdout) await writeAll(process.stdout, result.stdout);
  return result.exitCode;
}
