/**
 * The decoders added to the base64, percent and JSON ones of ../decoders.ts, by the name a
 * finding's `decodedFrom` shows. Function declarations only: ../decoders.ts and these modules
 * import each other.
 */
import { decodeBase64Url } from './decodeBase64Url.js';
import { decodeCEscapes } from './decodeCEscapes.js';
import { decodeHex } from './decodeHex.js';
import { decodeHtmlRefs } from './decodeHtmlRefs.js';
import { decodeWrappedBase64 } from './decodeWrappedBase64.js';

export const MORE_DECODERS = {
  html: decodeHtmlRefs,
  escape: decodeCEscapes,
  base64url: decodeBase64Url,
  'base64-wrapped': decodeWrappedBase64,
  hex: decodeHex,
};
