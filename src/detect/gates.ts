import { awsAccountFromBedrockKey } from './awsAccount.js';
import { spellsWords } from './spellsWords.js';
import { hasValidChecksum } from './checksum.js';
import { pemBodyProblem } from './pemBody.js';

/**
 * Gates: checks that reject a regex match which is shaped like a secret but is not one. Each
 * gate returns the reason it rejects, or null to let the candidate through. Rules name the gates
 * they use (`"gates": ["example", "placeholder"]`), so the list is data, not code.
 */
export interface GateContext {
  secret: string;
  /** The whole line the secret sits on. */
  line: string;
  /** 0-based offset of the secret in `line`. */
  start: number;
}

export type Gate = (ctx: GateContext) => string | null;

/**
 * Values derived from AWS's documented examples: the documented key ID and secret keys (their
 * first characters, whatever follows), and any value ending in a marker word + KEY
 * (…SAMPLEKEY, …TESTKEY, …FAKEKEY, …DUMMYKEY), as docs and tests rewrite …EXAMPLEKEY. A random
 * secret ends so about once in 10^12.
 */
const DOCUMENTED = /IOSFODNN7|wJalrXUtnFEMI\/K7MDENG|je7MtGbClwBF\/2Zp9Utk|(?:EXAMPLE|SAMPLE|TEST|FAKE|DUMMY|MOCK)KEY$/;

/** Base64 characters (standard alphabet: `-` and `_` also join identifiers), by char code. */
const B64_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') B64_CHAR[c.charCodeAt(0)] = 1;
const isB64 = (line: string, i: number): boolean => B64_CHAR[line.charCodeAt(i)] === 1;
/** A base64 run at least this long around a key-ID-shaped match is data (an image, a font). */
const DATA_RUN = 80;

/** Key-ID prefixes: the body after them is 16 random base32 characters in a real key. */
const KEY_ID = /^(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}$/;

// Tuned so a random key trips it less than once in a million: runs of 6, not 4 (a real key ID
// has a run of 5 about once in 10^5), and x-runs of one case.
const PLACEHOLDER = /replace_?me|changeme|placeholder|redacted|dummy|abcdefgh|12345678/i;
const PLACEHOLDER_RUNS = /x{5,}|X{5,}|\*{3,}|(.)\1{5,}/;

/** For long values (session tokens) whose real form has runs (`//////////` is common). */
const LONG_PLACEHOLDER = /^(?:your|x{4}|\*{3})|x{8,}|\*{6,}|replace_?me|changeme|placeholder|redacted/i;

