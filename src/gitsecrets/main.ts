import { gitSecrets } from './command.js';

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

/** Runs `git secrets …` against the real process: writes its output, returns the exit code. */
export async function gitSecretsMain(argv: string[]): Promise<number> {
  const result = await gitSecrets(argv, { cwd: process.cwd(), env: process.env, stdin: readStdin, stdoutIsTTY: process.stdout.isTTY });
  if (result.stdout) await new Promise<void>((resolve) => process.stdout.write(result.stdout, () => resolve()));
  if (result.stderr) await new Promise<void>((resolve) => process.stderr.write(result.stderr, () => resolve()));
  return result.exitCode;
}
