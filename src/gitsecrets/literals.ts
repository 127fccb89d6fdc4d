/**
 * Required literals of a GNU ERE: a set of strings such that every text the ERE matches contains
 * at least one of them, or null when no useful set is known. The matcher uses it as a prefilter
 * (only lines holding a required literal can match), the way grep and git grep look for a fixed
 * string before running the regex. Never wrong in the unsafe direction: when in doubt, null.
 *
 * Example: `(A3T[A-Z0-9]|AKIA|ASIA)[A-Z0-9]{16}` → [A3T, AKIA, ASIA];
 * `("|')?(AWS|aws)?_?(KEY|key)\s*=…` → [KEY, key]; `.*` → null.
 */
interface Info {
  /** Every string the node can match, when that is a small finite set. */
  exact: string[] | null;
  /** Strings one of which every match contains; null when none is known. */
  req: string[] | null;
}

const MAX_SET = 64;
const NONE: Info = { exact: null, req: null };

function cross(a: string[], b: string[]): string[] | null {
  if (a.length * b.length > MAX_SET) return null;
  const out: string[] = [];
  for (const x of a) for (const y of b) out.push(x + y);
  return [...new Set(out)];
}

function score(set: string[] | null): number {
  if (!set || set.length === 0) return 0;
  return Math.min(...set.map((s) => s.length));
}

function better(a: string[] | null, b: string[] | null): string[] | null {
  const sa = score(a);
  const sb = score(b);
  if (sb > sa || (sb === sa && sb > 0 && b!.length < a!.length)) return b;
  return sa > 0 ? a : null;
}

function union(parts: Info[]): Info {
  let exact: string[] | null = [];
  let req: string[] | null = [];
  for (const p of parts) {
    exact = exact && p.exact ? [...new Set([...exact, ...p.exact])] : null;
    if (exact && exact.length > MAX_SET) exact = null;
    req = req && p.req && score(p.req) > 0 ? [...new Set([...req, ...p.req])] : null;
  }
  return { exact, req };
}

function concat(items: Info[]): Info {
  let exact: string[] | null = [''];
  for (const it of items) exact = exact && it.exact ? cross(exact, it.exact) : null;
  let req: string[] | null = null;
  for (const it of items) req = better(req, it.req);
  // Runs of consecutive exact items give longer required strings ("AKIA" from A, K, I, A).
  for (let i = 0; i < items.length; i++) {
    let run: string[] | null = [''];
    for (let j = i; j < items.length && run; j++) {
      const e = items[j]!.exact;
      run = e ? cross(run, e) : null;
      if (run && !run.includes('')) req = better(req, run);
    }
  }
  if (exact && !exact.includes('')) req = better(req, exact);
  return { exact, req };
}

class Parser {
  i = 0;
  constructor(readonly p: string) {}

  alternation(): Info {
    const branches = [this.concatenation()];
    while (this.p[this.i] === '|') {
      this.i++;
      branches.push(this.concatenation());
    }
    return branches.length === 1 ? branches[0]! : union(branches);
  }

  concatenation(): Info {
    const items: Info[] = [];
    let canQuantify = false;
    while (this.i < this.p.length && this.p[this.i] !== '|' && this.p[this.i] !== ')') {
      const ch = this.p[this.i]!;
      if ((ch === '*' || ch === '+' || ch === '?') && canQuantify) {
        this.i++;
        const last = items.pop()!;
        if (ch === '+') items.push({ exact: null, req: last.req });
        else items.push({ exact: ch === '?' && last.exact ? [...new Set(['', ...last.exact])] : null, req: null });
        continue;
      }
      if (ch === '{' && canQuantify) {
        const m = /^\{(\d*)(,(\d*))?\}/.exec(this.p.slice(this.i));
        if (m && !(m[1] === '' && m[2] === undefined)) {
          this.i += m[0].length;
          const lo = Number(m[1] || '0');
          const hi = m[2] === undefined ? lo : m[3] === '' || m[3] === undefined ? Infinity : Number(m[3]);
          const last = items.pop()!;
          if (lo === 1 && hi === 1) items.push(last);
          else items.push({ exact: null, req: lo >= 1 ? last.req : null });
          continue;
        }
      }
      items.push(this.atom());
      canQuantify = !/^[\^$]$/.test(ch);
    }
    return concat(items);
  }

  atom(): Info {
    const ch = this.p[this.i]!;
    this.i++;
    switch (ch) {
      case '(': {
        const inner = this.alternation();
        if (this.p[this.i] === ')') this.i++;
        return inner;
      }
      case '^':
      case '$':
        return { exact: [''], req: null };
      case '.':
        return NONE;
      case '[':
        return this.bracket();
      case '\\': {
        const n = this.p[this.i++];
        if (n === undefined) return NONE;
        if ("<>bB`'".includes(n)) return { exact: [''], req: null };
        if ('sSwW'.includes(n) || (n >= '1' && n <= '9')) return NONE;
        return { exact: [n], req: [n] };
      }
      case ')':
        return { exact: [')'], req: [')'] };
      default:
        return { exact: [ch], req: [ch] };
    }
  }

  bracket(): Info {
    // Small plain sets like [Kk] count as alternatives; anything else is just "some character".
    const start = this.i;
    let j = start;
    if (this.p[j] === '^') j++;
    if (this.p[j] === ']') j++;
    while (j < this.p.length && this.p[j] !== ']') {
      if (this.p[j] === '[' && /[:=.]/.test(this.p[j + 1] ?? '')) {
        const close = this.p.indexOf(`${this.p[j + 1]}]`, j + 2);
        j = close < 0 ? this.p.length : close + 2;
      } else j++;
    }
    this.i = Math.min(j + 1, this.p.length);
    const body = this.p.slice(start, j);
    if (body.startsWith('^') || body.length === 0 || body.length > 4 || /[-[\\]/.test(body)) return NONE;
    const chars = [...new Set(body.split(''))];
    return { exact: chars, req: chars };
  }
}

/** The required literals of one ERE (see the module comment), or null. */
export function requiredLiterals(ere: string): string[] | null {
  try {
    const parser = new Parser(ere);
    const info = parser.alternation();
    if (parser.i < ere.length) return null;
    return info.req && score(info.req) > 0 ? info.req : null;
  } catch {
    return null;
  }
}

/** The required literals of a list of EREs (any may match): null if any has none. */
export function requiredLiteralsOfAll(eres: readonly string[], minLength = 3): string[] | null {
  const all = new Set<string>();
  for (const e of eres) {
    const lits = requiredLiterals(e);
    if (!lits || score(lits) < minLength) return null;
    for (const l of lits) all.add(l);
  }
  return all.size ? [...all] : null;
}
