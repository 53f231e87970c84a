/**
 * What a chunk's path says about the values in it. Tests, fixtures, examples, docs and mocks hold
 * credentials that are mostly made up, so their candidates score lower; they are never hidden outright
 * (a real key pasted into a test is still a leak). The path is a string from the origin: nothing here
 * reads a file.
 */
import { isLockfile } from '../lockfile.js';

export type Syntax = 'code' | 'config' | 'shell' | 'doc' | 'unknown';

export interface FileContext {
  /** Added to every candidate's score in this chunk. */
  score: number;
  syntax: Syntax;
  signals: string[];
  /** A package manager's lockfile (../lockfile.ts): only credentials inside URLs can be in one. */
  lockfile: boolean;
  /**
   * dotenv, YAML, .properties, INI: an unquoted value is literal text up to a space (`;`, `)`, `]` and `(`
   * are part of a password there), not an expression or a shell word.
   */
  literalBare: boolean;
  /** A Jupyter notebook: its code is in JSON strings, with every quote escaped. */
  notebook: boolean;
}

const CODE = new Set(['ps1', 'psm1', 'psd1', 'js', 'mjs', 'cjs', 'jsx', 'ts', 'tsx', 'mts', 'cts', 'py', 'pyw', 'java', 'kt', 'kts', 'scala', 'groovy', 'gradle', 'cs', 'vb', 'fs', 'go', 'rb', 'php', 'rs', 'swift', 'c', 'h', 'cc', 'cpp', 'cxx', 'hpp', 'm', 'mm', 'dart', 'lua', 'pl', 'pm', 'r', 'jl', 'ex', 'exs', 'erl', 'clj', 'vue', 'svelte', 'sol', 'cshtml', 'razor', 'ipynb']);
const CONFIG = new Set(['env', 'yml', 'yaml', 'json', 'json5', 'toml', 'ini', 'cfg', 'conf', 'config', 'properties', 'prop', 'props', 'xml', 'plist', 'tf', 'tfvars', 'hcl', 'cnf', 'settings', 'htpasswd', 'pgpass', 'netrc', 'npmrc', 'pypirc', 'dockerfile', 'compose', 'tpl', 'j2', 'erb', 'service', 'desktop', 'reg']);
const SHELL = new Set(['sh', 'bash', 'zsh', 'ksh', 'fish', 'bat', 'cmd', 'mk', 'makefile', 'dockerfile', 'sql', 'http', 'rest']);
const DOC = new Set(['md', 'markdown', 'rst', 'txt', 'adoc', 'asciidoc', 'html', 'htm', 'tex', 'org', 'wiki']);

const TEST_DIR = /(?:^|\/)(?:tests?|__tests__|spec|specs|testing|testdata|test-data|test_data|fixtures?|__fixtures__|mocks?|__mocks__|stubs?|fakes?|e2e|integration-tests?)(?:\/|$)/i;
const TEST_FILE = /(?:^|[/._-])(?:test|tests|spec|mock|mocks|fake|fixture|stub)(?:[._-][^/]*)?\.[\w]+$|_test\.go$|Tests?\.(?:java|kt|cs|swift|scala)$/i;
const EXAMPLE_DIR = /(?:^|\/)(?:examples?|samples?|demos?|docs?|documentation|tutorials?|templates?)(?:\/|$)/i;
/** Translations: `password: Passwort` there is a label in another language, never a credential. */
const LOCALE_PATH = /(?:^|\/)(?:locales?|i18n|l10n|lang|langs|languages|translations?)\/|(?:^|\/)(?:messages|strings|resources|translations?)(?:[._-][a-z]{2}(?:[_-][a-z]{2,4})?)?\.(?:properties|json|ya?ml|xml|resx|strings)$|\.(?:po|pot|xliff|xlf|strings|stringsdict)$/i;
const EXAMPLE_FILE = /\.(?:example|sample|template|tmpl|dist|default|defaults|skel|orig)(?:\.[\w]+)?$|(?:^|[/._-])(?:example|sample|template)(?:[._-][^/]*)?$/i;

/** Not `.envrc`: direnv's file is a shell script. */
const DOTENV = /^\.env(?:\.[\w.-]+)?$|\.env$/;
const LITERAL_BARE = new Set(['yml', 'yaml', 'properties', 'ini', 'cfg', 'conf', 'cnf']);

/** A history holds a few thousand paths over a hundred thousand blobs: each path is read once. */
const cache = new Map<string, FileContext>();
const CACHED_PATHS = 16_384;

export function fileContext(path: string): FileContext {
  let context = cache.get(path);
  if (context === undefined) {
    if (cache.size >= CACHED_PATHS) cache.clear();
    context = Object.freeze(readContext(path));
    cache.set(path, context);
  }
  return context;
}

function readContext(path: string): FileContext {
  const lower = path.toLowerCase();
  const base = lower.slice(lower.lastIndexOf('/') + 1);
  const extension = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1) : base;
  let syntax: Syntax = 'unknown';
  if (base.startsWith('.env') || base === 'dockerfile' || base.startsWith('dockerfile.') || base.endsWith('.dockerfile') || base.startsWith('docker-compose')) syntax = 'config';
  else if (CODE.has(extension)) syntax = 'code';
  else if (SHELL.has(extension)) syntax = 'shell';
  else if (CONFIG.has(extension)) syntax = 'config';
  else if (DOC.has(extension)) syntax = 'doc';
  // `.env.example`, `config.yml.sample`: the syntax of the file before the template suffix.
  if (EXAMPLE_FILE.test(base) && syntax === 'unknown') {
    const inner = base.replace(/\.(?:example|sample|template|tmpl|dist|default|defaults|skel|orig)$/, '');
    if (inner !== base) syntax = readContext(inner).syntax;
  }
  const signals: string[] = [];
  let score = 0;
  if (EXAMPLE_FILE.test(base)) {
    score -= 0.25;
    signals.push('example/template file');
  } else if (TEST_DIR.test(lower) || TEST_FILE.test(base)) {
    score -= 0.25;
    signals.push('test, fixture or mock file');
  } else if (EXAMPLE_DIR.test(lower)) {
    score -= 0.15;
    signals.push('example or docs folder');
  }
  if (LOCALE_PATH.test(lower)) {
    score -= 0.3;
    signals.push('translation file');
  }
  if (syntax === 'doc') {
    score -= 0.1;
    signals.push('documentation file');
  }
  return { score, syntax, signals: Object.freeze(signals) as string[], lockfile: isLockfile(base), literalBare: DOTENV.test(base) || LITERAL_BARE.has(extension), notebook: extension === 'ipynb' };
}
