import { UsageError } from '../cli/io.js';

/** Where GetCallerIdentity is sent, and the region its signature is scoped to. */
export interface StsEndpoint {
  url: URL;
  region: string;
}

/** STS's global endpoint: what the AWS SDKs used by default, signed for us-east-1. */
export const GLOBAL_STS = 'https://sts.amazonaws.com/';

const REGION = /^[a-z]{2}(?:-[a-z0-9]+){1,4}$/;

/**
 * The STS endpoint, as the AWS SDKs and CLI choose it from the environment:
 * `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL` (an http or https URL: a VPC endpoint, a
 * proxy, a test stub), signed for `AWS_REGION` (else `AWS_DEFAULT_REGION`, else us-east-1);
 * without one, the regional endpoint `https://sts.REGION.amazonaws.com` (`.amazonaws.com.cn` in
 * China) when a region is set, else the global endpoint. Throws UsageError for a URL or region
 * that is not one.
 */
export function stsEndpoint(env: NodeJS.ProcessEnv): StsEndpoint {
  const regionVar = env.AWS_REGION ? 'AWS_REGION' : env.AWS_DEFAULT_REGION ? 'AWS_DEFAULT_REGION' : undefined;
  const region = regionVar ? env[regionVar]! : undefined;
  if (region !== undefined && !REGION.test(region)) throw new UsageError(`--verify: ${regionVar} is not an AWS region: ${JSON.stringify(region.slice(0, 40))}`);
  const customVar = env.AWS_ENDPOINT_URL_STS ? 'AWS_ENDPOINT_URL_STS' : env.AWS_ENDPOINT_URL ? 'AWS_ENDPOINT_URL' : undefined;
  if (customVar) {
    let url: URL | undefined;
    try {
      url = new URL(env[customVar]!);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
      throw new UsageError(`--verify: ${customVar} is not an http(s) URL: ${JSON.stringify(env[customVar]!.slice(0, 80))}`);
    return { url, region: region ?? 'us-east-1' };
  }
  if (region) return { url: new URL(`https://sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/`), region };
  return { url: new URL(GLOBAL_STS), region: 'us-east-1' };
}
