import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

// The SARIF 2.1.0 schema (test/fixtures/sarif) compiled once, as test/report.sarif.test.ts does.
const raw = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'));
const { id, $schema: _draft04, ...rest } = raw;
// unicodeRegExp: false because the schema's "language" pattern is not valid with the u flag.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats.default(ajv);
const validate = ajv.compile({ $id: id, ...rest });

/** The schema errors of a SARIF log ("path message" each); empty when it is valid. */
export function sarifErrors(log: unknown): string[] {
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
