import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { CommandModule } from 'yargs';
import { KeywardError } from '../errors.js';
import type { Issuer, KeyView } from '../issuer/index.js';
import { emit, processIo, type CliIo } from './io.js';

export const DEFAULT_KEYS_DB = 'keyward-keys.db';

interface KeysArgs {
  db: string;
  actor?: string;
  format?: string;
  [key: string]: unknown;
}

/** `keyward keys …`: the issuer's key lifecycle on a SQLite file or PostgreSQL. The issuer code loads only here. */
export const keysCommand: CommandModule<object, object> = {
  command: 'keys <command>',
  describe: 'Issue and manage API keys (hash-only SQLite or PostgreSQL store, audit trail)',
  builder: (yargs) =>
    yargs
      .option('db', { type: 'string', default: process.env['KEYWARD_KEYS_DB'] ?? DEFAULT_KEYS_DB, describe: 'Key database: a SQLite file or a postgres:// URL (env KEYWARD_KEYS_DB)' })
      .option('actor', { type: 'string', describe: 'Who is acting, for the audit trail (default cli:$USER)' })
      .command({
        command: 'init',
        describe: 'Create a key database and fix the key format',
        builder: (y) =>
          y
            .option('prefix', { type: 'string', demandOption: true, describe: 'Names issuer, environment and type, ending in _ (e.g. acme_live_)' })
            .option('id-length', { type: 'number', default: 8, describe: 'Characters of the non-secret key id' })
            .option('body-bits', { type: 'number', default: 256, describe: 'Entropy of the secret body in bits (at least 128)' })
            .example('$0 keys init --db keys.db --prefix acme_live_', 'Keys like acme_live_Q7x2Lm9K_…'),
        handler: (parsed) =>
          run(async (io) => {
            const argv = typed(parsed);
            const { Issuer, openKeyStore } = await import('../issuer/index.js');
            const store = await openKeyStore(argv.db, { create: true });
            const issuer = await Issuer.init(store, { prefix: String(argv['prefix']), idLength: Number(argv['idLength']), bodyBits: Number(argv['bodyBits']) }, pepperOption()).catch(async (error: unknown) => {
              await store.close();
              throw error;
            });
            io.stdout(`initialised ${issuer.location}: keys like ${issuer.format.prefix}${'x'.repeat(issuer.format.idLength)}_… (${issuer.settings.bodyBits}-bit body, ${issuer.settings.hashAlgorithm})\n`);
            await issuer.close();
          }),
      })
      .command({
        command: 'create',
        describe: 'Create a key and print it once',
        builder: (y) =>
          y
            .option('name', { type: 'string', describe: 'What the key is for' })
            .option('owner', { type: 'string', describe: 'Who owns it (user, team, customer id)' })
            .option('scope', { type: 'string', array: true, describe: 'A scope it grants (repeatable), e.g. charges:read' })
            .option('label', { type: 'string', array: true, describe: 'A label NAME=VALUE (repeatable)' })
            .option('ip', { type: 'string', array: true, describe: 'An IP or CIDR it may be used from (repeatable)' })
            .option('rate-limit', { type: 'number', describe: 'Requests per minute' })
            .option('expires-in', { type: 'string', describe: 'Lifetime, e.g. 90d, 12h' })
            .option('format', { choices: ['text', 'json'], default: 'text', describe: 'Output format' })
            .example('$0 keys create --name ci --scope deploy --expires-in 90d', 'A deploy key for CI, valid 90 days'),
        handler: (parsed) =>
          withIssuer(typed(parsed), async (issuer, io, argv) => {
            const expiresIn = argv['expiresIn'] === undefined ? undefined : parseDuration(String(argv['expiresIn']), '--expires-in');
            const { key, record } = await issuer.create({
              actor: actorOf(argv),
              ...optional('name', argv['name']),
              ...optional('owner', argv['owner']),
              ...(argv['scope'] === undefined ? {} : { scopes: (argv['scope'] as string[]).map(String) }),
              ...(argv['label'] === undefined ? {} : { labels: parseLabels(argv['label'] as string[]) }),
              ...(argv['ip'] === undefined ? {} : { ipAllowlist: (argv['ip'] as string[]).map(String) }),
              ...(argv['rateLimit'] === undefined ? {} : { rateLimit: Number(argv['rateLimit']) }),
              ...(expiresIn === undefined ? {} : { expiresAt: issuer.now() + expiresIn }),
            });
            printOnce(io, argv.format, key, record);
          }),
      })
      .command({
        command: 'verify [key]',
        describe: 'Check a key (exit 0 valid, 1 not); reads stdin when KEY is - or absent',
        builder: (y) =>
          y
            .positional('key', { type: 'string', describe: 'The key (prefer stdin: arguments land in shell history)' })
            .option('scope', { type: 'string', describe: 'A scope the request needs' })
            .option('ip', { type: 'string', describe: 'The client address' })
            .option('format', { choices: ['text', 'json'], default: 'text', describe: 'Output format' }),
        handler: (parsed) =>
          withIssuer(typed(parsed), async (issuer, io, argv) => {
            const given = argv['key'] === undefined || argv['key'] === '-' || argv['key'] === true ? readFileSync(0, 'utf8').trim() : String(argv['key']);
            const result = await issuer.verify(given, { ...optional('scope', argv['scope']), ...optional('ip', argv['ip']) });
            if (argv.format === 'json') io.stdout(`${JSON.stringify(result.ok ? { valid: true, key: result.key } : { valid: false, reason: result.reason, keyId: result.keyId })}\n`);
            else io.stdout(result.ok ? `valid: key ${result.key.id} (${result.key.status})\n` : `invalid: ${result.reason}${result.keyId ? ` (key ${result.keyId})` : ''}\n`);
            process.exitCode = result.ok ? 0 : 1;
          }),
      })
      .command({
        command: 'rotate <id>',
        describe: 'Issue a successor; the old key stays valid for the overlap window',
        builder: (y) =>
          y
            .positional('id', { type: 'string', demandOption: true })
            .option('overlap', { type: 'string', default: '48h', describe: 'How long the old key keeps working' })
            .option('format', { choices: ['text', 'json'], default: 'text', describe: 'Output format' }),
        handler: (parsed) =>
          withIssuer(typed(parsed), async (issuer, io, argv) => {
            const rotated = await issuer.rotate(String(argv['id']), { overlapMs: parseDuration(String(argv['overlap']), '--overlap'), actor: actorOf(argv) });
            printOnce(io, argv.format, rotated.key, rotated.record);
            io.stderr(`keyward: ${rotated.previous.id} keeps working until ${iso(rotated.previous.rotationEndsAt)}\n`);
          }),
      })
      .command({
        command: 'revoke <id>',
        describe: 'Revoke a key at once (soft: kept with its audit trail)',
        builder: (y) => y.positional('id', { type: 'string', demandOption: true }).option('reason', { type: 'string', default: 'revoked', describe: 'Why' }),
        handler: (parsed) =>
          withIssuer(typed(parsed), async (issuer, io, argv) => {
            const { revoked, key } = await issuer.revoke(String(argv['id']), { reason: String(argv['reason']), actor: actorOf(argv) });
            io.stdout(revoked ? `revoked ${key.id}\n` : `${key.id} was already revoked at ${iso(key.revokedAt)} (${key.revokedReason})\n`);
          }),
      })
      .command({
        command: 'list',
        describe: 'List keys (previews and metadata, never keys)',
        builder: (y) => y.option('format', { choices: ['text', 'json'], default: 'text', describe: 'Output format' }),
        handler: (parsed) => withIssuer(typed(parsed), async (issuer, io, argv) => printKeys(io, argv.format, await issuer.list())),
      })
      .command({
        command: 'stale',
        describe: 'Usable keys not used for a while (default 90 days)',
        builder: (y) =>
          y.option('unused-for', { type: 'string', default: '90d', describe: 'Idle time' }).option('format', { choices: ['text', 'json'], default: 'text', describe: 'Output format' }),
        handler: (parsed) => withIssuer(typed(parsed), async (issuer, io, argv) => printKeys(io, argv.format, await issuer.stale(parseDuration(String(argv['unusedFor']), '--unused-for')))),
      })
      .command({
        command: 'expire',
        describe: 'Record key.expired for keys past their expiry',
        builder: (y) => y.option('format', { choices: ['text', 'json'], default: 'text', describe: 'Output format' }),
        handler: (parsed) => withIssuer(typed(parsed), async (issuer, io, argv) => printKeys(io, argv.format, await issuer.expire(actorOf(argv)))),
      })
      .command({
        command: 'audit',
        describe: 'Print the audit trail; --verify checks its hash chain',
        builder: (y) =>
          y.option('verify', { type: 'boolean', default: false, describe: 'Check that no event was edited or deleted (exit 1 if one was)' }).option('format', { choices: ['text', 'json'], default: 'text', describe: 'Output format' }),
        handler: (parsed) =>
          withIssuer(typed(parsed), async (issuer, io, argv) => {
            if (argv['verify']) {
              const check = await issuer.verifyAudit();
              for (const problem of check.problems) io.stderr(`keyward: audit: ${problem}\n`);
              io.stdout(check.ok ? `audit chain intact: ${check.events} events\n` : `audit chain BROKEN: ${check.problems.length} problem(s) in ${check.events} events\n`);
              process.exitCode = check.ok ? 0 : 1;
              return;
            }
            const events = await issuer.auditLog();
            if (argv.format === 'json') io.stdout(`${JSON.stringify(events, null, 2)}\n`);
            else for (const event of events) io.stdout(`${event.seq}\t${iso(event.at)}\t${event.type}\t${event.keyId}\t${event.actor}\t${JSON.stringify(event.details)}\n`);
          }),
      })
      .command({
        command: 'pattern',
        describe: "Export the key format as a detection rule (keyward, gitleaks, or GitHub's partner program)",
        builder: (y) =>
          y
            .option('format', { choices: ['keyward', 'gitleaks', 'github'], default: 'keyward', describe: 'Rule format' })
            .option('name', { type: 'string', describe: 'Human-readable key type name (default from the prefix)' })
            .option('endpoint', { type: 'string', describe: 'Your leak-report URL (keyward serve /v1/leaks)' })
            .option('output', { alias: 'o', type: 'string', describe: 'Write to FILE' }),
        handler: (parsed) =>
          withIssuer(typed(parsed), async (issuer, io, argv) => {
            const patterns = await import('../issuer/pattern.js');
            const names = { name: argv['name'] === undefined ? patterns.defaultPatternName(issuer.format) : String(argv['name']), ...optional('endpoint', argv['endpoint']) };
            const text =
              argv.format === 'gitleaks' ? patterns.gitleaksRule(issuer.format, names) : argv.format === 'github' ? patterns.githubPartnerPattern(issuer.format, names) : patterns.keywardRule(issuer.format, names);
            emit(io, text, argv['output'] === undefined ? undefined : String(argv['output']));
          }),
      })
      .command({
        command: 'export-hashes',
        describe: 'Write "<sha256> live|revoked" per key, for keyward scan --verify-hashes FILE',
        builder: (y) => y.option('output', { alias: 'o', type: 'string', describe: 'Write to FILE' }),
        handler: (parsed) =>
          withIssuer(typed(parsed), async (issuer, io, argv) => {
            const lines = (await issuer.exportHashes()).map((entry) => `${entry.hash} ${entry.status}\n`);
            emit(io, `# keyward hash export: sha256 of each key and whether it is live\n${lines.join('')}`, argv['output'] === undefined ? undefined : String(argv['output']));
          }),
      })
      .demandCommand(1, 'name a keys command, e.g. keyward keys create'),
  handler: () => undefined,
};

