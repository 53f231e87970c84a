import type { Anchor } from '../matcher/anchors.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export type Precision = 'very-high' | 'high' | 'medium' | 'low';

export interface ChecksumValidator {
  kind: 'crc32-base62';
  covers: 'after-prefix' | 'whole';
}

export interface RuleExample {
  text: string;
  secret: string;
  /** The parts a pair rule must report with the secret (`requires`), by part name. */
  parts?: Record<string, string>;
  /** The file the text is in, for a rule with a path condition. */
  path?: string;
}

/** How close a required part must be to the secret: lines between them, or bytes between the two spans. */
export type Near = { lines: number } | { bytes: number };

/**
 * A part of a paired secret that is harmless alone (an access key id, an account SID, a domain) and is
 * required near the rule's own match, the secret. Parts are identifiers: reports show them in full.
 */
export interface RulePart {
  name: string;
  /** RE2; the first capture group is the part. Runs only where the rule's keywords occur. */
  pattern: string;
  near: Near;
  entropy?: number;
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
  /** The secret must look generated: a letter and a digit, or letters in a random mix of case, not words. */
  requireLetterAndDigit?: boolean;
  references: string[];
  examples: RuleExample[];
  negativeExamples: string[];
  /** RE2 on the chunk's path: the rule only applies to matching paths (gitleaks' `path`). */
  pathPattern?: string;
  /** The provider check `scan --validate` runs for this rule's findings (`verify:` in YAML). */
  verify?: string;
  /** For a rule with `pathPattern`: the path each negative example is checked under (default: the first example's). */
  negativeExamplePaths?: (string | null)[];
  /** Parts that must be found near the secret for the rule to report it (a paired secret: src/engine/pairs.ts). */
  requires?: RulePart[];
  /** Set on the hidden rule one part of a pair rule compiles to; never reported by itself. */
  partOf?: { ruleId: string; part: string };
  /** Imported from another tool's config (gitleaks): it has no examples, so `rules check` does not hold it to them. */
  imported?: boolean;
  /** One of keyward's own rules (rules/ in the package), which a user's rule of the same id replaces. */
  builtin?: boolean;
  /** Where the rule was defined, for error messages. */
  source: { file: string; line: number };
  /** Compiled with RE2 at build time (the built-in rules): the matcher may then compile it on first use. */
  patternChecked?: boolean;
  /**
   * Where every match must start (src/matcher/anchors.ts), read from the pattern at build time along with
   * `patternChecked` (null: nowhere in particular); absent, the matcher reads it from the pattern itself.
   */
  anchor?: Anchor | null;
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
