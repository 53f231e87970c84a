import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { REPO_ROOT } from './helpers.js';

/**
 * The official SARIF 2.1.0 schema (vendored, draft 2020-12) validated with ajv. Two flaws of the
 * published file stop any JavaScript validator, and are mended in memory, never in the vendored copy:
 * `region.properties` holds an `anyOf` that belongs beside it, and `language` patterns use the inline
 * flag `(?i)`, which JavaScript regular expressions do not have (the pattern becomes case-insensitive).
 */
export function sarifValidator(): ReturnType<Ajv['compile']> {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8')) as {
    definitions: Record<string, { properties: Record<string, Record<string, unknown>>; anyOf?: unknown }>;
  } & Record<string, unknown>;
  const region = schema.definitions['region']!;
  const misplaced = region.properties['anyOf'];
  if (misplaced !== undefined) {
    delete region.properties['anyOf'];
    region.anyOf = misplaced;
  }
  for (const name of ['run', 'toolComponent']) {
    const language = schema.definitions[name]!.properties['language']!;
    if (typeof language['pattern'] === 'string') language['pattern'] = '^[a-zA-Z]{2}(-[a-zA-Z]{2})?$';
  }
  return new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
}
