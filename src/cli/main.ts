import { run } from './run.js';
import type { RunIO } from './io.js';
import { writeAll } from './writeAll.js';
import { readStdin } from './readStdin.js';

/** Runs the CLI against the real process: writes its output, returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let bytes: Promise<Buffer> | undefined;
  const stdinBytes = () => (bytes ??= readStdin());
  const io: RunIO = {
    cwd: process.cwd(),
    env: process.env,
    stdin: async () => (await stdinBytes()).toString('utf8'),
    stdinBytes,
    stdoutIsTTY: process.stdout.isTTY,
    stderrIsTTY: process.stderr.isTTY,
    stderrStream: process.stderr,
    stdoutStream: process.stdout,
  };
  const result = await run(argv, io);
  if (result.stderr) process.stderr.write(result.stderr);
  if (result.stdout) await writeAll(process.stdout, result.stdout);
  return result.exitCode;
}
