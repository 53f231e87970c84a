// Build step: parse and validate the built-in rules once, so the CLI starts without YAML or JSON Schema
// work. The loader uses the result only while its digest matches the files in rules/.
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { BUILTIN_RULES_CACHE, DEFAULT_RULES_DIR, parseRulesIn, ruleFilesDigest } from '../dist/rules/load.js';

const rules = parseRulesIn(DEFAULT_RULES_DIR).map((rule) => ({ ...rule, source: { ...rule.source, file: basename(rule.source.file) } }));
writeFileSync(BUILTIN_RULES_CACHE, JSON.stringify({ digest: ruleFilesDigest(DEFAULT_RULES_DIR), rules }));
