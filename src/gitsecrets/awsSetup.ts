// Apart from usage.ts: a scan applying a repository's setup (setup.ts) needs these, not the
// drop-in's usage texts and hook scripts.

/**
 * What `--register-aws` adds, in order: git-secrets' AWS patterns (access key IDs, Bedrock
 * long- and short-lived API keys as upstream added them after 1.3.0, secret key and account ID
 * assignments), then the two documented example keys as allowed.
 */
const AWS = '(AWS|aws|Aws)?_?';
const QUOTE = `("|')`;
const OPT_QUOTE = `${QUOTE}?`;
const CONNECT = '\\s*(:|=>|=)\\s*';
export const AWS_PATTERNS = [
  '(A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}',
  'ABSK[A-Za-z0-9+/]{109,}=*',
  'bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t',
  `${OPT_QUOTE}${AWS}(SECRET|secret|Secret)?_?(ACCESS|access|Access)?_?(KEY|key|Key)${OPT_QUOTE}${CONNECT}${OPT_QUOTE}[A-Za-z0-9/\\+=]{40}${OPT_QUOTE}`,
  `${OPT_QUOTE}${AWS}(ACCOUNT|account|Account)_?(ID|id|Id)?${OPT_QUOTE}${CONNECT}${OPT_QUOTE}[0-9]{4}\\-?[0-9]{4}\\-?[0-9]{4}${OPT_QUOTE}`,
];
export const AWS_ALLOWED = ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'];
export const AWS_PROVIDER = 'git secrets --aws-provider';
