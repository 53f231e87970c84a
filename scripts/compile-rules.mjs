// Build step: parse and validate the built-in rules once, so the CLI starts without YAML or JSON Schema
// work. The loader uses the result only while its digest matches the files in rules/.
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { keywordAnchor } from '../dist/matcher/anchors.js';
import { compileMatcher } from '../dist/matcher/index.js';
import { withPartRules } from '../dist/engine/pairs.js';
import { BUILTIN_RULES_CACHE, DEFAULT_RULES_DIR, parseRulesIn, ruleFilesDigest } from '../dist/rules/load.js';

const parsed = parseRulesIn(DEFAULT_RULES_DIR);
try {
  compileMatcher(withPartRules(parsed)); // every pattern (and pair part) through RE2 now, so the CLI may compile them lazily
} catch (error) {
  console.error(`keyward build: ${error.message}`);
  process.exit(1);
}
// Examples are for `rules check`, which parses the YAML itself; a scan never reads them, and they are most of the size.
const rules = parsed.map(({ examples: _examples, negativeExamples: _negatives, negativeExamplePaths: _paths, ...rule }) => ({
  ...rule,
  examples: [],
  negativeExamples: [],
  patternChecked: true,
  anchor: keywordAnchor(rule.pattern) ?? null,
  source: { ...rule.source, file: basename(rule.source.file) },
}));
writeFileSync(BUILTIN_RULES_CACHE, JSON.stringify({ digest: ruleFilesDigest(DEFAULT_RULES_DIR), rules }));
