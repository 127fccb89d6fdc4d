import { awsGenerators } from './aws.js';
import type { Generators } from './generator.js';
import { tokenGenerators } from './tokens.js';

/**
 * Every example generator by kind: what `{{KIND}}` in a rule example expands to. A provider
 * whose tokens need more than the generic kinds (an alphabet and a length, a checksum, a PEM
 * block) adds its own module next to aws.ts and lists it here.
 */
export const GENERATORS: Generators = { ...tokenGenerators, ...awsGenerators };
