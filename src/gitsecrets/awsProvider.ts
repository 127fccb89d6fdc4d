import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * `git secrets --aws-provider [file]`: the aws_access_key_id and aws_secret_access_key values of
 * an INI file (default ~/.aws/credentials), one per line, with regex metacharacters escaped.
 *
 * As git-secrets does it: every line containing either key name yields the text between its
 * first and second "=", spaces and double quotes removed, then each of ]\.|$(){}?+*^ preceded by
 * a backslash. A missing file prints nothing. Output is latin1 "byte" text ending in "\n" per line.
 */
export function awsProviderOutput(file: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const home = env.HOME ?? os.homedir();
  const target = file ? path.resolve(cwd, file) : path.join(home, '.aws', 'credentials');
  let text: string;
  try {
    if (!statSync(target).isFile()) return '';
    text = readFileSync(target, 'latin1');
  } catch {
    return '';
  }
  let out = '';
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) {
    if (!/aws_access_key_id|aws_secret_access_key/.test(line)) continue;
    const field = line.split('=')[1] ?? '';
    out += `${field.replace(/[ "]/g, '').replace(/[\]\\.|$(){}?+*^]/g, '\\$&')}\n`;
  }
  return out;
}
