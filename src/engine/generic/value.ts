/**
 * How much a value looks like a real credential rather than a placeholder, a reference to one, or a
 * non-secret shape. A value is judged by itself and by how it was written (quoted literal, unquoted in a
 * config file, unquoted in code, where an unquoted word is an expression).
 */
import { shannonEntropy } from '../../validators/entropy.js';
import { looksGenerated } from '../../validators/shape.js';

export interface ValueContext {
  /** The value was a quoted string literal (or sits inside one, as in a connection string). */
  quoted: boolean;
  /** The line is code (not config, not a command line): an unquoted word there is an identifier. */
  code: boolean;
  /** Unquoted where a bare value is literal text (dotenv, YAML, .properties, INI): a `(` in it is no call. */
  literalBare?: boolean;
  nameStrength: 'strong' | 'weak' | 'none';
  saysHash: boolean;
  headIsKey?: boolean;
  /** The key name, lower case, so `password: password` reads as a placeholder. */
  name: string;
}

export interface ValueScore {
  /** undefined: not a credential at all (the reason is in `signals`). */
  score: number | undefined;
  signals: string[];
}

const PLACEHOLDER_WORDS = new Set([
  'password', 'passwd', 'pass', 'pwd', 'secret', 'token', 'apikey', 'api_key', 'key', 'changeme', 'change_me', 'changeit',
  'change-me', 'changethis', 'test', 'testing', 'none', 'null', 'nil', 'undefined', 'empty', 'true', 'false', 'yes', 'no',
  'on', 'off', 'required', 'optional', 'string', 'str', 'text', 'value', 'example', 'sample', 'dummy', 'placeholder',
  'redacted', 'hidden', 'masked', 'secret_key', 'your_password', 'yourpassword', 'mypassword', 'my_password', 'mysecret',
  'yoursecret', 'todo', 'tbd', 'fixme', 'xxx', 'n/a', 'na', 'default', 'foo', 'bar', 'baz', 'foobar', 'qux', 'abc',
  'int', 'integer', 'number', 'bool', 'boolean', 'any', 'object', 'bytes', 'char', 'byte', 'long', 'float', 'double',
  'secretstr', 'securestring', 'self', 'this', 'new', 'return', 'function', 'lambda', 'static', 'final', 'const', 'public',
  'private', 'protected', 'void', 'auto', 'blank', 'unset', 'unknown', 'invalid', 'wrong', 'incorrect', 'sensitive',
  'env', 'environment', 'config', 'settings', 'options', 'params', 'args', 'props', 'data', 'input', 'user', 'username',
  'admin', 'root', 'guest', 'demo', 'credentials', 'auth', 'bearer', 'basic', 'digest', 'oauth', 'oauth2', 'jwt', 'api',
  'type', 'name', 'id', 'uuid', 'hash', 'md5', 'sha1', 'sha256', 'file', 'path', 'url', 'uri', 'host', 'localhost',
]);

const PLACEHOLDER_MARKERS =
  /\*{3,}|\.{3}|…|_{3,}|-{3,}|#{3,}|example|sample|dummy|placeholder|redacted|your[_-]?|[_-]here\b|insert[_-]?|replace[_-]?(?:me|with|this)|changeme|change[_-]me|\b(?:todo|tbd|fixme)\b|^<.*>$|^\[.*\]$|^\{.*\}$|\benter[_ -]|\bmy[_-]?(?:api|secret|token|pass|key)|(?<![a-z])fake|(?<![a-z])mock|(?<![a-z])not[_-]?(?:a[_-]?)?(?:real|secret|set|valid)|^(?:wrong|bad|invalid|incorrect)[_-]/i;

/** A typed `xxx` keeps one case; `xXx` is what random base62 spells (once in 2,000 values of 32 characters). */
const X_RUN = /x{3,}|X{3,}/;

