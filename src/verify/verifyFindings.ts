import { createHash } from 'node:crypto';
import type { Finding, Verification } from '../types.js';
import { callSts, type StsCredentials } from './callSts.js';
import { stsEndpoint, type StsEndpoint } from './stsEndpoint.js';
import type { StsOutcome } from './stsReply.js';

/** The rules whose findings make up an AWS key pair. */
const KEY_ID = 'aws-access-key-id';
const SECRET = 'aws-secret-access-key';
const TOKEN = 'aws-session-token';

/** Most secrets tried for one key ID (the nearest first): a handful, not a brute force. */
export const MAX_CANDIDATES = 4;

export interface VerifyOptions {
  env: NodeJS.ProcessEnv;
  /** Requests in flight at once. */
  concurrency?: number;
  /** One request's limit (connect, send, answer). */
  timeoutMs?: number;
  /** The whole verification's limit: what is not answered by then is an `error`. */
  deadlineMs?: number;
  /** Attempts of one request that STS throttles (or fails with a 5xx), backing off between them. */
  attempts?: number;
  /** The first back-off; doubled each retry, with jitter. */
  backoffMs?: number;
}

export const DEFAULTS = { concurrency: 4, timeoutMs: 5000, deadlineMs: 30000, attempts: 4, backoffMs: 250 } as const;

/** How a verification went, for the note on stderr. */
export interface VerifySummary {
  endpoint: string;
  /** Distinct key ID and secret pairs STS was asked about (each once). */
  pairs: number;
  /** Distinct key IDs by status (the best any of its findings came to). */
  valid: number;
  invalid: number;
  error: number;
}

/** A key ID with the secrets (nearest first) and session token it may be used with. */
interface KeyJob {
  keyId: string;
  secrets: { fingerprint: string; secret: string }[];
  token?: { fingerprint: string; secret: string };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Runs at most `limit` tasks at once. */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

/** Sleeps `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/** Positive integer milliseconds from an environment variable, else `fallback`. */
function envMs(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/**
 * The options as the environment tunes them: KEYFENCE_VERIFY_TIMEOUT_MS (one request, default
 * 5000) and KEYFENCE_VERIFY_DEADLINE_MS (the whole verification, default 30000).
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv): VerifyOptions {
  return {
    env,
    timeoutMs: envMs(env, 'KEYFENCE_VERIFY_TIMEOUT_MS', DEFAULTS.timeoutMs),
    deadlineMs: envMs(env, 'KEYFENCE_VERIFY_DEADLINE_MS', DEFAULTS.deadlineMs),
  };
}

/**
 * The jobs: each distinct AWS key ID finding with at least one secret key among its `related`
 * findings (in `findings`: suppressed ones are never sent), with up to MAX_CANDIDATES secrets
 * nearest first, and for an ASIA… (temporary) key, its nearest session token.
 */
function keyJobs(findings: readonly Finding[]): Map<Finding, KeyJob> {
  const byFingerprint = new Map<string, Finding>();
  for (const f of findings) if (!byFingerprint.has(f.fingerprint)) byFingerprint.set(f.fingerprint, f);
  const jobs = new Map<Finding, KeyJob>();
  for (const f of findings) {
    if (f.ruleId !== KEY_ID || !f.related) continue;
    const partners = f.related.map((fp) => byFingerprint.get(fp)).filter((p): p is Finding => p !== undefined);
    const secrets = [...new Map(partners.filter((p) => p.ruleId === SECRET).map((p) => [p.secret, p])).values()]
      .slice(0, MAX_CANDIDATES)
      .map((p) => ({ fingerprint: p.fingerprint, secret: p.secret }));
    if (secrets.length === 0) continue;
    const job: KeyJob = { keyId: f.secret, secrets };
    const token = f.secret.startsWith('ASIA') ? partners.find((p) => p.ruleId === TOKEN) : undefined;
    if (token) job.token = { fingerprint: token.fingerprint, secret: token.secret };
    jobs.set(f, job);
  }
  return jobs;
}

/** What one key's check came to, and which secrets (and token) it used. */
interface KeyResult {
  verification: Verification;
  /** Per secret fingerprint tried, what STS said of that pair. */
  tried: Map<string, Verification>;
  token?: string;
}

const fromOutcome = (o: StsOutcome): Verification => {
  if (o.kind === 'valid') {
    const v: Verification = { status: 'valid', arn: o.arn };
    if (o.account) v.account = o.account;
    if (o.userId) v.userId = o.userId;
    return v;
  }
  if (o.kind === 'invalid') return { status: 'invalid', error: o.code };
  return { status: 'error', error: o.reason };
};

/** valid beats error beats invalid: a finding shows the best its pairs came to. */
const RANK: Record<Verification['status'], number> = { valid: 2, error: 1, invalid: 0 };
const better = (a: Verification | undefined, b: Verification) => (!a || RANK[b.status] > RANK[a.status] ? b : a);

/**
 * `scan --verify`: asks STS (GetCallerIdentity, SigV4-signed: see ./callSts.ts) whether each
 * AWS key ID among `findings` works with the secret key (and session token) paired with it,
 * and sets `verification` on every finding of the pair: the key ID gets what its check came
 * to (`valid` with the ARN when one of its secrets works; `invalid` when STS rejects the key
 * ID, or every secret tried; else `error` saying why), each secret tried gets what its own pair
 * came to, the session token what its key's did. A key ID's secrets are tried nearest first,
 * stopping at the first that works or at InvalidClientTokenId (the key ID itself is unknown).
 * Each distinct key ID + secret + token is asked once per scan; at most `concurrency`
 * requests run at once, each within `timeoutMs`, throttled ones retried with back-off, all
 * within `deadlineMs`: what is not answered by then is an `error`, and every finding is still
 * returned. Findings without a paired secret get no `verification`. Mutates `findings`.
 */
export async function verifyFindings(findings: Finding[], options: VerifyOptions): Promise<VerifySummary> {
  const opts = { ...DEFAULTS, ...options };
  const endpoint: StsEndpoint = stsEndpoint(opts.env);
  const summary: VerifySummary = { endpoint: endpoint.url.origin, pairs: 0, valid: 0, invalid: 0, error: 0 };
  const jobs = keyJobs(findings);
  if (jobs.size === 0) return summary;

  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), opts.deadlineMs);
  const limit = limiter(opts.concurrency);
  const cache = new Map<string, Promise<StsOutcome>>();

