// The library face, tested from the package's public entry point: `import('keyfence')` resolves
// through package.json's exports (self-reference) to the built dist/index.js, as it would for a
// project that depends on keyfence. Needs `npm run build` (the e2e project).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import { tempDir, writeTree } from './helpers/tmp.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGE = 'keyfence'; // through a variable: the type checker must not need dist/ to exist
const kf = (await import(PACKAGE)) as typeof import('../src/index.js');

const pair = () => {
  const keyId = fakeKeyId();
  const secret = fakeSecretKey();
  return { keyId, secret, text: `[default]\naws_access_key_id = ${keyId}\naws_secret_access_key = ${secret}\n` };
};

describe("the package's entry point", () => {
  it('is the built dist/index.js, with its types, as package.json exports it', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.name).toBe(PACKAGE);
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    expect(import.meta.resolve(PACKAGE)).toBe(pathToFileURL(path.join(ROOT, 'dist', 'index.js')).href);
    const types = readFileSync(path.join(ROOT, 'dist', 'index.d.ts'), 'utf8');
    for (const name of ['scanText', 'ScanTextOptions', 'scanPaths', 'ScanPathsOptions']) expect(types).toContain(name);
    expect(types).toContain("export type * from './types.js';"); // Finding, ScanResult, …
  });
});

describe('scanText and scanPaths from the package', () => {
  it('find and redact secrets as the CLI does (the behaviour is tested from src/ in scanText.test.ts)', async () => {
    const { keyId, text } = pair();
    const dir = tempDir();
    const result = await kf.scanText(text, { path: 'config/credentials', cwd: dir, git: false });
    expect(result.findings.map((f) => [f.ruleId, f.line, f.secret])).toEqual([
      ['aws-access-key-id', 2, `${keyId.slice(0, 4)}…(redacted)`],
      ['aws-secret-access-key', 3, expect.stringMatching(/…\(redacted\)$/)],
    ]);
    writeTree(dir, { 'config/credentials': text });
    expect((await kf.scanPaths(['.'], { cwd: dir, git: false })).findings).toEqual(result.findings);
  });
});