function typed(parsed: unknown): KeysArgs {
  return parsed as KeysArgs;
}

async function run(body: (io: CliIo) => Promise<void>): Promise<void> {
  await body(processIo());
}

async function withIssuer(argv: KeysArgs, body: (issuer: Issuer, io: CliIo, argv: KeysArgs) => Promise<void>): Promise<void> {
  const { Issuer, openKeyStore } = await import('../issuer/index.js');
  const store = await openKeyStore(argv.db);
  let issuer: Issuer;
  try {
    issuer = await Issuer.open(store, pepperOption());
  } catch (error) {
    await store.close();
    throw error;
  }
  try {
    await body(issuer, processIo(), argv);
  } finally {
    await issuer.close();
  }
}

/** The pepper comes from the environment only: a flag would land in shell history and `ps`. */
export function pepperOption(): { pepper?: Buffer } {
  const pepper = process.env['KEYWARD_PEPPER'];
  if (pepper === undefined || pepper === '') return {};
  if (pepper.length < 32) throw new KeywardError('KEYWARD_PEPPER must be at least 32 characters');
  return { pepper: Buffer.from(pepper, 'utf8') };
}

function actorOf(argv: KeysArgs): string {
  if (typeof argv.actor === 'string' && argv.actor !== '') return argv.actor;
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

function optional<K extends string>(name: K, value: unknown): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [name]: String(value) } as Record<K, string>);
}