  /** One pair, asked once: retried with back-off while STS throttles. */
  const ask = (creds: StsCredentials): Promise<StsOutcome> => {
    const key = `${creds.accessKeyId}\0${sha256(creds.secretAccessKey)}\0${creds.sessionToken ? sha256(creds.sessionToken) : ''}`;
    let pending = cache.get(key);
    if (!pending) {
      summary.pairs++;
      pending = (async () => {
        let outcome: StsOutcome = { kind: 'error', reason: 'verification deadline passed' };
        let attempts = 0;
        while (attempts < opts.attempts && !deadline.signal.aborted) {
          if (attempts > 0) await sleep(opts.backoffMs * 2 ** (attempts - 1) * (0.5 + Math.random() / 2), deadline.signal);
          attempts++;
          outcome = await limit(() => callSts(creds, { endpoint, env: opts.env, timeoutMs: opts.timeoutMs, signal: deadline.signal }));
          if (outcome.kind !== 'retry') return outcome;
        }
        return outcome.kind === 'retry'
          ? { kind: 'error', reason: `${outcome.reason} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'})` }
          : outcome;
      })();
      cache.set(key, pending);
    }
    return pending;
  };

  const checkKey = async (job: KeyJob): Promise<KeyResult> => {
    const tried = new Map<string, Verification>();
    let firstError: Verification | undefined;
    for (const { fingerprint, secret } of job.secrets) {
      const outcome = await ask({ accessKeyId: job.keyId, secretAccessKey: secret, ...(job.token ? { sessionToken: job.token.secret } : {}) });
      const v = fromOutcome(outcome);
      tried.set(fingerprint, v);
      if (v.status === 'valid') return { verification: v, tried, token: job.token?.fingerprint };
      if (outcome.kind === 'invalid' && outcome.code !== 'SignatureDoesNotMatch') return { verification: v, tried, token: job.token?.fingerprint };
      if (v.status === 'error') firstError ??= v;
    }
    const verification = firstError ?? { status: 'invalid', error: 'SignatureDoesNotMatch' };
    return { verification, tried, token: job.token?.fingerprint };
  };

  let results: [Finding, KeyResult][];
  try {
    results = await Promise.all([...jobs].map(async ([f, job]) => [f, await checkKey(job)] as [Finding, KeyResult]));
  } finally {
    clearTimeout(timer);
  }

  const partnerResult = new Map<string, Verification>();
  const byKeyId = new Map<string, Verification>();
  for (const [keyFinding, r] of results) {
    keyFinding.verification = r.verification;
    byKeyId.set(keyFinding.secret, better(byKeyId.get(keyFinding.secret), r.verification));
    for (const [fp, v] of r.tried) partnerResult.set(fp, better(partnerResult.get(fp), v));
    if (r.token) partnerResult.set(r.token, better(partnerResult.get(r.token), r.verification));
  }
  for (const v of byKeyId.values()) summary[v.status]++;
  for (const f of findings) {
    if (f.ruleId === KEY_ID) continue;
    const v = partnerResult.get(f.fingerprint);
    if (v) f.verification = { ...v };
  }
  return summary;
}
