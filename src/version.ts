import { readFileSync } from 'node:fs';

/** keyfence's version, as package.json states it (read once per call: it runs once per report). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
