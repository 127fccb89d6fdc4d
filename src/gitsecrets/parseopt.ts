/**
 * Option parsing as `git rev-parse --parseopt` does it for a shell script's OPTIONS_SPEC
 * (git's parse-options.c): long options abbreviated to a unique prefix, `--no-` negation, the
 * positive form of a `no-` option meaning its negation, clustered short switches, `-h`,
 * `--help`, `--help-all`, options and arguments in any order until `--`.
 *
 * For valid input it yields what `rev-parse --parseopt` prints after `set --`: every option in
 * its normalized form (`-r` for `--rec`, `--no-no-index` for `--index`), then `--`, then the
 * arguments. Only flags without values are supported (all that git-secrets declares).
 */
export interface OptSpec {
  short?: string;
  long: string;
  help: string;
  /** Declared with `*`: accepted, shown only by --help-all. */
  hidden?: boolean;
}

export type ParseResult =
  | { kind: 'ok'; args: string[] }
  /** Usage on stdout, exit 129 (`-h`, `--help`, `--help-all`; after `error` for ambiguity). */
  | { kind: 'help'; all: boolean; error?: string }
  /** `error` then usage on stderr, exit 129. */
  | { kind: 'unknown'; error: string }
  /** Only `error` on stderr, exit 129. */
  | { kind: 'error'; error: string };

interface Found {
  opt: OptSpec;
  unset: boolean;
  value?: string;
}

function parseLong(arg: string, options: readonly OptSpec[]): Found | ParseResult | null {
  const eq = arg.indexOf('=');
  const argEnd = eq < 0 ? arg.length : eq;
  let abbrev: OptSpec | null = null;
  let abbrevUnset = false;
  let abbrevValue: string | undefined;
  let ambiguous: OptSpec | null = null;
  let ambiguousUnset = false;
  for (const opt of options) {
    let longName = opt.long;
    let unset = false;
    let optUnset = false;
    let rest: string | null = null;
    let abbreviated = false;
    for (;;) {
      rest = arg.startsWith(longName) ? arg.slice(longName.length) : null;
      if (rest !== null) break;
      if (longName.startsWith(arg.slice(0, argEnd))) {
        abbreviated = true;
        break;
      }
      if ('no-'.startsWith(arg)) {
        unset = true;
        abbreviated = true;
        break;
      }
      if (!arg.startsWith('no-')) {
        if (longName.startsWith('no-')) {
          longName = longName.slice(3);
          optUnset = true;
          continue;
        }
        break;
      }
      unset = true;
      if (arg.slice(3).startsWith(longName)) {
        rest = arg.slice(3 + longName.length);
        break;
      }
      if (longName.startsWith(arg.slice(3))) abbreviated = true;
      break;
    }
    if (abbreviated) {
      if (abbrev) {
        ambiguous = abbrev;
        ambiguousUnset = abbrevUnset;
      }
      if (!unset && argEnd < arg.length) abbrevValue = arg.slice(argEnd + 1);
      abbrev = opt;
      abbrevUnset = unset !== optUnset;
      continue;
    }
    if (rest === null) continue;
    if (rest !== '') {
      if (rest[0] !== '=') continue;
      return { opt, unset: unset !== optUnset, value: rest.slice(1) };
    }
    return { opt, unset: unset !== optUnset };
  }
  if (ambiguous && abbrev) {
    const error = `error: ambiguous option: ${arg} (could be --${ambiguousUnset ? 'no-' : ''}${ambiguous.long} or --${abbrevUnset ? 'no-' : ''}${abbrev.long})`;
    return { kind: 'help', all: false, error };
  }
  if (abbrev) return abbrevValue === undefined ? { opt: abbrev, unset: abbrevUnset } : { opt: abbrev, unset: abbrevUnset, value: abbrevValue };
  return null;
}

/** parse-options' check_typos: `-scan` is taken for a mistyped `--scan`. */
function typo(body: string, options: readonly OptSpec[]): ParseResult | null {
  if (body.length < 3) return null;
  if (body.startsWith('no-') || options.some((o) => o.long.startsWith(body))) {
    return { kind: 'error', error: `error: did you mean \`--${body}\` (with two dashes)?` };
  }
  return null;
}

/** Parses `argv` against `options` (see the module comment). */
export function parseOptions(argv: readonly string[], options: readonly OptSpec[]): ParseResult {
  const parsed: string[] = [];
  const positional: string[] = [];
  const emit = (f: Found): void => {
    if (f.unset) parsed.push(`--no-${f.opt.long}`);
    else if (f.opt.short) parsed.push(`-${f.opt.short}`);
    else parsed.push(`--${f.opt.long}`);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--' || arg === '--end-of-options') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    if (arg.startsWith('--')) {
      const body = arg.slice(2);
      if (body === 'help-all') return { kind: 'help', all: true };
      if (body === 'help') return { kind: 'help', all: false };
      const found = parseLong(body, options);
      if (found === null) return { kind: 'unknown', error: `error: unknown option \`${body}'` };
      if ('kind' in found) return found;
      if (found.value !== undefined) {
        return { kind: 'error', error: `error: option \`${found.unset ? 'no-' : ''}${found.opt.long}' takes no value` };
      }
      emit(found);
      continue;
    }
    // A cluster of short switches: -rf.
    const cluster = arg.slice(1);
    for (let j = 0; j < cluster.length; j++) {
      const c = cluster[j]!;
      const opt = options.find((o) => o.short === c);
      if (!opt) {
        if (j === 0) {
          const t = typo(cluster, options);
          if (t) return t;
        }
        if (c === 'h') return { kind: 'help', all: false };
        return { kind: 'unknown', error: `error: unknown switch \`${c}'` };
      }
      emit({ opt, unset: false });
      if (j === 0 && cluster.length > 1) {
        const t = typo(cluster, options);
        if (t) return t;
      }
    }
  }
  return { kind: 'ok', args: [...parsed, '--', ...positional] };
}

/**
 * The usage text parse-options prints for a spec: the usage lines ("usage: " then "   or: "),
 * a blank line, then one line per option (hidden ones only with `all`), then a blank line.
 */
export function usageText(usages: readonly string[], options: readonly OptSpec[], all: boolean): string {
  const lines = usages.map((u, i) => `${i === 0 ? 'usage: ' : '   or: '}${u}`);
  lines.push('');
  for (const o of options) {
    if (o.hidden && !all) continue;
    const names = o.short ? `-${o.short}, --${o.long}` : `--${o.long}`;
    const left = `    ${names}`;
    // parse-options pads the names to column 26; longer names put the help on the next line.
    if (left.length <= 24) lines.push(`${left.padEnd(26)}${o.help}`);
    else lines.push(left, `${' '.repeat(26)}${o.help}`);
  }
  lines.push('');
  return `${lines.join('\n')}\n`;
}
