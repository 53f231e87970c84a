/**
 * Candidate extraction: one line of text in, the (name, value) pairs a credential could hide in out,
 * across code, config, command lines, HTTP and connection strings. It judges nothing: scoring is
 * ./name.ts and ./value.ts. Lines are at most a few KB (the RE2 selector cuts windows out of longer
 * ones), and every regex here is free of nested quantifiers, so the work is linear in the line.
 */
import { decodeJwt, type JwtInfo } from './jwt.js';
import type { Syntax } from './file-context.js';

export type Family = 'assignment' | 'env' | 'url' | 'connection-string' | 'cli' | 'http' | 'query' | 'jwt';

export interface RawCandidate {
  family: Family;
  /** The key name the value was given to; '' when the syntax alone says credential. */
  name: string;
  /** The secret as it would be reported (decoded for Basic auth and Kubernetes `data:`). */
  value: string;
  /** UTF-16 offsets in the line of the text that holds the secret. */
  start: number;
  end: number;
  quoted: boolean;
  /** The syntax says credential whatever the name (URL userinfo, Basic auth, `mysql -p…`). */
  implied?: string;
  /** Written as code (an unquoted word is then an expression). */
  code: boolean;
  /** Unquoted in a syntax where a bare value is literal text (a `(` in it is no call). */
  literalBare?: boolean;
  decoded?: string[];
  jwt?: JwtInfo;
  /** Lowers the score: the URL's host is a local or documentation host. */
  localHost?: boolean;
  /** A default value in a function's parameter list (`def connect(password="…")`): usually a stand-in. */
  inSignature?: boolean;
  /** For URL userinfo: the user, so `postgres:postgres@` reads as a default. */
  user?: string;
}

export interface LineContext {
  syntax: Syntax;
  /** Whether the chunk is a Kubernetes Secret, whose `data:` values are base64; asked only of such a value. */
  kubernetesSecret: () => boolean;
  /**
   * Up to `count` lines before this one, nearest first: asked only of a YAML `value:` line (the name is on
   * the line before) and a Terraform `default =` line (the name is on its block's first line).
   */
  linesBefore?: (count: number) => string[];
  /** dotenv, YAML, .properties, INI (../file-context.ts): an unquoted value is literal text up to a space. */
  literalBare?: boolean;
}

