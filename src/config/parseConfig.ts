import { ConfigError } from './configError.js';
import { linearRegex } from '../rules/linearRegex.js';
import { validate } from './configValidator.generated.js';
import { jsonSyntaxError } from './jsonSyntaxError.js';
import type { KeyfenceConfig } from './keyfenceConfig.js';

/** The subset of an ajv error object the generated validator produces. */
interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

const validateConfig = validate as unknown as ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

/** "/rules/0/allow/regexes/1" → "rules[0].allow.regexes[1]" (JSON Pointer unescaped). */
export function fieldName(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** 1-based line and column of character `offset` in `text`. */
function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** The JSON.parse failure as "invalid JSON at line L, column C: reason" (one line). */
function jsonError(text: string, err: Error): string {
  const where = jsonSyntaxError(text);
  if (where) return `invalid JSON at ${lineCol(text, where.offset)}: ${where.reason}`;
  return `invalid JSON: ${err.message.split('\n')[0]}`;
}

/** The rule's id in a message about `rules[i]…`, when it has one: ` (rule "acme-token")`. */
function ruleHint(data: unknown, pointer: string): string {
  const m = /^\/rules\/(\d+)/.exec(pointer);
  if (!m) return '';
  const rule = (data as { rules?: { id?: unknown }[] }).rules?.[Number(m[1])];
  return typeof rule?.id === 'string' ? ` (rule "${rule.id}")` : '';
}

/** One schema error as "field: what is wrong". */
export function describeSchemaError(e: SchemaError, data: unknown): string {
  const field = fieldName(e.instancePath) || '(top level)';
  const hint = ruleHint(data, e.instancePath);
  switch (e.keyword) {
    case 'additionalProperties':
      return `${field}${hint}: unknown key "${String(e.params.additionalProperty)}"`;
    case 'required':
      return `${field}${hint}: missing required field "${String(e.params.missingProperty)}"`;
    case 'enum':
      return `${field}${hint}: must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `${field}${hint}: must be ${/^[aeiou]/.test(String(e.params.type)) ? 'an' : 'a'} ${String(e.params.type)}`;
    case 'pattern':
      return `${field}${hint}: ${field.endsWith('.id') ? 'must be kebab-case (a-z, 0-9, "-")' : `must match ${String(e.params.pattern)}`}`;
    case 'minLength':
      return `${field}${hint}: must not be empty`;
    default:
      return `${field}${hint}: ${e.message ?? e.keyword}`;
  }
}

/** Compiles one regex field, or throws naming the file and the field. */
function checkRegex(file: string, field: string, source: string, flags = ''): void {
  try {
    linearRegex(source, flags, field);
  } catch (err) {
    throw new ConfigError(`${file}: ${(err as Error).message}`);
  }
}

/**
 * Parses and checks the text of a config file. `file` is how messages name it. Guarantees on
 * return: the object matches schema/config.schema.json and every regex in it compiles. Throws
 * ConfigError for invalid JSON (with line and column), a schema violation (unknown key,
 * missing rule id, wrong type…) and a regex that does not compile, each naming the field.
 * Rule ids are checked later, against the rules they refer to (see resolveRules).
 */
export function parseConfig(text: string, file: string): KeyfenceConfig {
  text = text.replace(/^\uFEFF/, '');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: ${jsonError(text, err as Error)}`);
  }
  if (!validateConfig(data)) {
    const first = validateConfig.errors?.[0];
    throw new ConfigError(`${file}: ${first ? describeSchemaError(first, data) : 'does not match schema/config.schema.json'}`);
  }
  const config = data as KeyfenceConfig;
  (config.rules ?? []).forEach((rule, i) => {
    checkRegex(file, `rules[${i}].pattern`, rule.pattern, rule.flags);
    if (rule.near) checkRegex(file, `rules[${i}].near.pattern`, rule.near.pattern, rule.near.flags);
    (rule.allow?.regexes ?? []).forEach((r, j) => checkRegex(file, `rules[${i}].allow.regexes[${j}]`, r));
  });
  (config.allow?.regexes ?? []).forEach((r, j) => checkRegex(file, `allow.regexes[${j}]`, r));
  for (const [id, list] of Object.entries(config.allow?.byRule ?? {})) {
    (list.regexes ?? []).forEach((r, j) => checkRegex(file, `allow.byRule[${JSON.stringify(id)}].regexes[${j}]`, r));
  }
  return config;
}
