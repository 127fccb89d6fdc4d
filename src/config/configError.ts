/**
 * A configuration the user must fix: the message names the file, the field and what is wrong
 * (`.keyfence.json: rules[0].pattern: not a valid regular expression: …`). The CLI prints it as
 * one line `keyfence: …` and exits 2.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
