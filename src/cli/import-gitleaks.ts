import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import { importGitleaksConfig } from '../config/gitleaks.js';
import { describeFsError, KeywardError } from '../errors.js';
import type { AllowlistData } from '../engine/noise.js';
import type { CliIo } from './io.js';

/**
 * `keyward rules import-gitleaks FILE.toml [-o DIR]`. Writes the rules that RE2 accepts (to DIR/gitleaks.yml,
 * or stdout), names every rejected rule on stderr (one line each) and exits 2 if there was any, so a
 * pipeline notices; the rest are still written. Allowlists go to DIR/gitleaks.keyward.json, a config
 * usable with --config (it loads DIR/gitleaks.yml through rules_dirs).
 */
export function runImportGitleaks(file: string, outDir: string | undefined, io: CliIo): number {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new KeywardError(`cannot read ${file}: ${describeFsError(error)}`);
  }
  const result = importGitleaksConfig(file, source);
  for (const warning of result.warnings) io.stderr(`keyward: warning: ${basename(file)}: ${warning}\n`);
  for (const { id, reason } of result.rejected) io.stderr(`keyward: error: ${basename(file)}: rule ${id}: ${reason}\n`);
  const header = `# Imported from ${basename(file)} by keyward rules import-gitleaks. These rules carry no examples\n# (imported: true); add examples and negative_examples, then drop the flag, to make them first-class.\n`;
  const rulesYaml = result.raw.length === 0 ? '' : header + stringify({ rules: result.raw }, { lineWidth: 0 });
  const config = configOf(result.noise.allowlist, result.noise.ruleAllowlists, result.disabledRules);
  if (outDir === undefined) {
    io.stdout(rulesYaml);
    if (config !== undefined) io.stderr('keyward: note: the gitleaks allowlists were not written; use -o DIR to write them as a keyward config\n');
  } else {
    try {
      mkdirSync(outDir, { recursive: true });
      if (rulesYaml !== '') writeFileSync(join(outDir, 'gitleaks.yml'), rulesYaml);
      if (config !== undefined) {
        writeFileSync(join(outDir, 'gitleaks.keyward.json'), `${JSON.stringify({ ...(rulesYaml === '' ? {} : { rules_dirs: ['gitleaks.yml'] }), ...config }, null, 2)}\n`);
      }
    } catch (error) {
      throw new KeywardError(`cannot write to ${outDir}: ${describeFsError(error)}`);
    }
    io.stderr(
      `keyward: imported ${result.raw.length} rule(s) to ${join(outDir, 'gitleaks.yml')}${config === undefined ? '' : `; allowlists in ${join(outDir, 'gitleaks.keyward.json')} (use it with --config)`}\n`,
    );
  }
  if (result.rejected.length > 0) {
    io.stderr(`keyward: ${result.rejected.length} rule(s) not imported, ${result.raw.length} imported\n`);
    return 2;
  }
  return 0;
}

function configOf(global: AllowlistData | undefined, perRule: Record<string, AllowlistData> | undefined, disabled: string[]): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (disabled.length > 0) out['rules'] = { disable: disabled };
  if (global !== undefined) out['allowlist'] = snake(global);
  if (perRule !== undefined) out['rule_allowlists'] = Object.fromEntries(Object.entries(perRule).map(([id, list]) => [id, snake(list)]));
  return Object.keys(out).length === 0 ? undefined : out;
}

function snake(list: AllowlistData): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (list.paths) out['paths'] = list.paths;
  if (list.pathRegexes) out['path_regexes'] = list.pathRegexes;
  if (list.regexes) out['regexes'] = list.regexes;
  if (list.lineRegexes) out['line_regexes'] = list.lineRegexes;
  if (list.stopwords) out['stopwords'] = list.stopwords;
  if (list.commits) out['commits'] = list.commits;
  return out;
}
