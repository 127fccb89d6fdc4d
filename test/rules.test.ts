import { readFileSync, readdirSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { detect } from '../src/detect/detector.js';
import { expandExample } from '../src/rules/examples.js';
import { BUILTIN_RULES_DIR, SCHEMA_DIR, loadBuiltinRules, selectRules } from '../src/rules/load.js';

// Every rule's own examples, with every rule (shipped-disabled ones too) enabled: a true positive
// must yield its rule with one of the values the template made as the secret; a false positive
// must yield nothing from its rule.
const specs = loadBuiltinRules();
const all = selectRules(
  specs,
  specs.filter((s) => s.enabled === false).map((s) => s.id),
);

describe('built-in rule files', () => {
  const ajv = new Ajv({ allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(`${SCHEMA_DIR}rules.schema.json`, 'utf8')));
  for (const file of readdirSync(BUILTIN_RULES_DIR).filter((f) => f.endsWith('.json'))) {
    it(`${file} matches schema/rules.schema.json`, () => {
      const ok = validate(JSON.parse(readFileSync(BUILTIN_RULES_DIR + file, 'utf8')));
      expect(validate.errors ?? [], file).toEqual([]);
      expect(ok).toBe(true);
    });
  }
  it('every rule names its provider and says what it finds and how to rotate it', () => {
    for (const s of specs) {
      expect(s.provider, s.id).toMatch(/^[a-z0-9-]+$/);
      expect(s.description.trim(), s.id).not.toBe('');
      expect(s.help?.trim().length ?? 0, `${s.id}: help`).toBeGreaterThan(40);
    }
  });
  it('every rule has examples of both kinds, and every false positive says why', () => {
    for (const s of specs) {
      expect(s.examples?.truePositives.length, s.id).toBeGreaterThan(0);
      expect(s.examples?.falsePositives.length, s.id).toBeGreaterThan(0);
      for (const fp of s.examples!.falsePositives) expect(fp.why.trim(), `${s.id}: ${fp.text}`).not.toBe('');
    }
  });
});

for (const spec of specs) {
  describe(`rule ${spec.id}`, () => {
    for (const template of spec.examples?.truePositives ?? []) {
      it(`finds: ${template.slice(0, 70).replace(/\n/g, '⏎')}`, () => {
        const { text, values } = expandExample(template);
        const found = detect({ text, path: 'example', startLine: 1 }, all).filter((f) => f.ruleId === spec.id);
        expect(
          found.map((f) => f.secret),
          text,
        ).not.toEqual([]);
        for (const f of found) expect(values, `${spec.id} reported ${f.secret} in:\n${text}`).toContain(f.secret);
        const lines = text.split('\n');
        for (const f of found) {
          // A multi-line secret (a private key) runs from column on line to endColumn on endLine.
          const span =
            f.endLine === f.line
              ? lines[f.line - 1]!.slice(f.column - 1, f.endColumn - 1)
              : [lines[f.line - 1]!.slice(f.column - 1), ...lines.slice(f.line, f.endLine - 1), lines[f.endLine - 1]!.slice(0, f.endColumn - 1)].join('\n');
          // A secret found in decoded content is reported at the part of the encoded value that holds it.
          if (f.decodedFrom)
            expect(
              values.some((v) => v !== f.secret && v.includes(span)),
              span,
            ).toBe(true);
          else expect(span).toBe(f.secret);
        }
      });
    }
    for (const { text: template, why } of spec.examples?.falsePositives ?? []) {
      it(`ignores (${why}): ${template.slice(0, 60).replace(/\n/g, '⏎')}`, () => {
        const { text } = expandExample(template);
        const found = detect({ text, path: 'example', startLine: 1 }, all).filter((f) => f.ruleId === spec.id);
        expect(
          found.map((f) => `${f.line}:${f.column} ${f.secret}`),
          text,
        ).toEqual([]);
      });
    }
  });
}
