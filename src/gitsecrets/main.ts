import { gitSecretsBytes } from './command.js';

function readStdin(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}

/** Runs `git secrets …` against the real process: writes its output, returns the exit code. */
export async function gitSecretsMain(argv: string[]): Promise<number> {
  const result = await gitSecretsBytes(argv, { cwd: process.cwd(), env: process.env, stdinBytes: readStdin, stdoutIsTTY: process.stdout.isTTY });
  if (result.stdout.length) await new Promise<void>((resolve) => process.stdout.write(result.stdout, () => resolve()));
  if (result.stderr.length) await new Promise<void>((resolve) => process.stderr.write(result.stderr, () => resolve()));
  return result.exitCode;
}
