/**
 * What STS answers to GetCallerIdentity (Query API, XML), as documented in the STS API
 * reference and sent by the service:
 *
 *   HTTP 200
 *   <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
 *     <GetCallerIdentityResult>
 *       <Arn>arn:aws:iam::123456789012:user/Alice</Arn>
 *       <UserId>AIDAJQABLZS4A3QDU576Q</UserId>
 *       <Account>123456789012</Account>
 *     </GetCallerIdentityResult>
 *     <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
 *   </GetCallerIdentityResponse>
 *
 *   HTTP 403 (400 for Throttling)
 *   <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
 *     <Error>
 *       <Type>Sender</Type>
 *       <Code>InvalidClientTokenId</Code>
 *       <Message>The security token included in the request is invalid.</Message>
 *     </Error>
 *     <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
 *   </ErrorResponse>
 *
 * Codes that matter here: InvalidClientTokenId (no such key ID, or it is deleted or inactive),
 * SignatureDoesNotMatch (the key ID exists, this secret is not its secret), ExpiredToken (a
 * temporary key whose session ended), Throttling (too many requests: retry later).
 */
export type StsOutcome =
  | { kind: 'valid'; arn: string; account?: string; userId?: string }
  /** The key (or this secret for it) does not work; `code` is STS's error code. */
  | { kind: 'invalid'; code: string }
  /** Try again later (throttled, or the service failed). */
  | { kind: 'retry'; reason: string }
  | { kind: 'error'; reason: string };

/** STS error codes that mean the credentials do not work. */
const INVALID = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'ExpiredToken']);
/** STS error codes that mean "not now". */
const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException']);

/** Longest piece of the endpoint's text kept in a reason (the endpoint may be anything). */
const MAX_TEXT = 160;

/**
 * Text from the reply made safe to show: XML entities decoded, control characters (a hostile
 * endpoint could send terminal escapes) and runs of white space turned into one space, cut to
 * MAX_TEXT characters.
 */
function clean(s: string): string {
  const text = s
    .replace(/&(lt|gt|quot|apos|amp|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (_, e: string) => {
      const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
      if (named[e]) return named[e];
      const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : '';
    })
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\s]+/g, ' ')
    .trim();
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/** The text of the first `<name>` element (no attributes, no nesting), undefined when absent. */
function element(xml: string, name: string): string | undefined {
  const open = xml.indexOf(`<${name}>`);
  if (open === -1) return undefined;
  const from = open + name.length + 2;
  const close = xml.indexOf(`</${name}>`, from);
  return close === -1 ? undefined : clean(xml.slice(from, close));
}

/** What an HTTP reply from STS (status code and body) says of the credentials it was signed with. */
export function stsReply(status: number, body: string): StsOutcome {
  if (status === 200) {
    const arn = element(body, 'Arn');
    if (!arn) return { kind: 'error', reason: 'HTTP 200 without a caller identity' };
    const out: StsOutcome = { kind: 'valid', arn };
    const account = element(body, 'Account');
    const userId = element(body, 'UserId');
    if (account) out.account = account;
    if (userId) out.userId = userId;
    return out;
  }
  const code = element(body, 'Code');
  const message = element(body, 'Message');
  if (code && INVALID.has(code)) return { kind: 'invalid', code };
  const reason = `HTTP ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
  if ((code && THROTTLED.has(code)) || status === 429 || status >= 500) return { kind: 'retry', reason };
  return { kind: 'error', reason };
}
