import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import aws4 from 'aws4';

/** A key the stand-in knows, and how it answers for it. */
export interface KnownKey {
  secret: string;
  /** Required as X-Amz-Security-Token (temporary keys). */
  token?: string;
  arn: string;
  account: string;
  userId: string;
  /**
   * 'throttle-once': the first correctly signed request gets 400 Throttling ('throttle-always':
   * every one does). 'hang': never answers. 'odd-error': 400 with an unexpected error code and
   * `message`.
   */
  behaviour?: 'ok' | 'throttle-once' | 'throttle-always' | 'hang' | 'odd-error';
  /** Sent instead of the usual error message (to check that what the endpoint says is redacted). */
  message?: string;
}

/** One request as the stand-in received it. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** What STS answered: the error code, or 'OK'. */
  answer: string;
}

export interface StsStandIn {
  url: string;
  port: number;
  keys: Map<string, KnownKey>;
  received: Received[];
  /** Every byte the stand-in received, on any connection. */
  raw: () => string;
  close: () => Promise<void>;
}

const xmlError = (code: string, message: string) =>
  `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <Error>\n    <Type>Sender</Type>\n    <Code>${code}</Code>\n    <Message>${message}</Message>\n  </Error>\n  <RequestId>0c6f8f5e-5c2a-4b5e-9a66-000000000000</RequestId>\n</ErrorResponse>\n`;

const xmlIdentity = (k: KnownKey) =>
  `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <GetCallerIdentityResult>\n    <Arn>${k.arn}</Arn>\n    <UserId>${k.userId}</UserId>\n    <Account>${k.account}</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>0c6f8f5e-5c2a-4b5e-9a66-000000000001</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n`;

/**
 * Checks a request's SigV4 signature as STS would: parses the Authorization header, recomputes
 * the signature with aws4 over the headers it says it signed, the body, and the known secret,
 * and compares. Returns the key ID and whether the signature holds.
 */
function checkSignature(req: IncomingMessage, body: string, keys: Map<string, KnownKey>): { keyId?: string; ok: boolean } {
  const auth = req.headers.authorization ?? '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { ok: false };
  const [, keyId, , region, service, signedHeaders, signature] = m;
  const key = keys.get(keyId!);
  if (!key) return { keyId, ok: false };
  const headers: Record<string, string> = {};
  for (const h of signedHeaders!.split(';')) headers[h] = String(req.headers[h] ?? '');
  const again = aws4.sign(
    { host: headers.host, path: req.url, method: req.method, body, service, region, headers },
    { accessKeyId: keyId!, secretAccessKey: key.secret, sessionToken: headers['x-amz-security-token'] },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(again.headers!.Authorization ?? again.headers!.authorization))?.[1];
  return { keyId, ok: expected === signature };
}

/**
 * A local STS on 127.0.0.1 answering GetCallerIdentity as STS does: 200 with the caller
 * identity for a known key signed with its secret (and session token), 403 InvalidClientTokenId
 * for an unknown key ID or a missing/wrong token, 403 SignatureDoesNotMatch for a wrong secret,
 * 400 Throttling once for a 'throttle-once' key, no answer for a 'hang' key. With `tls`, it
 * serves HTTPS on localhost with that key and certificate.
 */
export async function startStsStandIn(tls?: { key: string; cert: string }): Promise<StsStandIn> {
  const keys = new Map<string, KnownKey>();
  const received: Received[] = [];
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const throttled = new Set<string>();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const answer = (status: number, code: string, xml: string) => {
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, answer: code });
        res.writeHead(status, { 'Content-Type': 'text/xml' }).end(xml);
      };
      const { keyId, ok } = checkSignature(req, body, keys);
      const key = keyId ? keys.get(keyId) : undefined;
      if (!key) return answer(403, 'InvalidClientTokenId', xmlError('InvalidClientTokenId', 'The security token included in the request is invalid.'));
      if (!ok)
        return answer(
          403,
          'SignatureDoesNotMatch',
          xmlError('SignatureDoesNotMatch', key.message ?? 'The request signature we calculated does not match the signature you provided.'),
        );
      if (key.token !== undefined && req.headers['x-amz-security-token'] !== key.token)
        return answer(403, 'InvalidClientTokenId', xmlError('InvalidClientTokenId', 'The security token included in the request is invalid.'));
      if (key.behaviour === 'hang') {
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, answer: 'hang' });
        return;
      }
      if (key.behaviour === 'odd-error') return answer(400, 'ValidationError', xmlError('ValidationError', key.message ?? 'odd'));
      if ((key.behaviour === 'throttle-once' && !throttled.has(keyId!)) || key.behaviour === 'throttle-always') {
        throttled.add(keyId!);
        return answer(400, 'Throttling', xmlError('Throttling', 'Rate exceeded'));
      }
      if (body !== 'Action=GetCallerIdentity&Version=2011-06-15') return answer(400, 'InvalidAction', xmlError('InvalidAction', 'Could not find operation'));
      answer(200, 'OK', xmlIdentity(key));
    });
  };
  const server: Server = tls ? createTlsServer(tls, handler) : createServer(handler);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`,
    port,
    keys,
    received,
    raw: () => Buffer.concat(chunks).toString('latin1'),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