function parseLabels(labels: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const label of labels.map(String)) {
    const at = label.indexOf('=');
    if (at <= 0) throw new KeywardError(`--label '${label}': write NAME=VALUE`);
    out[label.slice(0, at)] = label.slice(at + 1);
  }
  return out;
}

/** Longer than any key should live, and far inside what a date can hold. */
const MAX_DURATION_MS = 100 * 365.25 * 86_400_000;

/** `48h`, `90d`, `30m`, `15s`, `500ms` → milliseconds, at most 100 years. */
export function parseDuration(text: string, flag: string): number {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/i.exec(text);
  if (match === null) throw new KeywardError(`${flag}: '${shown}' is not a duration (try 48h, 90d or 30m)`);
  const unit = (match[2] ?? 'ms').toLowerCase();
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[unit as 'ms']!;
  const ms = Math.round(Number(match[1]) * scale);
  if (!Number.isFinite(ms) || ms > MAX_DURATION_MS) throw new KeywardError(`${flag}: '${shown}' is longer than 100 years`);
  return ms;
}

/** The one place a key is printed: stdout, once, with the warning on stderr so pipes capture only the key. */
function printOnce(io: CliIo, format: string | undefined, key: string, record: KeyView): void {
  if (format === 'json') io.stdout(`${JSON.stringify({ key, record })}\n`);
  else io.stdout(`${key}\n`);
  io.stderr(`keyward: created key ${record.id} (${record.preview}). Store it now: it will not be shown again.\n`);
}

function printKeys(io: CliIo, format: string | undefined, keys: KeyView[]): void {
  if (format === 'json') {
    io.stdout(`${JSON.stringify(keys, null, 2)}\n`);
    return;
  }
  if (keys.length === 0) {
    io.stdout('no keys\n');
    return;
  }
  for (const key of keys) {
    const extra = [
      key.name,
      key.owner && `owner=${key.owner}`,
      key.scopes.length > 0 && `scopes=${key.scopes.join(',')}`,
      key.expiresAt !== undefined && `expires=${iso(key.expiresAt)}`,
      `last-used=${key.lastUsedAt === undefined ? 'never' : iso(key.lastUsedAt)}`,
      key.rotatedTo && `successor=${key.rotatedTo}`,
      key.revokedAt !== undefined && `revoked=${iso(key.revokedAt)} (${key.revokedReason})`,
    ].filter(Boolean);
    io.stdout(`${key.id}\t${key.status}\t${key.preview}\t${extra.join(' ')}\n`);
  }
}

function iso(at: number | undefined): string {
  return at === undefined ? '-' : new Date(at).toISOString();
}