/** `${VAR}`, `$VAR`, `$(cmd)`, `%(x)s`, `{{ x }}`, `%VAR%`, `#{x}`, `<%= x %>`, `@{x}`: templates and references. */
const TEMPLATE = /\$\{|\$\(|\{\{|\}\}|%\([\w.]+\)[sd]|^%[\w.]+%$|#\{|<%|\$\[|@\{|^\$[A-Za-z_][\w]*$|^\$env:|^\{[\w.]+\}$|^:[a-z_]+$|^@[\w.]+@$|^\$\$|\bvault:|^!(?:vault|ref|sub|getatt|secret)\b|^ENC\[|^\$[0-9]$|%\(|\{[A-Za-z_][\w.]*(?:\[[^\]]*\])?\}/i;

/** Calls and lookups: `os.environ[...]`, `process.env.X`, `getenv(...)`, `config.get(...)`, `secrets.X`. */
const REFERENCE = /process\.env|os\.environ|getenv|environ\.get|System\.getenv|Environment\.|ENV\[|ENV\.fetch|env\(|\bsecrets\.|\bvars\.|\bsettings\.|\bconfig\.|\bparams\.|\bargs\.|\boptions\.|\bopts\.|\bprops\.|\brequest\.|\breq\.|\bself\.|\bthis\.|^\w+(?:\.\w+)*\([^)]*\)?$|keyring|keychain|\.read\(|secretsmanager|^arn:|^projects\/[\w-]+\/secrets/;

/** `^(?=.*[A-Z])(?=.*\d).{8,}$`, `^[a-zA-Z0-9!@#]{12,}$`: a password policy's pattern. */
const REGEX_VALUE = /^\^.+\$$|\(\?[=!:]|\[[^\]]*(?:a-z|A-Z|0-9)[^\]]*\](?:[*+?]|\{\d)/;

/** `1Ay(/1K%jK`: where a bare value is literal text, a call must be closed to be one. */
const UNCLOSED_CALL = /^\w+(?:\.\w+)*\([^)]*$/;

const HASH_FORMAT = /^\$(?:2[abxy]?|argon2(?:id|i|d)?|5|6|1|pbkdf2(?:-sha\d+)?|scrypt|y|apr1)\$|^(?:pbkdf2_sha\d+|bcrypt(?:_sha256)?|argon2|sha1|md5|scrypt)\$|^\{(?:SSHA|SHA|SSHA256|SSHA512|CRYPT|MD5|SMD5|PBKDF2)\}/i;

/** What a server stores instead of the password: SCRAM verifiers, MySQL native and PostgreSQL md5 hashes. */
const VERIFIER = /^SCRAM-SHA-(?:1|256)\$\d+:|^\*[0-9A-F]{40}$|^md5[0-9a-f]{32}$/;
/** Algorithm and method names: `password_encryption = scram-sha-256`, `alg: HS256`. */
const ALGORITHM = /^(?:scram-)?sha-?(?:1|224|256|384|512)$|^aes-?(?:128|192|256)(?:-[a-z]{3})?$|^(?:hs|rs|es|ps)(?:256|384|512)$|^(?:bcrypt|argon2(?:id|i|d)?|pbkdf2(?:-sha\d+)?|scrypt|md5|plain|cleartext|ntlm|kerberos|gssapi|ldap|oauth2?|saml|oidc)$/i;
const NUMBER = /^[-+]?(?:\d+(?:[._]\d+)*|0x[0-9a-f]+)(?:e[-+]?\d+)?$/i;
const VERSION = /^(?:[\^~]|[<>]=?|==?)?v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?$/i;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$|^\d{1,2}\/\d{1,2}\/\d{2,4}$/;
const DURATION = /^\d+(?:\.\d+)?\s*(?:ms|s|sec|secs|m|min|mins|h|hr|hrs|d|days?|w|weeks?|y|years?|kb|mb|gb|k|m|g)$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]{16,}$/i;
/** A file path or a URL without userinfo: where a secret is, not the secret. */
const PATHLIKE = /^(?:~|\.{1,2})?\/[\w.\-/]*$|^[a-zA-Z]:\\|^[\w.-]+\/[\w.-]+\/[\w./-]*$|\.(?:pem|key|crt|cer|p12|pfx|jks|json|ya?ml|txt|env|conf|cfg|ini|properties|xml|toml|gpg|asc|der|keystore|secret|pass|pwd|so|dll|dylib|jar|sh|py|js|log|db|sqlite|sock|pid|lock)$|^[a-z][a-z0-9+.-]*:\/\/[^@\s]*$|^file:|^[a-z][a-z0-9_-]*:~?\/[\w.\-/]*$/i;
/** Words of sentences, never of a passphrase someone chose: `Keep this secret safe 24/7`, `Passwords do not match`. */
const STOPWORDS = new Set(['the', 'a', 'an', 'this', 'that', 'these', 'is', 'are', 'be', 'to', 'of', 'in', 'on', 'for', 'and', 'or', 'not', 'do', 'does', 'your', 'you', 'we', 'it', 'with', 'from', 'at', 'by', 'must', 'should', 'will', 'can', 'cannot', 'please', 'here', 'there', 'under', 'into', 'if', 'when', 'max', 'min']);
/** An identifier in code: `dbPassword`, `settings.password`, `PASSWORD_KEY`. */
const IDENTIFIER = /^[A-Za-z_$][\w$]*(?:(?:\.|::|->|\?\.)[A-Za-z_$][\w$]*)*(?:\[[^\]]*\])?$/;
const SENTENCE = /^[A-Za-z][a-z']*(?: [A-Za-z][a-z'.,!?:]*){2,}$/;
/** `accounts.User`, `auth.token`, `random_password.master.result`: names, not secrets. */
const DOTTED_NAME = /^[A-Za-z_][A-Za-z_-]*(?:\.[A-Za-z_][A-Za-z_-]*)+$/;
/** `db_password`, `rw_password`, `API_TOKEN`: a value that is itself a credential's name. */
const NAMES_A_CREDENTIAL = /^[a-z]+(?:[_-][a-z]+)*[_-](?:password|passwd|pass|pwd|secret|secrets|token|key|auth|credentials?|creds)$|^(?:password|secret|token|key)_[a-z]+(?:_[a-z]+)*$|^[A-Z]+(?:_[A-Z]+)*_(?:PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|KEY)$/;
const CREDENTIAL_OR_TEST_WORD = /test|pass(?:word)?|secret|token|passwd|qwerty|letmein|admin|demo|sample|default/i;
/** Words of code and config that are values of settings, not credentials (`token = "refresh"`). */
const COMMON_WORDS = new Set(
  ('create read update delete remove insert select where from join order group limit offset count index value values ' +
    'default return resolve reject promise async await function class const static public private protected import export ' +
    'module require string number boolean object array list map set get put post patch head options request response ' +
    'error errors warning info debug trace message messages status state result results data payload header headers body ' +
    'config settings option params param query filter sort search cache session cookie local remote global user users ' +
    'account accounts admin client server service services worker workers queue stream buffer handler callback event events ' +
    'logger metrics format parse render load save open close start stop begin end next prev first last new old temp tmp ' +
    'access refresh bearer basic digest oauth token tokens secret secrets password passwords login logout signin signup ' +
    'register verify confirm reset change enable enabled disable disabled allow deny none all any auto manual custom ' +
    'internal external public standard simple normal strict lax required optional hidden visible primary secondary master ' +
    'main test tests dev development prod production staging stage release debug local example sample demo ' +
    'instanceof typeof switch case break continue else elif if for while do try catch finally throw throws var let ' +
    'this super self yield void null nil true false undefined extends implements interface package length size type').split(' '),
);
const COLOR = /^#[0-9a-f]{3,8}$/i;

/** Scores `value` (already unquoted) in `context`. */
export function scoreValue(value: string, context: ValueContext): ValueScore {
  const signals: string[] = [];
  const no = (reason: string): ValueScore => ({ score: undefined, signals: [...signals, reason] });
  const trimmed = value.trim();
  if (trimmed.length === 0) return no('empty value');
  const lower = trimmed.toLowerCase();
  if (TEMPLATE.test(trimmed)) return no('template or variable reference');
  if (!context.quoted && context.code) return no('unquoted in code: an expression, not a literal');
  if (!context.quoted && /^[{[(<]/.test(trimmed)) return no('a structure, not a value');
  if (!context.quoted && (context.literalBare === true ? REFERENCE.test(trimmed) && !UNCLOSED_CALL.test(trimmed) : REFERENCE.test(trimmed) || trimmed.includes('('))) return no('reference (lookup or call), not a value');
  if (/^[A-Z][a-z]+-[A-Z][A-Za-z]+$/.test(trimmed)) return no('PowerShell command, not a value');
  if (DOTTED_NAME.test(trimmed) && !trimmed.split('.').some(isRandomCase)) return no('dotted name (module, setting or message key)');
  if (NAMES_A_CREDENTIAL.test(trimmed) || (/^[A-Za-z]+$/.test(trimmed) && /password|passwd|secret|token|apikey|credential/i.test(trimmed))) return no('names a credential rather than being one');
  if (/^X-[A-Za-z]+(?:-[A-Za-z]+)+$/.test(trimmed)) return no('an HTTP header name');
  if (/^(?:bearer|basic|token|digest|bot)\s/i.test(trimmed)) return no('an Authorization value (judged as a header)');
  if (context.quoted && /^(?:process\.env|os\.environ|getenv)/.test(trimmed)) return no('reference');
  if (PLACEHOLDER_WORDS.has(lower) || PLACEHOLDER_WORDS.has(lower.replace(/[^a-z0-9_]/g, ''))) return no('placeholder word');
  if (PLACEHOLDER_MARKERS.test(trimmed) || X_RUN.test(trimmed)) return no('placeholder or example marker');
  if (isRepeatedOrSequence(trimmed)) return no('repeated character or plain sequence');
  const nameWords = context.name.replace(/[^a-z0-9]/g, '');
  if (nameWords.length >= 3 && lower.replace(/[^a-z0-9]/g, '') === nameWords) return no('value repeats the key name');
  if (/^(?:true|false|null|none|nil|undefined|yes|no|on|off)$/i.test(trimmed)) return no('boolean or null');
  if (VERSION.test(trimmed) && /\./.test(trimmed)) return no('version number');
  if (DATE.test(trimmed)) return no('date');
  if (DURATION.test(trimmed)) return no('duration or size');
  if (COLOR.test(trimmed) && trimmed.length <= 7) return no('colour');
  if (PATHLIKE.test(trimmed) && !isBase64WithSlashes(trimmed)) return no('path or URL (where a secret is, not the secret)');
  if (REGEX_VALUE.test(trimmed)) return no('a regular expression (a rule for the credential, not one)');
  if (context.literalBare === true && trimmed.includes(';') && trimmed.split(';').every(isNameLike)) return no('a list of names');
  if (SENTENCE.test(trimmed)) return no('prose');
  if (/\s/.test(trimmed) && trimmed.split(/\s+/).length > 3 && !/\d/.test(trimmed)) return no('several words: prose or a command');
  if (VERIFIER.test(trimmed)) return no('stored password verifier (a hash), not the password');
  if (ALGORITHM.test(trimmed)) return no('algorithm or method name');
  if (!context.quoted && /^0x[0-9a-f]+$/i.test(trimmed)) return no('hex literal');
  if (/^[A-Za-z][a-z]*(?: [A-Za-z][a-z]*)+$/.test(trimmed) && !/[A-Z]/.test(trimmed.slice(1))) return no('words: a label or prose');
  if (/[^\x00-\x7f]/.test(trimmed) && /^[\p{L}\p{M}' -]+$/u.test(trimmed)) return no('words in letters only (another language)');
  if (trimmed.includes(' ') && trimmed.split(/\s+/).some((word) => STOPWORDS.has(word.toLowerCase().replace(/^\W+|\W+$/g, '')))) return no('a sentence (holds words of prose)');
  if (HASH_FORMAT.test(trimmed)) {
    if (context.saysHash) return no('hash format under a hash name');
    signals.push('known hash format');
  }
  if (NUMBER.test(trimmed)) {
    if (context.nameStrength !== 'strong' || trimmed.length < 6) return no('number');
    signals.push('digits only');
  }
  if ((UUID.test(trimmed) || HEX.test(trimmed)) && context.nameStrength !== 'strong' && !(context.headIsKey === true && trimmed.length >= 32)) {
    return no('UUID or hex under a name that is not a credential');
  }
  if (context.saysHash && HEX.test(trimmed)) return no('hex digest under a hash name');
  if (trimmed.length < 4) return no('too short');
  if (context.nameStrength === 'weak' && /^[A-Za-z]+$/.test(trimmed) && /[a-z][A-Z]/.test(trimmed)) return no('identifier-like word under a weak name');
  if (context.nameStrength === 'none' && trimmed.length < 8) return no('short value without a credential name');

  let score = 0;
  const length = trimmed.length;
  if (length >= 16) score += 0.3;
  else if (length >= 10) score += 0.25;
  else if (length >= 8) score += 0.2;
  else if (length >= 6) score += 0.15;
  else score += 0.05;
  let classes = 0;
  if (/[a-z]/.test(trimmed)) classes++;
  if (/[A-Z]/.test(trimmed)) classes++;
  if (/[0-9]/.test(trimmed)) classes++;
  if (/[^A-Za-z0-9]/.test(trimmed)) classes++;
  if (classes >= 3) score += 0.15;
  else if (classes === 2) score += 0.05;
  const entropy = shannonEntropy(trimmed);
  // Relative to the most a string of this length and alphabet can hold: random hex and base62 reach ~0.9.
  const alphabet = /^[0-9a-f]+$/i.test(trimmed) ? 16 : (/[a-z]/.test(trimmed) ? 26 : 0) + (/[A-Z]/.test(trimmed) ? 26 : 0) + (/[0-9]/.test(trimmed) ? 10 : 0) + (/[^A-Za-z0-9]/.test(trimmed) ? 16 : 0);
  const relative = entropy / Math.log2(Math.max(2, Math.min(length, alphabet)));
  if (length >= 12 && relative >= 0.85 && entropy >= 3.3) score += 0.1;
  if (length >= 8 && relative < 0.55) score -= 0.15;
  if (HASH_FORMAT.test(trimmed)) score -= 0.3;
  if (NUMBER.test(trimmed)) score -= 0.2;
  if (/\s/.test(trimmed)) score -= /^[A-Za-z ]+$/.test(trimmed) ? 0.25 : 0.1;
  if (context.quoted) score += 0.05;
  if (COMMON_WORDS.has(lower)) {
    score -= 0.3;
    signals.push('a common word of code or config');
  }
  if (CREDENTIAL_OR_TEST_WORD.test(trimmed)) {
    score -= 0.2;
    signals.push('value holds a credential or test word');
  }
  signals.push(`relative entropy ${relative.toFixed(2)}`);
  signals.push(`value: ${length} chars, ${classes} character class${classes === 1 ? '' : 'es'}, entropy ${entropy.toFixed(1)}`);
  return { score, signals };
}

/**
 * `W7mC/UyxAeEofajcOe/jnXUabGglMckY`: about one random base64 value of 32 characters in 11 holds two
 * slashes, and reads as `dir/dir/file`. The parts of a path are names (`src`, `main`, `Controllers`, a
 * `photo1` now and then); most parts of base64 look generated.
 */
function isBase64WithSlashes(value: string): boolean {
  if (!/^[A-Za-z0-9+/]{16,}={0,2}$/.test(value) || !/[a-z]/.test(value) || !/[A-Z]/.test(value)) return false;
  const parts = value.replace(/=+$/, '').split('/').filter((part) => part.length >= 4);
  return parts.length > 0 && parts.filter((part) => looksGenerated(part)).length * 3 >= parts.length * 2;
}

/** `X-API-Key;X-Auth`, `payments-db;v2`: each part of a `;` list is a short or worded name. */
function isNameLike(part: string): boolean {
  return /^[A-Za-z][\w.-]*$/.test(part) && (part.length < 8 || !looksGenerated(part.replace(/[-_.]/g, '')));
}

/** `nNpRhL`: case flips inside words three times or more; names (`MgmtPwd`, `SecretProvider`) flip at word starts only. */
function isRandomCase(part: string): boolean {
  return part.length >= 6 && looksGenerated(part) && (part.match(/[a-z][A-Z]/g)?.length ?? 0) >= 3;
}

function isRepeatedOrSequence(value: string): boolean {
  const body = value.replace(/[-_.:/]/g, '') || value;
  let repeated = true;
  for (let i = 1; i < body.length; i++) if (body[i] !== body[0]) repeated = false;
  if (repeated && body.length > 2) return true;
  const lower = body.toLowerCase();
  if (lower.length >= 6 && ('0123456789'.includes(lower) || 'abcdefghijklmnopqrstuvwxyz'.includes(lower) || 'qwertyuiop'.includes(lower))) return true;
  return false;
}
