/**
 * The proxy a request to `url` goes through, as curl and most tools read the environment:
 * `HTTPS_PROXY` (or `https_proxy`) for https URLs, `HTTP_PROXY` (or `http_proxy`) for http
 * ones, unless `NO_PROXY` (or `no_proxy`, comma-separated) lists `*`, the host, or a domain it
 * is under (`example.com` and `.example.com` both cover `sts.example.com`), optionally with
 * the port. Undefined for a direct connection.
 */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): string | undefined {
  const proxy = url.protocol === 'https:' ? env.HTTPS_PROXY || env.https_proxy : env.HTTP_PROXY || env.http_proxy;
  if (!proxy) return undefined;
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of (env.NO_PROXY || env.no_proxy || '').split(',')) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return undefined;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry)!;
    const name = m[1]!.replace(/^\*?\./, '').replace(/^\[|\]$/g, '');
    if (m[2] && m[2] !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return undefined;
  }
  return proxy;
}
