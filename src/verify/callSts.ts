import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import aws4 from 'aws4';
import { proxyFor } from './proxyFor.js';
import type { StsEndpoint } from './stsEndpoint.js';
import { stsReply, type StsOutcome } from './stsReply.js';

/** The one request keyfence sends: it needs no IAM permission and changes nothing. */
export const GET_CALLER_IDENTITY = 'Action=GetCallerIdentity&Version=2011-06-15';

/** Most of a reply read (a caller identity is well under 1 KiB). */
const MAX_BODY = 64 * 1024;

export interface StsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Sent as X-Amz-Security-Token (temporary, ASIA… keys). */
  sessionToken?: string;
}

export interface CallOptions {
  endpoint: StsEndpoint;
  env: NodeJS.ProcessEnv;
  /** The whole request (connect, send, answer) must finish within this. */
  timeoutMs: number;
  /** Aborts the request (the scan's overall deadline). */
  signal: AbortSignal;
}

/** One agent per proxy URL: the tunnel code loads only when a proxy is set. */
const agents = new Map<string, Promise<Agent>>();

function proxyAgent(proxy: string): Promise<Agent> {
  let agent = agents.get(proxy);
  if (!agent) {
    agent = import('https-proxy-agent').then(({ HttpsProxyAgent }) => new HttpsProxyAgent(proxy) as unknown as Agent);
    agents.set(proxy, agent);
  }
  return agent;
}

/**
 * Signs GetCallerIdentity with SigV4 (aws4) for `creds` and POSTs it to the endpoint, through
 * the proxy the environment names (see proxyFor: CONNECT tunnel). What leaves the machine: the
 * key ID (in the Authorization header's credential scope), the signature (an HMAC derived from
 * the secret, which cannot be turned back into it), the session token when given, the date and
 * the fixed body. Never throws: a network failure, the timeout or the abort is an `error`
 * outcome saying which.
 */
export async function callSts(creds: StsCredentials, opts: CallOptions): Promise<StsOutcome> {
  const { url, region } = opts.endpoint;
  if (opts.signal.aborted) return { kind: 'error', reason: 'verification deadline passed' };
  const signed = aws4.sign(
    {
      host: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      service: 'sts',
      region,
      body: GET_CALLER_IDENTITY,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
    },
    creds,
  );
  const proxy = proxyFor(url, opts.env);
  let agent: Agent | undefined;
  try {
    agent = proxy ? await proxyAgent(proxy) : undefined;
  } catch (err) {
    return { kind: 'error', reason: `bad proxy ${withoutPassword(proxy!)}: ${(err as Error).message.slice(0, 120)}` };
  }
  const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  const options: RequestOptions = {
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port || undefined,
    path: signed.path,
    method: 'POST',
    headers: signed.headers,
    signal: opts.signal,
    ...(agent ? { agent } : {}),
  };
  return new Promise<StsOutcome>((resolve) => {
    let done = false;
    let req: ClientRequest | undefined;
    const finish = (outcome: StsOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      finish({ kind: 'error', reason: `no answer within ${opts.timeoutMs / 1000} s` });
      req?.destroy();
    }, opts.timeoutMs);
    try {
      req = request(options, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_BODY) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => finish(stsReply(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY))));
        res.on('error', (err) => finish(networkError(err, opts.signal)));
      });
    } catch (err) {
      finish(networkError(err as Error, opts.signal));
      return;
    }
    req.on('error', (err) => finish(networkError(err, opts.signal)));
    req.end(GET_CALLER_IDENTITY);
  });
}

/** A proxy URL without its user name and password, fit for a message. */
function withoutPassword(proxy: string): string {
  try {
    const u = new URL(proxy);
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return '(unparsable URL)';
  }
}

/** A failed request as an outcome: the deadline, or the network error's code. */
function networkError(err: Error, signal: AbortSignal): StsOutcome {
  if (signal.aborted) return { kind: 'error', reason: 'verification deadline passed' };
  const code = (err as NodeJS.ErrnoException).code;
  return { kind: 'error', reason: code ? `${code} (${err.message.slice(0, 120)})` : err.message.slice(0, 160) };
}
