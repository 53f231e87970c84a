/**
 * How strongly a key name says "credential": the name is split into words (camelCase, snake_case, kebab,
 * dots, brackets) and each word votes. Strong words make a credential context, weak words need help from
 * the value, and some words say the value describes a credential rather than being one (`password_hint`,
 * `token_url`, `min_password_length`).
 */

export interface NameScore {
  /** Added to the candidate's score. */
  score: number;
  strength: 'strong' | 'weak' | 'none';
  /** The name says the value is a hash or digest (a bcrypt string there is not a password). */
  saysHash: boolean;
  /** The name ends in `key` (`routing_key`, `validationKey`): a long hex or UUID value there is a key. */
  headIsKey: boolean;
  /** The words that decided it, for --explain. */
  signals: string[];
}

const STRONG = new Set([
  'password', 'passwd', 'pwd', 'pass', 'passphrase', 'passcode', 'secret', 'secrets', 'token', 'tokens', 'apikey',
  'auth', 'authorization', 'credential', 'credentials', 'creds', 'cred', 'privatekey', 'clientsecret', 'accesskey',
  'signingkey', 'secretkey', 'masterkey', 'encryptionkey', 'bearer', 'jwt', 'sas', 'pat', 'accesstoken',
  'authtoken', 'apitoken', 'refreshtoken', 'sessiontoken', 'bearertoken', 'pw', 'pswd', 'psw', 'passw', 'dbpass',
  'dbpassword', 'rootpassword', 'adminpassword', 'userpassword', 'mysqlpassword', 'pgpassword', 'pgpass', 'apisecret',
  'appsecret', 'clientkey', 'apikeys', 'secretaccesskey', 'webhooksecret', 'sharedsecret', 'hmackey', 'authkey',
  'licensekey', 'connectionstring', 'subscriptionkey', 'xapikey', 'encryption', 'secure', 'passin', 'passout',
]);

/** Two adjacent words that together are strong: `api key`, `private key`, `access key`, `client secret`. */
const STRONG_PAIRS = new Set(['api key', 'private key', 'access key', 'signing key', 'secret key', 'master key', 'encryption key', 'client key', 'app key', 'auth key', 'license key', 'subscription key', 'consumer key', 'hmac key', 'account key', 'storage key', 'service key', 'shared key', 'x api', 'deploy key', 'webhook key', 'sas key', 'secret id', 'machine key', 'validation key', 'decryption key', 'routing key', 'integration key', 'admin key', 'master key']);

const WEAK = new Set(['key', 'keys', 'salt', 'nonce', 'seed', 'code', 'pin', 'hmac', 'sig', 'signature', 'cookie', 'session', 'sid', 'sk', 'ak', 'cert', 'license', 'access']);

/** Words that say the value describes a credential, or is not one. */
const LOWERING = new Set([
  'public', 'pub', 'hint', 'placeholder', 'length', 'len', 'min', 'max', 'minimum', 'maximum', 'policy', 'label',
  'field', 'fields', 'name', 'names', 'type', 'types', 'format', 'regex', 'regexp', 'pattern', 'url', 'uri', 'endpoint',
  'path', 'file', 'filename', 'dir', 'header', 'prompt', 'message', 'msg', 'hash', 'hashed', 'digest', 'version', 'count',
  'size', 'enabled', 'enable', 'disabled', 'required', 'require', 'expiry', 'expires', 'expiration', 'expire', 'timeout',
  'ttl', 'id', 'ids', 'index', 'idx', 'mode', 'strength', 'rule', 'rules', 'validation', 'validator', 'valid', 'invalid',
  'error', 'errors', 'text', 'title', 'description', 'desc', 'help', 'input', 'selector', 'button', 'link', 'icon', 'class',
  'style', 'color', 'width', 'height', 'key_id', 'kid', 'location', 'store', 'provider', 'method', 'algorithm', 'alg',
  'scope', 'scopes', 'limit', 'usage', 'env', 'var', 'variable', 'param', 'parameter', 'attr', 'attribute', 'prefix',
  'suffix', 'template', 'example', 'sample', 'mock', 'fake', 'test', 'dummy', 'reset', 'forgot', 'confirm', 'confirmation',
  'changed', 'last', 'age', 'history', 'manager', 'generator', 'encoder', 'encoded', 'checksum', 'fingerprint', 'ref',
  'reference', 'source', 'arn', 'tag', 'tags', 'display', 'visible', 'show', 'toggle', 'entry', 'at', 'on', 'date',
  'time', 'timestamp', 'created', 'updated', 'rotation', 'rotate', 'callback', 'redirect', 'host', 'hostname', 'port',
  'user', 'username', 'login', 'email', 'account', 'owner', 'issuer', 'audience', 'lifetime', 'duration', 'interval',
  'period', 'window', 'budget', 'threshold', 'stats', 'metric', 'metrics', 'usage', 'kind', 'schema', 'spec', 'doc',
  'docs', 'api_version', 'level', 'bits', 'keyring', 'keychain', 'alias', 'pair', 'question', 'answer', 'salt_rounds',
  'rounds', 'iterations', 'cost', 'chars', 'characters', 'complexity', 'auto', 'empty', 'null', 'none', 'default',
  'model', 'backend', 'backends', 'handler', 'module', 'plugin', 'strategy', 'service', 'engine', 'driver', 'adapter',
  'middleware', 'maps', 'view', 'views', 'form', 'serializer', 'factory', 'cache', 'sort', 'partition', 'foreign', 'primary',
  'idempotency', 'object', 'lookup', 'dedup', 'hotkey', 'shortcut', 'keyboard', 'press', 'map', 'composite', 'unique',
  'column', 'row', 'storage', 'class', 'classes', 'component', 'context', 'state', 'status', 'event', 'events', 'store',
]);

