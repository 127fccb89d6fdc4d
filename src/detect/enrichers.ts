import { awsAccountOf } from './awsAccount.js';

/**
 * Enrichers: what can be learned about a secret offline, written into `Finding.metadata` under
 * provider-namespaced keys ("aws.accountId"). Rules name the enrichers they use
 * (`"enrich": ["aws-account"]`), so the list is data, not code. An enricher returns undefined
 * when it learns nothing; it must not throw, call the network or look beyond the secret.
 */
export type Enricher = (secret: string) => Record<string, string> | undefined;

export const ENRICHERS: Record<string, Enricher> = {
  /** The AWS account an access key ID or a Bedrock API key encodes (see ./awsAccount.ts). */
  'aws-account': (secret) => {
    const account = awsAccountOf(secret);
    return account ? { 'aws.accountId': account } : undefined;
  },
};

/** Looks up enrichers by name; throws with the unknown name so config errors can say which. */
export function resolveEnrichers(names: readonly string[]): Enricher[] {
  return names.map((name) => {
    const enricher = ENRICHERS[name];
    if (!enricher) throw new Error(`unknown enricher "${name}" (known: ${Object.keys(ENRICHERS).join(', ')})`);
    return enricher;
  });
}

/** The metadata all `enrichers` learn about `secret`, merged in order; undefined when none. */
export function enrich(enrichers: readonly Enricher[], secret: string): Record<string, string> | undefined {
  let metadata: Record<string, string> | undefined;
  for (const e of enrichers) {
    const found = e(secret);
    if (found) metadata = { ...metadata, ...found };
  }
  return metadata;
}
