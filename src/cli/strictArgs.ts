import { UsageError } from './io.js';
import { camel, type OptionSpec } from './scanOptions.js';

/** Edit distance (insert, delete, substitute, swap of neighbours), for "did you mean". */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate closest to `word` when it is close enough to be a typo of it (≤ 2 edits, ≤ a third of it). */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = distance(word.toLowerCase(), c.toLowerCase());
    if (dist < bestD) [best, bestD] = [c, dist];
  }
  return best !== undefined && bestD <= Math.min(2, Math.ceil(best.length / 3)) ? best : undefined;
}

/**
 * What yargs is too lenient about, checked on the raw argv of a command before yargs parses it:
 *
 * - a boolean flag given a value it does not take: `--staged=1` (yargs: false), `--color=always`
 *   (yargs: false), `--no-color=x`. Only `=true` and `=false` are accepted;
 * - an option given twice with different values (`--format json --format sarif`; yargs makes
 *   an array, `--color --no-color`), unless it is `repeatable` (the same value twice is harmless);
 * - a number option with no value (`--exit-code` alone; yargs drops it);
 * - an unknown long option close to a known one: "did you mean --format?"; an unknown `--no-x`
 *   by its own name (yargs would name `x` and `X`).
 *
 * Throws UsageError (one line, exit 2). Stops at `--` (what follows are paths). Short flags
 * bundled (`-qf`) are left to yargs.
 */
export function checkArgs(argv: readonly string[], options: Record<string, OptionSpec>): void {
  const byName = new Map<string, [string, OptionSpec]>();
  for (const [name, spec] of Object.entries(options)) {
    byName.set(name, [name, spec]);
    if (spec.alias) byName.set(spec.alias, [name, spec]);
  }
  const seen = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') break;
    let flag: string;
    let value: string | undefined;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      [flag, value] = eq === -1 ? [token.slice(2), undefined] : [token.slice(2, eq), token.slice(eq + 1)];
    } else if (/^-[a-zA-Z]$/.test(token)) {
      flag = token.slice(1);
    } else {
      continue;
    }
    let entry = byName.get(flag);
    let negated = false;
    if (!entry && flag.startsWith('no-') && byName.get(flag.slice(3))?.[1].type === 'boolean') {
      entry = byName.get(flag.slice(3));
      negated = true;
    }
    if (!entry) {
      if (flag === 'help' || flag === 'h' || flag === 'version' || flag.length === 1) continue;
      const guess = closest(
        flag,
        [...byName.keys()].filter((k) => k.length > 1),
      );
      if (guess) throw new UsageError(`unknown option --${flag}; did you mean --${guess}?`);
      // yargs reads --no-x as x negated and names both spellings ("Unknown arguments: x, X").
      if (flag.startsWith('no-')) throw new UsageError(`unknown option --${flag}`);
      continue; // yargs says "Unknown argument"
    }
    const [name, spec] = entry;
    if (spec.type === 'boolean' && value !== undefined && (negated || (value !== 'true' && value !== 'false'))) {
      throw new UsageError(`--${negated ? 'no-' : ''}${name} takes no value (got "${token}"); write --${name} or --no-${name}`);
    }
    if (spec.type === 'number' && value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || !/^-?\d/.test(next)) throw new UsageError(`--${name} needs a number`);
    }
    if (!spec.repeatable) {
      const before = seen.get(name);
      const shown = spec.type === 'boolean' ? token : (value ?? argv[i + 1] ?? '');
      if (before !== undefined && before !== shown)
        throw new UsageError(
          `--${name} is given more than once (${before}, ${shown})${(name === 'format' || name === 'output') && options.report ? '; for several reports use --report FORMAT[:PATH], once per report' : ''}`,
        );
      seen.set(name, shown);
    }
  }
}

/**
 * After yargs: what checkArgs cannot see on the raw argv (bundled short flags, `-qf json
 * --format sarif`) yargs turns into an array; a non-repeatable option with several values is
 * a UsageError too.
 */
export function checkParsed(parsed: Record<string, unknown>, options: Record<string, OptionSpec>): void {
  for (const [name, spec] of Object.entries(options)) {
    const value = parsed[camel(name)];
    if (!spec.repeatable && Array.isArray(value)) throw new UsageError(`--${name} is given more than once (${value.join(', ')})`);
  }
}

/**
 * `--redact[=PERCENT]` / `--no-redact`, as gitleaks spells it, taken out of a `scan` argv
 * before yargs sees it (yargs would read `--redact=50` as a boolean, false: secrets in clear).
 *
 * - no flag: the default redaction (`percent` undefined);
 * - `--redact`: 100, nothing of the secret shown; `--redact N` when N is a whole number 0–100;
 * - `--redact=N`: N percent of each secret hidden; N must be a whole number 0–100;
 * - `--redact=0` or `--no-redact`: secrets in clear (the only two ways to get them).
 *
 * Anything else (`--redact=yes`, `--redact=-1`, `--no-redact=1`, two different values) is a
 * UsageError.
 */
export function takeRedact(argv: readonly string[]): { argv: string[]; redact: boolean; percent?: number } {
  const rest: string[] = [];
  let found: { redact: boolean; percent?: number } | undefined;
  let ended = false;
  const set = (v: { redact: boolean; percent?: number }, token: string) => {
    if (found && (found.redact !== v.redact || found.percent !== v.percent))
      throw new UsageError(`--redact is given more than once with different values (${token})`);
    found = v;
  };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (ended || !/^--(no-)?redact(=|$)/.test(token)) {
      if (token === '--') ended = true;
      rest.push(token);
      continue;
    }
    if (token === '--no-redact') {
      set({ redact: false }, token);
      continue;
    }
    if (token === '--redact') {
      const next = argv[i + 1];
      if (next !== undefined && /^\d+$/.test(next)) {
        set(percentOf(next, token), token);
        i++;
      } else {
        set({ redact: true, percent: 100 }, token);
      }
      continue;
    }
    if (token.startsWith('--redact=')) {
      set(percentOf(token.slice('--redact='.length), token), token);
      continue;
    }
    throw new UsageError(`${token}: --no-redact takes no value`);
  }
  return { argv: rest, redact: found?.redact ?? true, ...(found?.percent !== undefined ? { percent: found.percent } : {}) };
}

function percentOf(value: string, token: string): { redact: boolean; percent?: number } {
  if (!/^\d{1,3}$/.test(value) || Number(value) > 100) {
    throw new UsageError(`${token}: --redact takes a percentage from 0 to 100 (how much of each secret is hidden; 0 shows secrets)`);
  }
  const percent = Number(value);
  return percent === 0 ? { redact: false } : { redact: true, percent };
}
