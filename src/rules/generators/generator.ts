/**
 * A generator makes one random example value of a token kind for rule examples, at test time:
 * `{{KIND}}` or `{{KIND:arg}}` in a template (see expandExample). `arg` is the text after the
 * colon, when given. Values must be fresh random data that passes the rule's gates; never a
 * literal that could be a live credential.
 */
export type Generator = (arg: string | undefined) => string;

/** Generators by kind name (upper case letters and digits). */
export type Generators = Record<string, Generator>;