/** Words whose presence says the value is a hash or digest. */
const HASH_WORDS = new Set(['hash', 'hashed', 'digest', 'checksum', 'bcrypt', 'sha', 'sha1', 'sha256', 'sha512', 'md5', 'crypt', 'encrypted', 'hmac']);

/** Splits a key name into lower-case words: `dbPassword_HINT[0].x-y` → db, password, hint, 0, x, y. */
export function splitName(name: string): string[] {
  const spaced = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
  return spaced.split(/[^a-z0-9]+/).filter((word) => word.length > 0);
}

/** Lowering words that count even before the strong word (`public_key`, `min_password_length`). */
const LOWERING_BEFORE = new Set(['existing', 'public', 'pub', 'placeholder', 'min', 'max', 'minimum', 'maximum', 'hashed', 'encrypted', 'encoded', 'hash', 'regex', 'invalid', 'wrong', 'bad', 'forgot', 'reset', 'confirm', 'new', 'old', 'show', 'toggle', 'hide', 'display', 'validate', 'check', 'generate', 'random', 'kid']);
/** Words of test data: they lower a little wherever they stand. */
const TESTISH = new Set(['test', 'tests', 'example', 'sample', 'mock', 'fake', 'dummy', 'demo', 'stub', 'fixture']);

const cache = new Map<string, NameScore>();

/** Names repeat (`password`, `api_key`): each is scored once per thread. */
export function scoreName(name: string): NameScore {
  let score = cache.get(name);
  if (score === undefined) {
    if (cache.size >= 10_000) cache.clear();
    cache.set(name, (score = scoreNameUncached(name)));
  }
  return score;
}

function scoreNameUncached(name: string): NameScore {
  const words = splitName(name);
  const signals: string[] = [];
  let lastStrong = -1;
  let weak = 0;
  let saysHash = false;
  const joined = words.join('');
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const pair = i + 1 < words.length ? `${word} ${words[i + 1]}` : '';
    if (STRONG.has(word) || STRONG_PAIRS.has(pair) || strongInside(word)) {
      lastStrong = STRONG_PAIRS.has(pair) ? i + 1 : i;
      signals.push(`strong word "${STRONG_PAIRS.has(pair) ? pair : word}"`);
      if (STRONG_PAIRS.has(pair)) i++;
    } else if (WEAK.has(word)) {
      weak++;
    }
  }
  if (lastStrong === -1 && weak === 0 && strongInside(joined)) {
    lastStrong = words.length - 1;
    signals.push(`strong word inside "${joined}"`);
  }
  // The head of a compound is its last credential word: `validation_key` is a key, `key_name` a name.
  let head = lastStrong;
  if (head === -1) for (let i = 0; i < words.length; i++) if (WEAK.has(words[i]!)) head = i;
  let lowering = 0;
  let testish = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (HASH_WORDS.has(word) && (i > head || LOWERING_BEFORE.has(word))) saysHash = true;
    if (TESTISH.has(word)) {
      testish++;
      signals.push(`test word "${word}"`);
    } else if ((i > head && LOWERING.has(word)) || (i < head && LOWERING_BEFORE.has(word))) {
      lowering++;
      signals.push(`lowering word "${word}"`);
    }
  }
  let score: number;
  let strength: NameScore['strength'];
  if (lastStrong >= 0) {
    strength = 'strong';
    score = 0.5;
  } else if (weak > 0) {
    strength = 'weak';
    score = 0.25;
    signals.push(`weak word "${words.find((word) => WEAK.has(word))}"`);
  } else {
    strength = 'none';
    score = 0;
  }
  if (lowering > 0) score -= Math.min(0.6, 0.4 * lowering);
  if (testish > 0) score -= 0.1;
  return { score, strength, saysHash, headIsKey: head >= 0 && /^keys?$/.test(words[head]!), signals };
}

const INSIDE = ['password', 'passwd', 'secret', 'token', 'apikey', 'credential', 'privatekey', 'accesskey', 'pwd'];

function strongInside(word: string): boolean {
  if (word.length < 5) return false;
  // `requirepass`, `masterauth`, `rootpwd`: one word that ends in a strong one.
  if (/(?:passwd|password|secret|apikey)$/.test(word)) return true;
  if (/^(?:require|master|root|db|admin|user|login|my|sql|mysql|redis|smtp|mail|ftp|ldap|app|api|sudo|vnc|wifi|key|store|trust|private|proxy|bind|auth|web|site|server|client|service|sa|sys|system)(?:pass|pwd|auth|token)$/.test(word)) return true;
  for (const inner of INSIDE) {
    const at = word.indexOf(inner);
    if (at === -1) continue;
    // `tokenizer`, `secretary`, `passwordless`: a longer word that merely begins with a strong one.
    const after = word.slice(at + inner.length);
    if (after === '' || after === 's' || /^\d+$/.test(after)) return true;
    if (inner === 'pwd' || inner === 'token') continue;
    if (/^(?:key|keys|id|value|str|string|text|base|hash)$/.test(after)) return after !== 'id' && after !== 'hash';
  }
  return false;
}