export const GATES: Record<string, Gate> = {
  /** AWS's documented examples all say so: AKIAIOSFODNN7EXAMPLE, …EXAMPLEKEY, …EXAMPLETOKEN. */
  example: ({ secret }) => (/example/i.test(secret) || DOCUMENTED.test(secret) ? 'documented example value' : null),

  /**
   * A key ID whose body is spelled of English words or hex-speak (AKIA + DEADBEEFDEADBEEF,
   * ASIA + PACIFICSOUTHEAST): real bodies are random base32. See ./spellsWords.ts for the measure.
   */
  words: ({ secret }) => (KEY_ID.test(secret) && spellsWords(secret.slice(4)) ? 'spelled of words, not random base32' : null),

  /**
   * The match is part of a base64 run of DATA_RUN characters or more (a `data:` image, an
   * embedded font, a wrapped PEM line): data that happens to hold the shape, not a key. Looks at
   * most DATA_RUN characters each side, so many matches on one long line stay linear.
   */
  'base64-run': ({ line, start, secret }) => {
    let a = start;
    while (a > 0 && start - a < DATA_RUN && isB64(line, a - 1)) a--;
    let b = start + secret.length;
    while (b < line.length && b - start < DATA_RUN + secret.length && (isB64(line, b) || line[b] === '=')) b++;
    return b - a >= DATA_RUN ? 'inside a long base64 run (data, not a key)' : null;
  },

  /**
   * A long-term Bedrock API key is `ABSK` + base64 of `BedrockAPIKey-<id>-at-<account>:<password>`:
   * an ABSK… value that does not decode to that is something else (see awsAccountFromBedrockKey).
   */
  'bedrock-structure': ({ secret }) =>
    secret.startsWith('ABSK') && awsAccountFromBedrockKey(secret) === undefined ? 'ABSK… value that does not decode to BedrockAPIKey-…-at-<account>:…' : null,

  /** xxxxx…, ****…, runs of one character, sequences typed by hand, "dummy", "changeme". */
  placeholder: ({ secret }) => (PLACEHOLDER.test(secret) || PLACEHOLDER_RUNS.test(secret) ? 'placeholder' : null),

  /** Like placeholder, for long tokens whose real values may hold runs of one character. */
  'long-placeholder': ({ secret }) => (LONG_PLACEHOLDER.test(secret) ? 'placeholder' : null),

  /** All hex: a git SHA-1, a lockfile or checksum hash, not a base64-alphabet key. */
  hex: ({ secret }) => (/^[0-9a-f]+$/i.test(secret) ? 'hex digest (git SHA or hash)' : null),

  /**
   * Real AWS secrets mix upper case, lower case and digits (or / +). A value without that mix is
   * an identifier, a word, a path or a constant name.
   */
  mixed: ({ secret }) => {
    const upper = /[A-Z]/.test(secret);
    const lower = /[a-z]/.test(secret);
    const digitOrSymbol = /[0-9/+]/.test(secret);
    return upper && lower && digitOrSymbol ? null : 'not a random mix of character classes';
  },

  /** Letters only: an identifier or words (a random 40-char key almost surely has a digit or /+). */
  identifier: ({ secret }) => (/^[A-Za-z]+$/.test(secret) ? 'identifier or words' : null),

  /** A path-like value: lowercase segments split by slashes. */
  path: ({ secret }) => (/^\/?(?:[a-z0-9]+\/)+[a-z0-9]*$/.test(secret) ? 'file path' : null),

  /** The match sits inside regex source that describes a key rather than holding one. */
  'regex-source': ({ line, start, secret }) => {
    const before = line.slice(Math.max(0, start - 6), start);
    const after = line.slice(start + secret.length, start + secret.length + 6);
    if (/^(?:\{\d|\[[A-Za-z0-9]|\(\?|\\[bdswBDSW]|\+\)|\*\))/.test(after)) return 'regex source';
    if (/(?:\\b|\(\?:|\(\?<\w*>|\^)$/.test(before)) return 'regex source';
    // "[" before the match is regex source only when it opens a character class: a range or an
    // escape follows inside, or the bracket closes with a quantifier. A YAML flow list
    // `[AKIA…]`, a markdown link `[AKIA…](…)` or a log's `creds=[AKIA…]` is not.
    if (/\[\^?$/.test(before) && /^(?:-|\\[dswDSW]|[^\]\s]{0,6}\][{*+?])/.test(after)) return 'regex source';
    return null;
  },

  /**
   * GitHub classic and npm tokens end in the CRC32 of their 30 random characters (see
   * ./checksum.ts): a look-alike, a typo or a hand-made placeholder does not check out.
   */
  'crc32-checksum': ({ secret }) => (hasValidChecksum(secret) ? null : 'checksum does not validate'),

  /**
   * Random letters are about half capitals; words in camelCase or snake_case have a few (or
   * almost only capitals): an identifier, not a token. Counts letters only.
   */
  'camel-case': ({ secret }) => {
    const upper = secret.replace(/[^A-Z]/g, '').length;
    const lower = secret.replace(/[^a-z]/g, '').length;
    return Math.min(upper, lower) * 6 < upper + lower ? 'words in camelCase, not random letters' : null;
  },

  /** A PEM private key block whose body is too short, a placeholder or not base64 (see ./pemBody.ts). */
  'pem-body': ({ secret }) => pemBodyProblem(secret),
};

/** Looks up gates by name; throws with the unknown name so config errors can say which. */
export function resolveGates(names: readonly string[]): Gate[] {
  return names.map((name) => {
    const gate = GATES[name];
    if (!gate) throw new Error(`unknown gate "${name}" (known: ${Object.keys(GATES).join(', ')})`);
    return gate;
  });
}
