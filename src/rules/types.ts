export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export type Precision = 'very-high' | 'high' | 'medium' | 'low';

export interface ChecksumValidator {
  kind: 'crc32-base62';
  covers: 'after-prefix' | 'whole';
}

export interface RuleExample {
  text: string;
  secret: string;
}

/** A rule as data: what the YAML says, plus where it came from. Nothing here is compiled. */
export interface Rule {
  id: string;
  name: string;
  description: string;
  severity: Severity;
  precision: Precision;
  tags: string[];
  keywords: string[];
  pattern: string;
  entropy?: number;
  validator?: ChecksumValidator;
  allowPlaceholders: boolean;
  /** The secret must hold both a letter and a digit (generic rules: names and words are not secrets). */
  requireLetterAndDigit?: boolean;
  references: string[];
  examples: RuleExample[];
  negativeExamples: string[];
  /** RE2 on the chunk's path: the rule only applies to matching paths (gitleaks' `path`). */
  pathPattern?: string;
  /** Imported from another tool's config (gitleaks): it has no examples, so `rules check` does not hold it to them. */
  imported?: boolean;
  /** Where the rule was defined, for error messages. */
  source: { file: string; line: number };
  /** Compiled with RE2 at build time (the built-in rules): the matcher may then compile it on first use. */
  patternChecked?: boolean;
  /**
   * A generic rule whose findings come from the scorer (src/engine/generic/): the syntax family it reports
   * (`assignment`, `env`, `url`, …). Its pattern only selects the lines the scorer reads.
   */
  scorer?: string;
}

/** What reporters need to know about a rule; plain data that crosses worker boundaries. */
export type RuleMeta = Pick<
  Rule,
  'id' | 'name' | 'description' | 'severity' | 'precision' | 'tags' | 'references'
>;

export function ruleMeta(rule: Rule): RuleMeta {
  const { id, name, description, severity, precision, tags, references } = rule;
  return { id, name, description, severity, precision, tags, references };
}
