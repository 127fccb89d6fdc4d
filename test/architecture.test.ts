// The engine's dependency rules, checked on the import statements of the source files: the
// engine (detection, rules, sources, allow stages, baseline, reports, config, git, planning and
// the library face) never imports the CLI, and detection imports no source, report, config or
// git code. See ../shared/DESIGN.md ("Nothing in the engine imports the CLI").
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..', 'src');

/** Folders (under src/) whose modules are the engine, and the top-level engine modules. */
const ENGINE_DIRS = ['detect', 'rules', 'sources', 'allow', 'baseline', 'report', 'config', 'git', 'engine'];
const ENGINE_FILES = ['errors.ts', 'scan.ts', 'types.ts', 'version.ts'];

/** Module specifiers a file imports: static imports, re-exports, `import type`, dynamic import('…'). */
function importsOf(source: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of source.matchAll(re)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

/** The src/-relative folder a relative specifier of `file` lands in ('.' for top-level files), or undefined for a package. */
function targetDir(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const rel = path.relative(SRC, path.resolve(path.dirname(file), specifier));
  return rel.includes(path.sep) ? rel.split(path.sep)[0] : '.';
}

/** What `file` (absolute, under src/) may not import, by target folder. */
function forbidden(file: string): Set<string> {
  const dir = path.relative(SRC, file).split(path.sep)[0]!;
  const banned = new Set(['cli']);
  if (dir === 'detect') for (const d of ['sources', 'report', 'config', 'git']) banned.add(d);
  return banned;
}

/** Every rule broken by `file` with this text: "src/x/y.ts imports ../cli/io.js". */
function violations(file: string, source: string): string[] {
  const banned = forbidden(file);
  return importsOf(source)
    .filter((spec) => banned.has(targetDir(file, spec) ?? ''))
    .map((spec) => `src/${path.relative(SRC, file).split(path.sep).join('/')} imports ${spec}`);
}

function engineFiles(): string[] {
  const files = ENGINE_FILES.map((f) => path.join(SRC, f));
  for (const dir of ENGINE_DIRS) {
    for (const entry of readdirSync(path.join(SRC, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && /\.(ts|mts|js|mjs)$/.test(entry.name)) files.push(path.join(entry.parentPath, entry.name));
    }
  }
  return files;
}

describe('the import checker', () => {
  it('finds static, type-only, re-exported, side-effect and dynamic imports', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b/b.js';",
      "import {\n  c,\n  d,\n} from '../c.js';",
      "export { e } from './e.js';",
      "export * from './f.js';",
      "import './g.js';",
      "const h = await import('../h/h.js');",
      '// a comment mentioning import from nowhere',
    ].join('\n');
    expect(importsOf(text)).toEqual(['./a.js', '../b/b.js', '../c.js', './e.js', './f.js', './g.js', '../h/h.js']);
  });

  it('flags the CLI anywhere in the engine, and sources, reports, config or git in detection', () => {
    const inSources = path.join(SRC, 'sources', 'tree.ts');
    expect(violations(inSources, "import { InputError } from '../cli/io.js';")).toEqual(['src/sources/tree.ts imports ../cli/io.js']);
    expect(violations(inSources, "import { git } from '../git/exec.js';")).toEqual([]);
    const inDetect = path.join(SRC, 'detect', 'detector.ts');
    for (const spec of ['../sources/tree.js', '../report/redact.js', '../config/loadConfig.js', '../git/exec.js', '../cli/run.js']) {
      expect(violations(inDetect, `const m = await import('${spec}');`)).toHaveLength(1);
    }
    expect(violations(inDetect, "import type { CompiledRule } from '../rules/compile.js';\nimport { x } from './x.js';")).toEqual([]);
    expect(violations(path.join(SRC, 'scan.ts'), "import type { RunIO } from './cli/io.js';")).toEqual(['src/scan.ts imports ./cli/io.js']);
  });
});

describe('the engine', () => {
  it('imports nothing from the CLI, and detection nothing from sources, reports, config or git', () => {
    const files = engineFiles();
    expect(files.length).toBeGreaterThan(40);
    expect(files.flatMap((f) => violations(f, readFileSync(f, 'utf8')))).toEqual([]);
  });
});