const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const BASE64_JWT = /ZXlK[A-Za-z0-9+/]{40,}={0,2}/g;
const URL_USERINFO = /\b([a-zA-Z][a-zA-Z0-9+.-]{1,20}):\/\/([^\s:/?#@"'`<>\\[\]{}]{0,64}):([^\s/?#@"'`<>\\]{1,128})@([A-Za-z0-9_.-]*)/g;
const AUTH_SCHEME = /\b(Basic|Bearer|Token|Digest|Bot|token|bearer|basic)[ \t]+([A-Za-z0-9._~+/=-]{4,})/g;
const QUERY = /[?&;]([A-Za-z_][\w.\-[\]]{0,40})=([^&\s"'#<>;`)]{1,300})/g;
const LONG_OPTION = /(?:^|[\s"'(])(--?[A-Za-z][\w.-]{1,80})(=|[ \t]+)(["']?)([^\s"'`]+)/g;
const USER_OPTION = /(?:^|\s)(?:-u|--user|--basic-auth|-U)[ \t]+(["']?)([^\s:"']+):([^\s"']+)/g;
/** Visual Basic: `Dim password As String = "…"`, `Private Const ApiKey As String = "…"`. */
const VB_STRING = /\b([A-Za-z_]\w{0,60})[ \t]+As[ \t]+String[ \t]*=[ \t]*"([^"\n]*)"/gi;
const SECURE_STRING = /ConvertTo-SecureString[ \t]+(?:-String[ \t]+)?(["'])([^"'\n]+)\1/gi;
const CREDENTIAL_CALL = /\b((?:[A-Za-z_][\w.]*)?Credentials?(?:\.(?:basic|create|of|from))?|[A-Za-z_][\w.]*(?:BasicAuth|basic_auth|basicAuth|Authentication|PasswordAuth\w*|HTTPDigestAuth|DigestAuth|auth|Auth|login|Login|connect|Connect))[ \t]*(?:=|\()[ \t]*[([]?[ \t]*(["'])([^"'\n]{1,100})\2[ \t]*,[ \t]*(?:password[ \t]*=[ \t]*)?(["'])([^"'\n]{1,200})\4/g;
/**
 * A login call whose user and password are its last two string arguments, after up to three others:
 * `new PDO($dsn, "app", "…")`, `getConnection(url, "app", "…")`, `server.login("ops", "…")`,
 * `simple_bind_s(dn, "…")`, `auth=("deploy", "…")`, `Net::SMTP.start(host, 587, domain, "ops", "…", :login)`.
 */
const POSITIONAL_LOGIN = /\b(new[ \t]+PDO|getConnection|simple_bind_s|simple_bind|bind_s|ldap_bind|Net::SMTP\.start|Net::FTP\.(?:new|open)|login|auth[ \t]*=)[ \t]*\((?:[ \t]*(?:(["'])[^"'\n]*\2|[^"'(),\n]+)[ \t]*,){0,3}[ \t]*(["'])([^"'\n]{1,100})\3[ \t]*,[ \t]*(["'])([^"'\n]{1,200})\5[ \t]*[,)]/g;
const NAMED_STRING_CALL = /(?:^|[^\w])([A-Za-z_][\w.:]*)?[ \t]*[({][ \t]*(["'])([A-Za-z_][\w.\- ]{1,60})\2[ \t]*,[ \t]*(["'])((?:\\.|[^\\"'\n])*)\4/g;
const XML_ELEMENT = /<([A-Za-z_][\w.:-]{0,60})(?:[ \t][^>]{0,200})?>([^<\n]{1,300})<\/\1>/g;
/** `{"name": "DB_PASSWORD", "value": "…"}` (ECS, Kubernetes JSON), `{ name = "API_KEY", value = "…" }` (HCL). */
const NAME_VALUE_PAIR = /["']?(?:name|key|Name|Key)["']?[ \t]*[:=][ \t]*(["'])([^"'\n]{1,80})\1[ \t]*,[ \t]*["']?(?:value|Value)["']?[ \t]*[:=][ \t]*(["'])([^"'\n]*)\3/g;
/** A `value:` line of a YAML list or map whose name is on the line before (`- name: API_KEY` / `value: …`). */
const YAML_VALUE = /^([ \t]*)(?:-[ \t]+)?value:[ \t]*(["']?)([^\s"'#]{1,300})\2[ \t]*$/;
const YAML_NAME_BEFORE = /^([ \t]*)(?:-[ \t]+)?(?:name:[ \t]*(["']?)([\w.-]{1,80})\2|(["']?)([\w.-]{1,80})\4:)[ \t]*$/;
const HCL_DEFAULT = /^[ \t]*default[ \t]*=[ \t]*"([^"\\\n]*)"[ \t]*(?:#.*|\/\/.*)?$/;
const HCL_VARIABLE = /^[ \t]*variable[ \t]+"([\w-]{1,80})"[ \t]*\{/;
/** A block ends, or another starts: the `default` line is not the variable's. */
const HCL_BLOCK_EDGE = /^\}|^[ \t]*(?:resource|data|module|output|locals|provider|terraform|variable)\b/;
const HCL_BLOCK_LINES = 12;

function hclVariableName(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const header = HCL_VARIABLE.exec(line);
    if (header !== null) return header[1];
    if (HCL_BLOCK_EDGE.test(line)) return undefined;
  }
  return undefined;
}
const XML_KEY_VALUE = /\b(?:key|name)[ \t]*=[ \t]*"([^"]{1,80})"[ \t]+value[ \t]*=[ \t]*"([^"]*)"/gi;
const XML_VALUE_KEY = /\bvalue[ \t]*=[ \t]*"([^"]*)"[ \t]+(?:key|name)[ \t]*=[ \t]*"([^"]{1,80})"/gi;
/** `<entry key="api.token">…</entry>`: the key or name attribute names the element's text. */
const XML_NAME_ATTRIBUTE = /[ \t](?:key|name)[ \t]*=[ \t]*"([^"]{1,80})"/;
const SETTER = /(?:^|[^\w$])([A-Za-z_][\w]*)[ \t]*\([ \t]*(["'])((?:\\.|[^\\"'\n]){1,200})\2[ \t]*(?:\.toCharArray\(\)|\.getBytes\(\)|\.encode\(\))?[ \t]*\)/g;
/** Calls whose string argument names a credential rather than being one (`getenv("DB_PASSWORD")`, `hash("…")`). */
const NOT_A_SETTER = /^(?:get|read|load|find|fetch|lookup|has|is|remove|delete|del|contains|validate|check|verify|hash|encrypt|decrypt|encode|decode|require|translate|t|_|__|i18n|gettext|log|print|assert|expect|describe|it|test|error|warn|info|debug|query|select|where|field|column|label|text|placeholder|header|cookie|param|attr|prop|input|env|environ|getenv|secret|secrets|config|setting|settings|vault|keyring|credentials?|by|make|create|generate|parse|format|render|cache|store|emit|on|off|send|post|click|type|fill|press|url|path|file|open)(?:[A-Z_]|$)/;
/**
 * `PASSWORD '…'`, `SET PASSWORD FOR u = '…'`, `IDENTIFIED BY '…'`, `IDENTIFIED WITH plugin BY '…'` and Oracle's
 * `IDENTIFIED BY "…"` or bare `IDENTIFIED BY word`. `IDENTIFIED … AS '…'` and `BY PASSWORD '…'` give a hash.
 */
const SQL_PASSWORD = /\b(PASSWORD(?:[ \t]+FOR[ \t]+[^=;\n]{1,120}?)?|IDENTIFIED(?:[ \t]+WITH[ \t]+['"`]?\w+['"`]?)?[ \t]+(BY|AS))[ \t]+(?:=[ \t]*)?(?:'((?:''|[^'\n]){1,200})'|"([^"\n]{1,200})"|([A-Za-z][\w#$]{3,127})\b)/gi;
/** `INSERT INTO t (a, api_token) VALUES ('x', '…')`: the columns name the values. */
const SQL_INSERT = /\binsert[ \t]+into[ \t]+[\w."`\[\]]+[ \t]*\(([^)\n]{1,500})\)[ \t]*values[ \t]*\(/gi;
/** Redis ACL rules: `user app on >password ~keys:* +@read`. */
const REDIS_ACL = /^[ \t]*user[ \t]+[^\s>]+[ \t](?:[^\n>]*[ \t])?>([^\s]{1,200})/;
/** `htpasswd -b[c] file user password`, `htpasswd -nb user password`. */
const HTPASSWD = /\bhtpasswd[ \t]+((?:-[A-Za-z]+[ \t]+)+)(["']?)([^\s"']+)\2[ \t]+(["']?)([^\s"']+)\4(?:[ \t]+(["']?)([^\s"']+)\6)?/;
/** Samba tools: `smbclient -U 'user%password'`. */
const SAMBA_USER = /(?:^|\s)(?:-U|--user)[ \t]+(["']?)([^\s%:"']+)%([^\s"']+)\1/g;
/** Windows: `net use X: \\srv\share [/user:u] password`, `net user name password /add`, `cmdkey /pass:…`. */
const NET_USE = /\bnet[ \t]+use[ \t]+(?:[A-Za-z]:[ \t]+|\*[ \t]+)?\\\\\S+((?:[ \t]+\/\S+)*)[ \t]+(["']?)([^\s"'\/*][^\s"']*)\2/i;
const NET_USER = /\bnet[ \t]+user[ \t]+(["']?)[^\s"'\/]+\1[ \t]+(["']?)([^\s"'\/*][^\s"']*)\2/i;
/** `vault login <token>`: the token as the only argument. */
const VAULT_LOGIN = /\bvault[ \t]+login[ \t]+(["']?)([A-Za-z0-9._-]{8,})\1[ \t]*$/;
/** `rabbitmqctl add_user ops <password>`, `rabbitmqctl change_password ops <password>`. */
const RABBITMQ_USER = /\brabbitmqctl[ \t]+(?:[^\n]*?[ \t])?(?:add_user|change_password)[ \t]+(["']?)([^\s"']+)\1[ \t]+(["']?)([^\s"']+)\3/;
/** A literal echoed into a command that reads a password from stdin (`| sudo -S`, `--password-stdin`, `| chpasswd`). */
const ECHO_PIPE = /\becho[ \t]+(?:-[neE]+[ \t]+)?(["']?)([^\s"'|]{1,200})\1[ \t]*\|[ \t]*([^\n|]{1,300})/;
/** C and C++: `#define WIFI_PASSWORD "…"`. */
const C_DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w{0,80})[ \t]+(?:L|u8|u|U)?"((?:\\.|[^\\"\n]){1,300})"/;
const SLASH_PASS = /(?:^|[ \t])\/(pass|password|pwd)[:=](["']?)([^\s"']+)\2/gi;
/** Prose: `log in with admin / S3cret`, `the credentials are ops / …`. */
const LOGIN_PAIR = /\b(?:log[ \t-]?in|sign[ \t-]?in|credentials?)[ \t]+(?:is|are|with|as|using|:)[ \t]+`?([\w.@-]{2,40})`?[ \t]*\/[ \t]*(`|'|"|)([^\s`'"]{3,100})\2/i;
/** Prose: `the API key is \`…\``, `the database password for staging is …`. */
const PROSE_IS = /\b(password|passphrase|passwd|api[ _-]?key|token|secret|access[ _]key)[ \t]+(?:for[ \t]+[\w.\-]+(?:[ \t]+[\w.\-]+){0,3}[ \t]+)?(?:is|was)[ \t]+(?:now[ \t]+|still[ \t]+|set[ \t]+to[ \t]+)?(`|'|"|)([^\s`'"]{4,200})\2/gi;
/** Exec arrays: `["redis-cli", "-a", "…"]`, `["--password", "…"]`. */
const ARRAY_FLAG = /(["'])(--?[A-Za-z][\w-]{0,40})\1[ \t]*,[ \t]*(["'])([^"'\n]{1,200})\3/g;
/** `requirepass …`, `masterauth …`: a config directive and its value, separated by blanks. */
const DIRECTIVE = /^[ \t]*([A-Za-z_][\w.-]{1,60})[ \t]+(["']?)([^\s"'=:]{1,200})\2[ \t]*$/;
const WORDS_DIRECTIVE = /^[ \t]*([A-Za-z_][\w.-]{0,60})[ \t]+([A-Za-z_][\w.-]{0,60})[ \t]+(?:([A-Za-z_][\w.-]{0,60})[ \t]+)?(["']?)([^\s"'=:]{4,200})\4[ \t]*$/;
const NOT_A_DIRECTIVE = /^(?:ENV|ARG|export|set|local|declare|readonly|unset|echo|return|if|def|let|var|const|function|class|the|a|an|your|my|our|new|no|use|and|or|for|to|is)$/i;
/** `API key: …`, `Admin password = …`: a label of a few words, as in notes and READMEs. */
const LABEL = /^[ \t]*(?:[-*#>|][ \t]*)*(?:\*\*)?([A-Za-z][\w]*(?:[ \t][A-Za-z][\w]*){1,3})(?:\*\*)?[ \t]*[:=](?:\*\*)?[ \t]*(["'`]?)([^\s"'`]{1,200})\2[ \t]*$/;
/** `**Password:** \`…\``, `**Token**: …`: a bold label of one to four words in Markdown. */
const BOLD_LABEL = /^[ \t]*(?:[-*>|][ \t]*)*\*\*([A-Za-z][\w]*(?:[ \t][A-Za-z][\w]*){0,3})[ \t]*:?\*\*[ \t]*:?[ \t]*(["'`]?)([^\s"'`]{1,200})\2[ \t]*$/;
const NOT_A_LABEL = /^(?:export|set|setx|declare|local|readonly|typeset|env|ENV|ARG|const|let|var|val|def|my|our|public|private|protected|static|final|string|int|dim)[ \t]/i;
const HEADER_FIELD_CALL = /\b(?:setValue|addValue)\([ \t]*(["'])([^"'\n]{1,300})\1[ \t]*,[ \t]*forHTTPHeaderField:[ \t]*(["'])([^"'\n]{1,60})\3/g;
/** `new PDO(dsn, user, password)`, `mysqli_connect(host, user, password)`: the third string is the password. */
const THREE_STRING_CALL = /\b(PDO|mysqli_connect|mysqli|mysql_connect|pg_connect|getConnection|ldap_bind|ftp_login|ssh2_auth_password|imap_open)[ \t]*\([ \t]*(["'])[^"'\n]{0,300}\2[ \t]*,[ \t]*(["'])([^"'\n]{0,100})\3[ \t]*,[ \t]*(["'])([^"'\n]{1,200})\5/g;
const DOCKER_ENV = /^[ \t]*(?:ENV|ARG)[ \t]+([A-Za-z_][\w.-]*)[ \t]+(["']?)([^\s"']+)\2[ \t]*$/;
const KEY_VALUE =
  /(\[?["'`]?)([A-Za-z_@$][\w.\-$@]*(?:\[[ \t]*["']?[\w.\- ]*["']?[ \t]*\])*)(["'`]?\]?)[ \t]*(:=|=>|\?\?=|\|\|=|\?=|===?|=|:(?![:/])|<-)[ \t]*/y;

/** Commands whose password flag is a short one (`mysql -pSECRET`, `sshpass -p SECRET`). */
const SHORT_FLAG_COMMANDS: [RegExp, RegExp][] = [
  [/\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mariadb|mariadb-dump)\b/i, /(?:^|\s)-p(["']?)([^\s"'-][^\s"']*)\1/g],
  [/\b(?:sshpass|psexec|psexec64|paexec|mongo|mongosh|mongodump|mongorestore|mongoexport|mongoimport|twine)\b/i, /(?:^|\s)-p[ \t]+(["']?)([^\s"'-][^\s"']*)\1/g],
  [/\b(?:docker|podman|buildah|skopeo|helm|oc|nerdctl|az|cf)\b[^\n]*\blogin\b/i, /(?:^|\s)(?:-p|--password)[ \t]+(["']?)([^\s"'-][^\s"']*)\1/g],
  [/\bssh-keygen\b/, /(?:^|\s)-[NP][ \t]+(["']?)([^\s"'-][^\s"']*)\1/g],
  [/\b(?:sqlcmd|bcp|osql|isql)\b/i, /(?:^|\s)-P[ \t]*(["']?)([^\s"'-][^\s"']*)\1/g],
  [/\bopenssl\b[^\n]*\benc\b/i, /(?:^|\s)-k[ \t]+(["']?)([^\s"'-][^\s"']*)\1/g],
  [/\bldap(?:search|modify|add|delete|passwd|whoami|compare|modrdn|exop|url)\b/i, /(?:^|\s)-w[ \t]+(["']?)([^\s"'-][^\s"']*)\1/g],
  [/\bredis-cli\b/i, /(?:^|\s)-a[ \t]+(["']?)([^\s"'-][^\s"']*)\1/g],
  [/\b(?:zip|7z|7za|unzip|unrar|rar)\b/i, /(?:^|\s)-[pP](?:[ \t]+)?(["']?)([^\s"'-][^\s"']*)\1/g],
];

/** The short password flags of SHORT_FLAG_COMMANDS, as they stand in an exec array (`"-a", "…"`). */
const SHORT_ARRAY_FLAGS: [RegExp, string][] = [
  [/\bredis-cli\b/i, '-a'],
  [/\b(?:sshpass|mongo|mongosh|mongodump|mongorestore|twine)\b/i, '-p'],
  [/\bldap(?:search|modify|add|delete|passwd|whoami)\b/i, '-w'],
  [/\b(?:docker|podman|helm|oc|az|cf)\b[^\n]*\blogin\b/i, '-p'],
];

const VALUE_WRAPPERS = /(?:^|[^\w])(?:String|SecretStr|Secret|SecureString|Some|from|new|toCharArray|bytes|byte|str|b|Buffer\.from|encode|Sensitive|secret|Password|SecretString|base64encode|base64_encode|b64encode|btoa|sensitive|nonsensitive)[ \t]*\([ \t]*$/;

const CREDENTIAL_WORD = /pass|pwd|secret|token|key|auth|cred|bearer|sas|jwt|salt|seed|nonce|pin|sig|cookie|session|private|license/i;

export function extractLine(line: string, context: LineContext): RawCandidate[] {
  const out: RawCandidate[] = [];
  const claimed: [number, number][] = [];
  const isClaimed = (start: number, end: number) => claimed.some(([a, b]) => a < end && start < b);
  const add = (candidate: RawCandidate) => {
    if (isClaimed(candidate.start, candidate.end)) return;
    claimed.push([candidate.start, candidate.end]);
    out.push(candidate);
  };
  const code = context.syntax === 'code';
  // Each extractor below runs only when the line holds the characters it needs: most lines hold few.
  const lower = line.toLowerCase();
  const dash = line.includes(' -') || line.includes('"-') || line.includes("'-") || line.startsWith('-');
  const quote = line.includes('"') || line.includes("'");

  if (line.includes('eyJ')) {
    for (const match of line.matchAll(JWT)) {
      const info = decodeJwt(match[0]);
      if (info === undefined) continue;
      add({ family: 'jwt', name: '', value: match[0], start: match.index, end: match.index + match[0].length, quoted: false, code, implied: 'JWT', jwt: info });
    }
  }
  if (line.includes('ZXlK')) {
    for (const match of line.matchAll(BASE64_JWT)) {
      const decoded = Buffer.from(match[0], 'base64').toString('latin1');
      const inner = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/.exec(decoded);
      const info = inner === null ? undefined : decodeJwt(inner[0]);
      if (inner === null || info === undefined) continue;
      add({ family: 'jwt', name: '', value: inner[0], start: match.index, end: match.index + match[0].length, quoted: false, code, implied: 'base64-wrapped JWT', jwt: info, decoded: ['base64'] });
    }
  }
  if (line.includes('://')) {
    for (const match of line.matchAll(URL_USERINFO)) {
      const [whole, scheme, user, password, host] = match as unknown as [string, string, string, string, string];
      const start = match.index + whole.indexOf(`:${password}@`, scheme.length + 3 + user.length) + 1;
      add({
        family: 'url', name: `${scheme} url password`, value: password, start, end: start + password.length, quoted: true, code: false,
        implied: 'URL userinfo', user, localHost: /^(?:localhost|127\.|0\.0\.0\.0|\[?::1|example\.|[\w.-]*\.(?:example|test|invalid|local)$|host$|hostname$)/i.test(host),
      });
    }
  }
  if (lower.includes('bearer') || lower.includes('basic') || lower.includes('authoriz')) for (const match of line.matchAll(AUTH_SCHEME)) {
    const scheme = match[1]!.toLowerCase();
    const token = match[2]!;
    const tokenStart = match.index + match[0].length - token.length;
    if ((scheme === 'token' || scheme === 'bot' || scheme === 'digest') && !/authoriz/i.test(line)) continue;
    if (scheme === 'bearer' && !/authoriz|bearer[ \t]+[\w.~+/-]+=*["'`]|header|\bbearer\b/i.test(line)) continue;
    if (scheme === 'basic') {
      if (!/authoriz|header|-H|basic[ \t]+[A-Za-z0-9+/]+=*["'`]?\s*$|["'`]/i.test(line)) continue;
      const decoded = decodeBasic(token);
      if (decoded === undefined) continue;
      add({ family: 'http', name: 'basic auth password', value: decoded, start: tokenStart, end: tokenStart + token.replace(/[.~_-]+$/, '').length, quoted: true, code: false, implied: 'Authorization: Basic', decoded: ['base64'] });
      continue;
    }
    add({ family: 'http', name: `${scheme} token`, value: token, start: tokenStart, end: tokenStart + token.length, quoted: true, code: false, implied: `Authorization: ${match[1]}` });
  }
  if (line.includes('=') && /[?&;]/.test(line)) {
    for (const match of line.matchAll(QUERY)) {
      const name = match[1]!;
      if (!CREDENTIAL_WORD.test(name)) continue;
      const value = decodePercent(match[2]!);
      const start = match.index + match[0].length - match[2]!.length;
      // `Password=…;` in a connection string is not a query parameter.
      if (match[0][0] === ';' || (match[0][0] !== '?' && !/[?]/.test(line.slice(0, match.index)) && !/https?:\/\//i.test(line))) continue;
      add({ family: 'query', name, value, start, end: start + match[2]!.length, quoted: true, code: false });
    }
  }
  if (/ as +string/i.test(line)) {
    for (const match of line.matchAll(VB_STRING)) {
      const name = match[1]!;
      if (!CREDENTIAL_WORD.test(name)) continue;
      const value = match[2]!;
      const start = match.index + match[0].length - value.length - 1;
      add({ family: 'assignment', name, value, start, end: start + value.length, quoted: true, code });
    }
  }
  if (dash) {
    if (line.includes(' -u') || line.includes(' -U') || line.includes('--user') || line.includes('--basic-auth')) for (const match of line.matchAll(USER_OPTION)) {
      const password = match[3]!;
      const start = match.index + match[0].length - password.length - match[1]!.length + (match[1] && line[match.index + match[0].length - 1] === match[1] ? 0 : 0);
      const at = line.lastIndexOf(password, match.index + match[0].length);
      add({ family: 'cli', name: 'cli user password', value: password, start: at >= 0 ? at : start, end: (at >= 0 ? at : start) + password.length, quoted: true, code: false, implied: 'user:password option', user: match[2]! });
    }
    if (line.includes('%')) for (const match of line.matchAll(SAMBA_USER)) {
      const password = match[3]!;
      const start = match.index + match[0].length - password.length - match[1]!.length;
      add({ family: 'cli', name: 'cli user password', value: password, start, end: start + password.length, quoted: true, code: false, implied: 'user%password option', user: match[2]! });
    }
    if (lower.includes('htpasswd')) {
      const ht = HTPASSWD.exec(line);
      // -b takes the password from the command line: the last of file, user, password (-n: no file).
      if (ht !== null && /^-[A-Za-z]*b/.test(ht[1]!.replace(/[ \t]+-/g, '')) ) {
        const noFile = /n/.test(ht[1]!);
        const value = noFile ? ht[5]! : ht[7];
        if (value !== undefined) {
          const start = line.lastIndexOf(value, ht.index + ht[0].length);
          add({ family: 'cli', name: 'htpasswd password', value, start, end: start + value.length, quoted: true, code: false, implied: 'htpasswd -b', user: noFile ? ht[3]! : ht[5]! });
        }
      }
    }
    for (const [command, flag] of SHORT_FLAG_COMMANDS) {
      if (!command.test(line)) continue;
      for (const match of line.matchAll(flag)) {
        const value = match[2]!;
        const start = match.index + match[0].length - value.length - match[1]!.length;
        add({ family: 'cli', name: 'password flag', value, start, end: start + value.length, quoted: true, code: false, implied: 'password flag of a command' });
      }
    }
    for (const match of line.matchAll(LONG_OPTION)) {
      const option = match[1]!;
      if (!CREDENTIAL_WORD.test(option)) continue;
      let value = match[4]!;
      const start = match.index + match[0].length - value.length;
      if (value.startsWith('-') || value.startsWith('$')) {
        if (value.startsWith('$')) add({ family: 'cli', name: option.replace(/^-+/, ''), value, start, end: start + value.length, quoted: false, code: false });
        continue;
      }
      value = value.replace(/[;,)]+$/, '');
      // OpenSSL-style sources: `pass:…` is the password itself; `env:`, `file:`, `fd:`, `stdin` name where it is.
      let at = start;
      const source = /^(pass|env|file|fd|stdin)(?::|$)/i.exec(value);
      if (source !== null) {
        if (source[1]!.toLowerCase() !== 'pass') continue;
        value = value.slice(5);
        at += 5;
        if (value === '') continue;
      }
      add({ family: 'cli', name: option.replace(/^-+/, ''), value, start: at, end: at + value.length, quoted: match[3] !== '', code: false });
    }
    if (/securestring/i.test(line)) {
      for (const match of line.matchAll(SECURE_STRING)) {
        const value = match[2]!;
        const start = match.index + match[0].length - value.length - 1;
        if (!/-AsPlainText/i.test(line)) continue;
        add({ family: 'assignment', name: 'secure string', value, start, end: start + value.length, quoted: true, code, implied: 'ConvertTo-SecureString -AsPlainText' });
      }
    }
  }
  if (!code && (line.includes('|') || lower.includes('vault') || lower.includes('rabbitmqctl'))) {
    const vault = lower.includes('vault') ? VAULT_LOGIN.exec(line) : null;
    if (vault !== null) {
      const value = vault[2]!;
      const start = vault.index + vault[0].lastIndexOf(value);
      add({ family: 'cli', name: 'vault token', value, start, end: start + value.length, quoted: true, code: false, implied: 'vault login <token>' });
    }
    const rabbit = lower.includes('rabbitmqctl') ? RABBITMQ_USER.exec(line) : null;
    if (rabbit !== null) {
      const value = rabbit[4]!;
      const start = rabbit.index + rabbit[0].length - value.length - rabbit[3]!.length;
      add({ family: 'cli', name: 'rabbitmq password', value, start, end: start + value.length, quoted: true, code: false, implied: 'rabbitmqctl add_user', user: rabbit[2]! });
    }
    const echo = line.includes('|') ? ECHO_PIPE.exec(line) : null;
    if (echo !== null && /^(?:sudo\b[^\n]*[ \t]-[A-Za-z]*S\b|[^\n]*--password-stdin\b|(?:sudo[ \t]+)?chpasswd\b|(?:sudo[ \t]+)?passwd\b[^\n]*--stdin\b)/.test(echo[3]!)) {
      let value = echo[2]!;
      let start = echo.index + echo[0].indexOf(value);
      // chpasswd reads `user:password`.
      if (/chpasswd/.test(echo[3]!) && value.includes(':')) {
        start += value.indexOf(':') + 1;
        value = value.slice(value.indexOf(':') + 1);
      }
      add({ family: 'cli', name: 'password on stdin', value, start, end: start + value.length, quoted: true, code: false, implied: 'echo … | a command reading a password' });
    }
  }
  if (line.includes('#') && lower.includes('define')) {
    const define = C_DEFINE.exec(line);
    if (define !== null && CREDENTIAL_WORD.test(define[1]!)) {
      const raw = define[2]!;
      const start = define.index + define[0].length - raw.length - 1;
      add({ family: 'assignment', name: define[1]!, value: unescape(raw), start, end: start + raw.length, quoted: true, code });
    }
  }
  if (line.includes('/') && (lower.includes('net ') || lower.includes('/p'))) {
    const net = NET_USE.exec(line) ?? NET_USER.exec(line);
    if (net !== null) {
      const value = net[3]!;
      const start = net.index + net[0].length - value.length - net[2]!.length;
      add({ family: 'cli', name: 'net password', value, start, end: start + value.length, quoted: true, code: false, implied: net[0].toLowerCase().includes('use') ? 'net use password' : 'net user password' });
    }
    for (const match of line.matchAll(SLASH_PASS)) {
      const value = match[3]!;
      const start = match.index + match[0].length - value.length - match[2]!.length;
      add({ family: 'cli', name: match[1]!, value, start, end: start + value.length, quoted: true, code: false });
    }
  }
  if (quote && line.includes(',') && (line.includes('(') || line.includes('{') || line.includes('['))) {
    if (/cred|auth|login|connect/.test(lower)) for (const match of line.matchAll(CREDENTIAL_CALL)) {
      const value = match[5]!;
      const start = match.index + match[0].length - value.length - 1;
      add({ family: 'assignment', name: `${match[1]} password`, value, start, end: start + value.length, quoted: true, code, implied: `${match[1]}(user, password)`, user: match[3]! });
    }
    if (/pdo|connection|bind|login|auth|net::/.test(lower)) for (const match of line.matchAll(POSITIONAL_LOGIN)) {
      const call = match[1]!.replace(/[ \t]*=$/, '').replace(/[ \t]+/g, ' ');
      const value = match[6]!;
      const start = match.index + match[0].lastIndexOf(`${match[5]}${value}${match[5]}`) + 1;
      add({ family: 'assignment', name: `${call} password`, value, start, end: start + value.length, quoted: true, code, implied: `${call}(…, user, password)`, user: match[4]! });
    }
    for (const match of line.matchAll(NAMED_STRING_CALL)) {
      const name = match[3]!;
      if (!CREDENTIAL_WORD.test(name)) continue;
      const value = unescape(match[5]!);
      const start = match.index + match[0].length - match[5]!.length - 1;
      add({ family: 'assignment', name, value, start, end: start + match[5]!.length, quoted: true, code });
    }
  }
  if (quote && line.includes('(')) {
    for (const match of line.matchAll(SETTER)) {
      const name = match[1]!;
      if (!CREDENTIAL_WORD.test(name) || NOT_A_SETTER.test(name)) continue;
      const value = unescape(match[3]!);
      const start = match.index + match[0].lastIndexOf(match[3]!, match[0].length - 1 - match[2]!.length);
      add({ family: 'assignment', name, value, start, end: start + match[3]!.length, quoted: true, code });
    }
  }
  if (line.includes('</')) {
    for (const match of line.matchAll(XML_ELEMENT)) {
      let name = match[1]!;
      if (!CREDENTIAL_WORD.test(name)) {
        const attribute = XML_NAME_ATTRIBUTE.exec(match[0].slice(0, match[0].indexOf('>')));
        if (attribute === null || !CREDENTIAL_WORD.test(attribute[1]!)) continue;
        name = attribute[1]!;
      }
      const raw = match[2]!;
      const value = raw.trim();
      const start = match.index + match[0].indexOf('>') + 1 + raw.indexOf(value);
      add({ family: 'assignment', name, value, start, end: start + value.length, quoted: true, code: false });
    }
  }
  if (quote && lower.includes('value') && line.includes(',')) {
    for (const match of line.matchAll(NAME_VALUE_PAIR)) {
      const name = match[2]!;
      if (!CREDENTIAL_WORD.test(name)) continue;
      const value = match[4]!;
      const start = match.index + match[0].length - value.length - 1;
      add({ family: 'assignment', name, value, start, end: start + value.length, quoted: true, code });
      claimed.push([match.index, match.index + match[0].length]);
    }
  }
  if (!code && context.linesBefore !== undefined && lower.includes('value:')) {
    const yaml = YAML_VALUE.exec(line);
    const before = yaml === null ? null : YAML_NAME_BEFORE.exec(context.linesBefore(1)[0] ?? '');
    // The name's line is the list item (`- name:` at the same indent or its dash) or the parent key (less indent).
    if (yaml !== null && before !== null && before[1]!.length <= yaml[1]!.length) {
      const name = before[3] ?? before[5]!;
      if (CREDENTIAL_WORD.test(name)) {
        const value = yaml[3]!;
        const start = line.lastIndexOf(value);
        add({ family: 'env', name, value, start, end: start + value.length, quoted: yaml[2] !== '', code: false });
      }
    }
  }
  // Terraform: `variable "db_password" {` names the `default = "…"` a few lines below it.
  if (!code && context.linesBefore !== undefined && lower.includes('default')) {
    const hcl = HCL_DEFAULT.exec(line);
    const name = hcl === null ? undefined : hclVariableName(context.linesBefore(HCL_BLOCK_LINES));
    if (hcl !== null && name !== undefined && CREDENTIAL_WORD.test(name)) {
      const value = hcl[1]!;
      const start = line.lastIndexOf(`"${value}"`) + 1;
      add({ family: 'env', name, value, start, end: start + value.length, quoted: true, code: false });
    }
  }
  if (lower.includes('value') && line.includes('="')) {
    for (const match of line.matchAll(XML_KEY_VALUE)) {
      const name = match[1]!;
      if (!CREDENTIAL_WORD.test(name)) continue;
      const value = match[2]!;
      const start = match.index + match[0].length - value.length - 1;
      add({ family: CONNECTION_KEYS.test(value) ? 'connection-string' : 'assignment', name, value, start, end: start + value.length, quoted: true, code: false });
      // The key="…" half names the value; it is not a value of its own.
      claimed.push([match.index, match.index + match[0].length]);
    }
    for (const match of line.matchAll(XML_VALUE_KEY)) {
      const name = match[2]!;
      if (!CREDENTIAL_WORD.test(name)) continue;
      const value = match[1]!;
      const start = match.index + match[0].indexOf('"') + 1;
      add({ family: CONNECTION_KEYS.test(value) ? 'connection-string' : 'assignment', name, value, start, end: start + value.length, quoted: true, code: false });
      claimed.push([match.index, match.index + match[0].length]);
    }
  }
  const identified = lower.includes('identified');
  if ((quote || identified) && (identified || lower.includes('password'))) {
    for (const match of line.matchAll(SQL_PASSWORD)) {
      const by = match[2]?.toUpperCase();
      // `IDENTIFIED … AS '…'` and `IDENTIFIED BY PASSWORD '…'` (MySQL) give the stored hash, not the password.
      if (by === 'AS' || (by === undefined && /\bBY[ \t]+$/i.test(line.slice(0, match.index)))) continue;
      const bare = match[5];
      if (bare !== undefined && (by !== 'BY' || /^(?:password|random|values|externally|globally)$/i.test(bare))) continue;
      const raw = match[3] ?? match[4] ?? bare!;
      const start = match.index + match[0].length - raw.length - (bare === undefined ? 1 : 0);
      add({ family: 'assignment', name: 'password', value: raw.replace(/''/g, "'"), start, end: start + raw.length, quoted: bare === undefined, code: false, ...(bare === undefined ? {} : { implied: 'IDENTIFIED BY' }) });
    }
  }
  if (quote && lower.includes('insert') && lower.includes('values')) extractInsert(line, add);
  if (!code && line.includes('>') && lower.includes('user')) {
    const acl = REDIS_ACL.exec(line);
    if (acl !== null) {
      const value = acl[1]!;
      const start = acl.index + acl[0].length - value.length;
      add({ family: 'env', name: 'redis acl password', value, start, end: start + value.length, quoted: true, code: false, implied: 'Redis ACL >password' });
    }
  }
  if (quote && line.includes('(') && line.includes(',')) {
    if (/pdo|connect|getconnection|ldap_bind|ftp_login|ssh2_auth|imap_open/.test(lower)) for (const match of line.matchAll(THREE_STRING_CALL)) {
      const value = match[6]!;
      const start = match.index + match[0].length - value.length - 1;
      add({ family: 'assignment', name: `${match[1]} password`, value, start, end: start + value.length, quoted: true, code, implied: `${match[1]}(…, user, password)`, user: match[4]! });
    }
    if (line.includes('forHTTPHeaderField')) for (const match of line.matchAll(HEADER_FIELD_CALL)) {
      const value = match[2]!;
      const start = match.index + match[0].indexOf(value);
      if (/^(?:bearer|basic|token)\s/i.test(value)) continue;
      add({ family: 'http', name: match[4]!, value, start, end: start + value.length, quoted: true, code });
    }
  }
  if (quote && line.includes('-') && line.includes(',')) {
    for (const match of line.matchAll(ARRAY_FLAG)) {
      const flag = match[2]!;
      if (flag.length === 2 ? !SHORT_ARRAY_FLAGS.some(([command, short]) => short === flag && command.test(line)) : !CREDENTIAL_WORD.test(flag)) continue;
      const value = match[4]!;
      const start = match.index + match[0].length - value.length - 1;
      add({ family: 'cli', name: flag.replace(/^-+/, ''), value, start, end: start + value.length, quoted: true, code: false, ...(flag.length === 2 ? { implied: 'password flag of a command' } : {}) });
    }
  }
  const docker = DOCKER_ENV.exec(line);
  if (docker !== null && !docker[1]!.includes('=')) {
    const value = docker[3]!;
    const start = line.length - line.trimEnd().length === 0 ? line.lastIndexOf(value) : line.lastIndexOf(value);
    add({ family: 'env', name: docker[1]!, value, start, end: start + value.length, quoted: docker[2] !== '', code: false });
  }
  if (!code) {
    const label = LABEL.exec(line) ?? (line.includes('**') ? BOLD_LABEL.exec(line) : null);
    if (label !== null && CREDENTIAL_WORD.test(label[1]!) && !NOT_A_LABEL.test(label[1]!)) {
      const value = label[3]!;
      const start = line.lastIndexOf(value);
      add({ family: 'assignment', name: label[1]!, value, start, end: start + value.length, quoted: label[2] !== '', code: false });
    }
  }
  extractKeyValues(line, context, add, isClaimed);
  if (!code) {
    const directive = DIRECTIVE.exec(line);
    if (directive !== null && CREDENTIAL_WORD.test(directive[1]!) && !NOT_A_DIRECTIVE.test(directive[1]!)) {
      const value = directive[3]!;
      const start = line.lastIndexOf(value);
      add({ family: 'assignment', name: directive[1]!, value, start, end: start + value.length, quoted: directive[2] !== '', code: false });
    } else if (directive === null && !line.includes('=') && !line.includes(':')) {
      // `sentinel auth-pass mymaster …`, `sentinel sentinel-pass …`: a directive of three or four words whose
      // first or second names a credential; the last is the value, and must hold a digit and a letter.
      const words = WORDS_DIRECTIVE.exec(line);
      if (words !== null) {
        const parts = [words[1], words[2], words[3]];
        const at = parts.findIndex((part, index) => part !== undefined && index < 2 && CREDENTIAL_WORD.test(part) && /^[A-Za-z_][\w.-]*$/.test(part));
        const value = words[5]!;
        if (at !== -1 && parts.filter((part) => part !== undefined).length >= 2 && !NOT_A_DIRECTIVE.test(parts[at]!) && !NOT_A_DIRECTIVE.test(words[1]!) && /\d/.test(value) && /[A-Za-z]/.test(value)) {
          const start = line.lastIndexOf(value);
          add({ family: 'assignment', name: parts[at]!, value, start, end: start + value.length, quoted: words[4] !== '', code: false });
        }
      }
    }
    if (line.includes('/')) {
      const pair = LOGIN_PAIR.exec(line);
      const value = pair === null ? '' : pair[3]!.replace(/[.,;:!?)]+$/, '');
      // `sign in with Google / GitHub`: two names; a password holds a digit or a symbol.
      if (pair !== null && /[\d!@#$%^&*_+=?~-]/.test(value)) {
        const start = pair.index + pair[0].length - pair[3]!.length - pair[2]!.length;
        add({ family: 'assignment', name: 'login password', value, start, end: start + value.length, quoted: pair[2] !== '', code: false, implied: 'user / password in prose', user: pair[1]! });
      }
    }
    if (/ (?:is|was) /.test(line)) for (const match of line.matchAll(PROSE_IS)) {
      const quoted = match[2] !== '';
      // A sentence's full stop is not part of a bare value; inside quotes every character is.
      const value = quoted ? match[3]! : match[3]!.replace(/[.,;:!?)]+$/, '');
      // A bare word in a sentence is a word: only a quoted value or one with a digit reads as the secret.
      if (!quoted && !/\d/.test(value)) continue;
      const start = match.index + match[0].length - match[3]!.length - (quoted ? 1 : 0);
      add({ family: 'assignment', name: match[1]!, value, start, end: start + value.length, quoted, code: false });
    }
  }
  return out;
}

/**
 * `INSERT INTO t (name, api_token) VALUES ('exporter', '…'), (…)`: each quoted value is paired with its
 * column, and the credential-named columns are candidates. Bare values (NULL, numbers, calls, parameters)
 * are skipped.
 */
function extractInsert(line: string, add: (candidate: RawCandidate) => void): void {
  SQL_INSERT.lastIndex = 0;
  for (let match = SQL_INSERT.exec(line); match !== null; match = SQL_INSERT.exec(line)) {
    const columns = match[1]!.split(',').map((column) => column.trim().replace(/^["`[]|["`\]]$/g, ''));
    if (!columns.some((column) => CREDENTIAL_WORD.test(column))) continue;
    let i = match.index + match[0].length;
    let rows = 0;
    for (;;) {
      let column = 0;
      for (;;) {
        while (line[i] === ' ' || line[i] === '\t') i++;
        if (line[i] === "'") {
          let j = i + 1;
          while (j < line.length && !(line[j] === "'" && line[j + 1] !== "'")) j += line[j] === "'" ? 2 : 1;
          if (j >= line.length) return;
          const name = columns[column];
          if (name !== undefined && CREDENTIAL_WORD.test(name)) {
            add({ family: 'assignment', name, value: line.slice(i + 1, j).replace(/''/g, "'"), start: i + 1, end: j, quoted: true, code: false });
          }
          i = j + 1;
        } else {
          // A bare value: up to the next comma or the row's end, over any parentheses of a call.
          let depth = 0;
          while (i < line.length && (depth > 0 || (line[i] !== ',' && line[i] !== ')'))) {
            if (line[i] === '(') depth++;
            else if (line[i] === ')') depth--;
            else if (line[i] === "'") {
              i++;
              while (i < line.length && line[i] !== "'") i++;
            }
            i++;
          }
        }
        while (line[i] === ' ' || line[i] === '\t') i++;
        if (line[i] === ',') {
          i++;
          column++;
          continue;
        }
        break;
      }
      if (line[i] !== ')' || ++rows >= 50) return;
      i++;
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (line[i] !== ',') return;
      i++;
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (line[i] !== '(') return;
      i++;
    }
  }
}

const SIGNATURE = /\b(?:function|def|fn|func|fun|sub)\b[^=()]*\([^)]*$/;
const CONNECTION_KEYS = /(?:^|;)[ \t]*(?:server|data source|host|uid|user id|user|database|initial catalog|provider|driver|dsn|port|account(?:name|key))[ \t]*=/i;

const TYPE_ANNOTATION = /&?(?:'[a-z_]+[ \t]+)?(?:mut[ \t]+)?[A-Za-z_][\w:.]*(?:<[\w:<>, &'?]{0,60}>)?(?:\[\])?\??[ \t]*=(?![=>])[ \t]*/y;
const CREDENTIAL_WORD_G = new RegExp(CREDENTIAL_WORD.source, 'gi');
const NAME_CHAR = /[\w.\-$@]/;

/**
 * Key-value pairs, tried only where a credential word stands: from each one, back to the start of the name
 * that holds it, the pair is matched in place (a sticky regex), so the work follows the words, not the line.
 */
function extractKeyValues(line: string, context: LineContext, add: (candidate: RawCandidate) => void, isClaimed: (start: number, end: number) => boolean): void {
  const code = context.syntax === 'code';
  CREDENTIAL_WORD_G.lastIndex = 0;
  let done = 0;
  for (let word = CREDENTIAL_WORD_G.exec(line); word !== null; word = CREDENTIAL_WORD_G.exec(line)) {
    if (word.index < done) continue;
    let from = word.index;
    while (from > 0 && (NAME_CHAR.test(line[from - 1]!) || line[from - 1] === '[' || line[from - 1] === ']')) from--;
    while (from < word.index && line[from] === '[' ) from++;
    if (from > 0 && /["'`]/.test(line[from - 1]!)) from--;
    if (from > 0 && line[from - 1] === '[') from--;
    // Inside a URL (`postgres://user:password@host:5432`), the URL extractors judge it.
    const url = line.lastIndexOf('://', from);
    if ((url !== -1 && !/[\s"'`,;]/.test(line.slice(url, from))) || line[word.index + word[0].length] === '@' || /@/.test(line.slice(from, word.index))) {
      done = word.index + word[0].length;
      continue;
    }
    KEY_VALUE.lastIndex = from;
    const match = KEY_VALUE.exec(line);
    if (match === null || match.index !== from) {
      done = word.index + word[0].length;
      continue;
    }
    const [whole, open, rawName, close, operator] = match as unknown as [string, string, string, string, string];
    const nameStart = match.index + open.length;
    const before = line[match.index - 1] ?? '';
    // `set /p NAME=Prompt text:` (Windows batch): what follows the = is the prompt, not a value.
    if ((before === ' ' || before === '\t') && /\/p[ \t]+$/i.test(line.slice(Math.max(0, match.index - 8), match.index)) && /\bset[ \t]+\/p[ \t]+$/i.test(line.slice(0, match.index))) continue;
    if (/[\w.\-$@]/.test(before) && open === '') continue;
    // `cond ? 'a' : 'b'`: a ternary, not a key and its value.
    if (operator === ':' && /\?[ \t]*$/.test(line.slice(0, match.index))) continue;
    done = match.index + whole.length;
    if (!CREDENTIAL_WORD.test(rawName)) continue;
    if (operator === ':' && open === '' && /^(?:https?|ftp|wss?|s3|file|mailto|jdbc|redis|postgres|mysql|mongodb)$/i.test(rawName)) continue;
    let valueAt = match.index + whole.length;
    // `API_KEY: &'static str = "…"`, `token: Option<String> = …`: a type annotation before the value (code).
    if (code && operator === ':' && (line[valueAt] === '&' || /[A-Za-z_]/.test(line[valueAt] ?? ''))) {
      TYPE_ANNOTATION.lastIndex = valueAt;
      const annotation = TYPE_ANNOTATION.exec(line);
      if (annotation !== null) valueAt += annotation[0].length;
    }
    // In a flow collection (`{user: app, password: …}`) the brackets and commas still end the value.
    const toSpace = context.literalBare === true && !/[{[]/.test(line.slice(0, valueAt));
    let value = parseValue(line, valueAt, code, toSpace);
    // `password: string = "…"` (TypeScript), `password: str = "…"` (Python): skip the type annotation.
    if (value !== undefined && !value.quoted && operator === ':' && /^[ \t]*=(?![=>])/.test(line.slice(value.end))) {
      valueAt = value.end + line.slice(value.end).indexOf('=') + 1;
      while (line[valueAt] === ' ' || line[valueAt] === '\t') valueAt++;
      value = parseValue(line, valueAt, code, toSpace);
    }
    if (value === undefined) continue;
    done = Math.max(done, value.end);
    CREDENTIAL_WORD_G.lastIndex = Math.max(CREDENTIAL_WORD_G.lastIndex, done);
    const enclosing = enclosingQuote(line, match.index);
    // `'[{"token": '`: the quote that would open the value closes the string the key sits in.
    if (enclosing !== '' && value.quoted && line[value.start - 1] === enclosing) continue;
    if (isClaimed(value.start, value.end)) continue;
    const name = rawName.replace(/^[$@]+/, '');
    const insideString = !value.quoted && enclosing !== '';
    // `"How close the part must be to the secret: …"`: a sentence in a string, not a key and its value.
    if (enclosing !== '' && !value.quoted && isProseBefore(line, match.index, enclosing)) continue;
    // `secret: parts harmless alone`: a word followed by more words is a sentence, not a value; but in
    // `"host=db user=app password=… dbname=x"` (libpq) the next word is the next key.
    const followed = !value.quoted && (line[value.end] === ' ' || line[value.end] === '\t');
    const rest = followed ? line.slice(value.end) : '';
    if (followed && (operator === ':' || enclosing !== '') && /^[ \t]+[A-Za-z(]/.test(rest) && !/^[ \t]+[A-Za-z_]\w*=/.test(rest)) continue;
    // INI and .properties: an unquoted value runs to the end of the line (`passphrase = harbour Lights 7`).
    if (followed && operator === '=' && context.syntax === 'config' && enclosing === '' && /^[ \t]+[^\s#;=]/.test(rest) && !/[=#;]/.test(rest)) {
      const end = value.end + rest.trimEnd().length;
      value = { text: line.slice(value.start, end), start: value.start, end, quoted: false };
    }
    let family: Family = 'assignment';
    const upperSnake = /^[A-Z][A-Z0-9_]*$/.test(name.replace(/^(?:export|set)\s+/, ''));
    if (/;/.test(line) && /^(?:password|pwd|pass|passwd)$/i.test(name) && operator === '=' && (CONNECTION_KEYS.test(line) || insideString)) family = 'connection-string';
    else if (line.slice(match.index - 2, match.index) === '--' || (before === '-' && /\s-$/.test(line.slice(0, match.index)))) family = 'cli';
    else if (upperSnake && !value.quoted && (operator === '=' || operator === ':') && !code) family = 'env';
    else if (upperSnake && operator === '=' && !code && /^[ \t]*(?:#+[ \t]*)?(?:export[ \t]+|set[ \t]+|-[ \t]+)?$/.test(line.slice(0, nameStart - open.length))) family = 'env';
    // `Password=O{MZ3s<r+OwJ;`: in a connection string only `;` (or the string's own quote) ends a value.
    if (family === 'connection-string' && !value.quoted) {
      let end = value.start;
      while (end < line.length && line[end] !== ';' && line[end] !== '\r' && (enclosing === '' || line[end] !== enclosing)) end++;
      const text = line.slice(value.start, end).trimEnd();
      value = { text, start: value.start, end: value.start + text.length, quoted: false };
    }
    let text = value.text;
    let decoded: string[] | undefined;
    if (!value.quoted && operator === ':' && /^[ \t]{2,}/.test(line) && context.kubernetesSecret()) {
      const plain = decodeBase64Text(text);
      if (plain !== undefined) {
        text = plain;
        decoded = ['base64'];
      }
    }
    add({
      family,
      name,
      value: text,
      start: value.start,
      end: value.end,
      quoted: value.quoted || insideString,
      code: code && !insideString,
      ...(toSpace && !value.quoted ? { literalBare: true } : {}),
      ...(code && SIGNATURE.test(line.slice(0, match.index)) ? { inSignature: true } : {}),
      ...(decoded === undefined ? {} : { decoded }),
    });
  }
}

interface ParsedValue {
  text: string;
  start: number;
  end: number;
  quoted: boolean;
}

/** The value starting at `at`: a quoted literal (with a prefix like r"…" or @"…", or inside String("…")), or a bare word. */
function parseValue(line: string, at: number, code: boolean, toSpace = false): ParsedValue | undefined {
  let i = at;
  const length = line.length;
  if (i >= length) return undefined;
  // A literal wrapped in a constructor: `new String("…")`, `SecretStr("…")`, `[]byte("…")`.
  const wrapped = /^(?:new[ \t]+)?(?:\[\])?[A-Za-z_][\w.:]*[ \t]*\([ \t]*(?=["'])/.exec(line.slice(i, i + 60));
  if (wrapped !== null && VALUE_WRAPPERS.test(` ${wrapped[0]}`)) i += wrapped[0].length;
  if (/[rRbBuUfF@$]/.test(line[i]!) && /["']/.test(line[i + 1] ?? '') && code) i++;
  else if (/[rRbBuUfF]/.test(line[i]!) && /[rRbB]/.test(line[i + 1] ?? '') && /["']/.test(line[i + 2] ?? '') && code) i += 2;
  const quote = line[i]!;
  if (quote === '"' || quote === "'" || quote === '`') {
    // A triple-quoted or empty literal holds nothing to score on this line.
    let j = i + 1;
    let text = '';
    while (j < length && line[j] !== quote) {
      if (line[j] === '\\' && j + 1 < length) {
        text += line[j + 1] === quote || line[j + 1] === '\\' ? line[j + 1] : line.slice(j, j + 2);
        j += 2;
        continue;
      }
      text += line[j];
      j++;
    }
    if (j >= length) {
      // Unclosed: a multi-line string, or a quote that belongs to something else.
      return undefined;
    }
    // `"abc" + variable`: only part of the value is written here.
    const after = line.slice(j + 1, j + 6);
    if (/^[ \t]*\+[ \t]*[A-Za-z_]/.test(after) || /^[ \t]*\.[ \t]*\$/.test(after)) return { text: `${text}\${concatenated}`, start: i + 1, end: j, quoted: true };
    return { text, start: i + 1, end: j, quoted: true };
  }
  let j = i;
  while (j < length) {
    const c = line[j]!;
    if (c === ' ' || c === '\t' || c === '\r') break;
    if (!toSpace && (c === '"' || c === "'" || c === '`' || c === ';' || c === ')' || c === '}' || c === ']' || c === '<')) break;
    if (c === ',' && (code || line[j + 1] === ' ' || line[j + 1] === '"' || line[j + 1] === undefined)) break;
    if (c === '#' && j > i && line[j - 1] === ' ') break;
    j++;
  }
  if (j === i) return undefined;
  // A bare word followed by `(`, `.`, `[`: an expression, whatever syntax.
  let text = line.slice(i, j);
  if (!toSpace && (line[j] === '(' || text.endsWith('[') || /^[ \t]*(?:\+|\|\||\?\?|&&|\?[^?])/.test(line.slice(j, j + 4)))) text = `${text}()`;
  text = text.replace(/,$/, '');
  return { text, start: i, end: i + text.replace(/\(\)$/, '').length, quoted: false };
}

/** True when the string literal holding `at` reads as a sentence up to it (three or more words). */
function isProseBefore(line: string, at: number, quote: string): boolean {
  const open = line.lastIndexOf(quote, at - 1);
  const before = line.slice(open + 1, at);
  return /^[^=;&]*$/.test(before) && before.trim().split(/\s+/).length >= 3;
}

/** The quote of the string literal that `at` sits inside, or '' when it is outside any. */
function enclosingQuote(line: string, at: number): string {
  let open = '';
  for (let i = 0; i < at; i++) {
    const c = line[i]!;
    if (c === '\\') i++;
    else if (open === '' && (c === '"' || c === "'" || c === '`')) open = c;
    else if (c === open) open = '';
  }
  return open;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

function decodePercent(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The password of a Basic credential `base64(user:password)`, or undefined when it is not one. */
function decodeBasic(token: string): string | undefined {
  const plain = decodeBase64Text(token.replace(/[.~_-]+$/, ''));
  if (plain === undefined) return undefined;
  const colon = plain.indexOf(':');
  if (colon <= 0 && colon !== 0) return undefined;
  const password = plain.slice(colon + 1);
  return password.length > 0 ? password : undefined;
}

/** Printable text behind a base64 string, or undefined. */
export function decodeBase64Text(text: string): string | undefined {
  if (text.length < 4 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text) || (text.length % 4 !== 0 && !/^[A-Za-z0-9+/]+$/.test(text))) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0) return undefined;
  for (const byte of bytes) if (byte < 0x20 || byte > 0x7e) return undefined;
  return bytes.toString('latin1');
}
