import { readConfigFile } from '../config/readConfigFile.js';
import path from 'node:path';
import { runProcess } from '../git/runProcess.js';
import type { SecretsConfig } from './secretsConfig.js';
import { awsProviderOutput } from './awsProvider.js';

/** Shell-style $(…) capture: trailing newlines removed. */
function chompAll(s: string): string {
  return s.replace(/\n+$/, '');
}

/**
 * git-secrets' load_patterns: the secrets.patterns values, then each provider's output.
 * A provider line is split into words on blanks (no quoting, as bash's unquoted `$cmd`) and run;
 * "\r" is dropped from its output and an empty output is ignored. `git secrets --aws-provider
 * [file]` runs in-process (same output, no extra process). Returns the newline-joined text
 * git-secrets would hold in `$patterns` (trailing newlines removed), plus the providers' stderr.
 */
export async function loadPatterns(cfg: SecretsConfig, cwd: string, env: NodeJS.ProcessEnv): Promise<{ text: string; stderr: string }> {
  const parts: string[] = [...cfg.patterns];
  let stderr = '';
  for (const line of cfg.providers) {
    // `while read -r cmd`: leading and trailing blanks go; a value with several lines gives several commands.
    for (const cmdLine of line.split('\n')) {
      const words = cmdLine.split(/[ \t\n]+/).filter(Boolean);
      if (words.length === 0) continue;
      let out: string;
      if (words[0] === 'git' && words[1] === 'secrets' && words[2] === '--aws-provider' && words.length <= 4) {
        out = awsProviderOutput(words[3], env, cwd);
      } else {
        const r = await runProcess(words[0]!, words.slice(1), cwd, undefined, env);
        if (r.code === 127 && r.stdout.length === 0 && /command not found/.test(r.stderr.toString())) stderr += `git-secrets: ${words[0]}: command not found\n`;
        else stderr += r.stderr.toString('latin1');
        out = r.stdout.toString('latin1');
      }
      const result = chompAll(out.replace(/\r/g, ''));
      if (result !== '') parts.push(result);
    }
  }
  return { text: chompAll(parts.join('\n')), stderr };
}

/**
 * git-secrets' load_allowed: the secrets.allowed values, then `.gitallowed` at the work tree's
 * top: its lines that have a non-blank field and whose first field does not start with "#".
 */
export function loadAllowed(cfg: SecretsConfig, toplevel: string | undefined): string[] {
  const allowed = [...cfg.allowed];
  const file = path.join(toplevel ?? '/', '.gitallowed');
  // A missing or unreadable .gitallowed is none, as git-secrets' `cat` shrugs; a FIFO, a device
  // or a huge file is an error (readConfigFile), never a hang.
  let text: string | undefined;
  try {
    text = readConfigFile(file, '.gitallowed', { missingOk: true, encoding: 'latin1' });
  } catch (err) {
    if (/cannot read/.test((err as Error).message)) return allowed;
    throw err;
  }
  if (text === undefined) return allowed;
  for (const line of text.split('\n')) {
    const first = line.split(/[ \t]+/).find(Boolean);
    if (first === undefined || first.startsWith('#')) continue;
    allowed.push(line);
  }
  return allowed;
}

/**
 * git-secrets' load_combined_patterns, for git grep and git log -G: the patterns split on blanks
 * (bash's unquoted `for pattern in $patterns`) and joined with "|". Empty when there are none.
 */
export function combinePatterns(patternsText: string): string {
  return patternsText
    .split(/[ \t\n]+/)
    .filter(Boolean)
    .join('|');
}
