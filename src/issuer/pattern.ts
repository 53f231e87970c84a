import { stringify as stringifyToml } from 'smol-toml';
import { stringify as toYaml } from 'yaml';
import { CHECKSUM_LENGTH } from '../validators/checksum.js';
import type { KeyFormat } from './format.js';
import { randomBase62 } from './format.js';

/**
 * An issuer's key format as a detection rule, so every scanner can find its keys: a keyward rule (with the
 * checksum validator and generated examples that `keyward rules check` proves), a gitleaks rule, and what
 * GitHub's secret scanning partner program asks for (a type name, a regex, a description, the endpoint).
 */
export interface PatternNames {
  /** Human-readable, e.g. "Acme live API key". */
  name: string;
  /** Where leak reports go (`/v1/leaks` of `keyward serve`), for GitHub's form. */
  endpoint?: string;
}

export function keyRegex(format: KeyFormat): string {
  return `${escapeRegex(format.prefix)}[0-9A-Za-z]{${format.idLength}}_[0-9A-Za-z]{${format.bodyLength + CHECKSUM_LENGTH}}`;
}

export function ruleId(format: KeyFormat): string {
  return `${format.prefix.replace(/_+$/, '').replace(/_/g, '-')}-api-key`;
}

export function defaultPatternName(format: KeyFormat): string {
  const words = format.prefix.replace(/_+$/, '').split('_');
  return `${words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join(' ')} API key`;
}

/** A keyward rule file (YAML text) for the format. */
export function keywardRule(format: KeyFormat, names: PatternNames): string {
  const id = randomBase62(format.idLength);
  const generated = `{{crc32-base62:${format.prefix}${id}_:${format.bodyLength}:whole}}`;
  const broken = `{{crc32-base62-bad:${format.prefix}${id}_:${format.bodyLength}:whole}}`;
  const rule = {
    id: ruleId(format),
    name: names.name,
    description: `${names.name}: ${format.prefix}, a key id, and a random body with a CRC32 checksum. Revoke it with keyward keys revoke, or report it to the issuer.`,
    severity: 'critical',
    precision: 'very-high',
    tags: ['issuer'],
    keywords: [format.prefix],
    pattern: `(${keyRegex(format)})(?:[^0-9A-Za-z_]|$)`,
    validator: { kind: 'crc32-base62', covers: 'whole' },
    ...(names.endpoint === undefined ? {} : { references: [names.endpoint] }),
    examples: [
      { text: `API_KEY=${generated}`, secret: generated },
      { text: `client = Client(api_key="${generated}")`, secret: generated },
    ],
    negative_examples: [`API_KEY=${broken}`, `API_KEY=${format.prefix}${id}_tooShort`],
  };
  return `# keyward rule for ${names.name}; check it with: keyward rules check --rules FILE\n${toYaml({ rules: [rule] })}`;
}

/** A gitleaks rule (TOML). gitleaks has no checksum validator, so it relies on the exact length and prefix. */
export function gitleaksRule(format: KeyFormat, names: PatternNames): string {
  const rule = {
    id: ruleId(format),
    description: names.name,
    regex: `\\b(${keyRegex(format)})(?:[^0-9A-Za-z_]|$)`,
    secretGroup: 1,
    entropy: 3.5,
    keywords: [format.prefix],
  };
  return `# gitleaks rule for ${names.name}: add to your .gitleaks.toml\n${stringifyToml({ rules: [rule] })}\n`;
}

/** The fields GitHub's secret scanning partner program asks for, as JSON. */
export function githubPartnerPattern(format: KeyFormat, names: PatternNames): string {
  return `${JSON.stringify(
    {
      secret_type: ruleId(format).replace(/-/g, '_'),
      name: names.name,
      regex: keyRegex(format),
      description: `${names.name}. Prefix ${format.prefix}; ${format.idLength}-character key id; ${format.bodyLength}-character base62 body from a CSPRNG; 6-character base62 CRC32 checksum over everything before it (as GitHub's own tokens).`,
      checksum: { algorithm: 'crc32', encoding: 'base62', length: CHECKSUM_LENGTH, covers: 'everything before the checksum' },
      ...(names.endpoint === undefined ? {} : { endpoint: names.endpoint }),
    },
    null,
    2,
  )}\n`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
