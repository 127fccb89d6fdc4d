import { writeAll } from '../cli/writeAll.js';
import { errorText } from '../errors.js';
import { gitSecretsBytes } from './command.js';
import { readStdin } from '../cli/readStdin.js';

/**
 * Runs `git secrets …` against the real process: writes its output, returns the exit code. A
 * failure git-secrets has no answer for (a hook path that is a directory…) is one line and
 * exit 2, as `keyfence git-secrets` reports it, never a stack trace.
 */
export async function gitSecretsMain(argv: string[]): Promise<number> {
  let result: { exitCode: number; stdout: Buffer; stderr: Buffer };
  try {
    result = await gitSecretsBytes(argv, { cwd: process.cwd(), env: process.env, stdinBytes: readStdin, stdoutIsTTY: process.stdout.isTTY });
  } catch (err) {
    result = { exitCode: 2, stdout: Buffer.alloc(0), stderr: Buffer.from(errorText(err, process.env)) };
  }
  if (result.stdout.length) await writeAll(process.stdout, result.stdout, 'git-secrets');
  if (result.stderr.length) await writeAll(process.stderr, result.stderr, 'git-secrets');
  return result.exitCode;
}
