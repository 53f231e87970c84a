import type { CommandModule } from 'yargs';
import { KeywardError } from '../errors.js';
import { parseSize } from './io.js';
import { parseDuration } from './keys-command.js';

interface ServeArgs {
  db: string;
  publicKeys: string;
  publicKeysLazy: boolean;
  host: string;
  port: number;
  bodyLimit: string;
  reportsPerMinute: number;
  notifyUrl?: string;
  rangeLookupsPerMinute: number;
  headersTimeout: string;
  shutdownGrace: string;
}

/** How long `serve` waits on SIGTERM/SIGINT for requests and owner notifications in flight. */
export const DEFAULT_SHUTDOWN_GRACE = '10s';

/** `keyward serve`: the issuer's leak intake and range lookups, on 127.0.0.1 unless told otherwise. */
export const serveCommand: CommandModule<object, object> = {
  command: 'serve',
  describe: 'Run the revocation webhook (POST /v1/leaks) and hash range lookups for a key database',
  builder: (yargs) =>
    yargs
      .option('db', { type: 'string', default: process.env['KEYWARD_KEYS_DB'] ?? 'keyward-keys.db', describe: 'Key database: a SQLite file or a postgres:// URL (env KEYWARD_KEYS_DB)' })
      .option('public-keys', { type: 'string', demandOption: true, describe: "Reporters' ECDSA public keys in GitHub's {\"public_keys\":[…]} shape: a FILE or an https URL" })
      .option('public-keys-lazy', { type: 'boolean', default: false, describe: 'Start even when the --public-keys URL cannot be fetched now (reports get 503 until it can)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
      .option('port', { type: 'number', default: 8787, describe: 'Port (0 picks a free one)' })
      .option('reports-per-minute', { type: 'number', default: 60_000, describe: 'Leak reports accepted per minute per reporting key' })
      .option('range-lookups-per-minute', { type: 'number', default: 120, describe: 'Range lookups (prefixes) per minute per client address' })
      .option('notify-url', { type: 'string', describe: 'POST a signed notice here when a reported key is revoked (secret: env KEYWARD_NOTIFY_SECRET)' })
      .option('body-limit', { type: 'string', default: '1MB', describe: 'Largest accepted request body' })
      .option('headers-timeout', { type: 'string', default: '10s', describe: 'Time a client has to send its request headers' })
      .option('shutdown-grace', { type: 'string', default: DEFAULT_SHUTDOWN_GRACE, describe: 'On SIGTERM/SIGINT, how long to finish requests and owner notifications in flight' })
      .example('$0 serve --db keys.db --public-keys reporters.json', 'Accept signed leak reports on 127.0.0.1:8787')
      .example('$0 serve --db postgres://keyward@db.internal/keys --public-keys https://api.github.com/meta/public_keys/secret_scanning', "GitHub's alerts, keys in PostgreSQL"),
  handler: async (parsed) => {
    const args = parsed as unknown as ServeArgs;
    // Every plain mistake is named before anything is opened or fetched.
    if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new KeywardError(`--port ${String(args.port)}: must be a whole number from 0 to 65535`);
    for (const [flag, value] of [['--reports-per-minute', args.reportsPerMinute], ['--range-lookups-per-minute', args.rangeLookupsPerMinute]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new KeywardError(`${flag} ${String(value)}: must be a whole number, at least 1`);
    }
    const headersTimeoutMs = parseDuration(String(args.headersTimeout), '--headers-timeout');
    if (headersTimeoutMs < 100) throw new KeywardError(`--headers-timeout ${args.headersTimeout}: must be at least 100ms`);
    const graceMs = parseDuration(String(args.shutdownGrace), '--shutdown-grace');
    const bodyLimit = parseSize(args.bodyLimit, '--body-limit');
    const [{ Issuer, openKeyStore }, { createLeakServer }, { publicKeysFromFile, publicKeysFromUrl }] = await Promise.all([
      import('../issuer/index.js'),
      import('../server/app.js'),
      import('../server/public-keys.js'),
    ]);
    const publicKeys = /^https?:\/\//i.test(args.publicKeys) ? publicKeysFromUrl(args.publicKeys) : publicKeysFromFile(args.publicKeys);
    if (!args.publicKeysLazy) {
      await publicKeys.prefetch().catch((error: unknown) => {
        throw error instanceof KeywardError ? new KeywardError(error.message, { hint: 'check the URL, or pass --public-keys-lazy to start anyway and fetch it later' }) : error;
      });
    }
    const { pepperOption } = await import('./keys-command.js');
    const pepper = pepperOption();
    const store = await openKeyStore(args.db);
    const issuer = await Issuer.open(store, { ...pepper, lastUsedFlushMs: 5000 }).catch(async (error: unknown) => {
      await store.close();
      throw error;
    });
    let onRevoked: ((keyId: string, details: Record<string, unknown>) => void) | undefined;
    let notifier: import('../server/notify.js').OwnerNotifier | undefined;
    if (args.notifyUrl !== undefined) {
      const secret = process.env['KEYWARD_NOTIFY_SECRET'];
      if (secret === undefined || secret.length < 16) {
        await issuer.close();
        throw new KeywardError('--notify-url needs KEYWARD_NOTIFY_SECRET (at least 16 characters) in the environment');
      }
      const { createOwnerNotifier } = await import('../server/notify.js');
      const created = createOwnerNotifier({ issuer, url: args.notifyUrl, secret, log: (entry) => process.stderr.write(`${JSON.stringify(entry)}\n`) });
      notifier = created;
      onRevoked = (keyId, details) => void created.notify(keyId, details);
    }
    const server = createLeakServer({
      ...(onRevoked === undefined ? {} : { onRevoked }),
      issuer,
      publicKeys,
      bodyLimit,
      reportsPerMinute: args.reportsPerMinute,
      rangeLookupsPerMinute: args.rangeLookupsPerMinute,
      headersTimeoutMs,
      requestTimeoutMs: Math.max(15_000, headersTimeoutMs),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(new KeywardError(`cannot listen on ${args.host}:${args.port}: ${error.code === 'EADDRINUSE' ? 'address in use' : error.code === 'EACCES' ? 'permission denied' : error.message}`)),
      );
      server.listen(args.port, args.host, () => resolve());
    }).catch(async (error: unknown) => {
      await issuer.close();
      throw error;
    });
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : args.port;
    process.stderr.write(`keyward: serving ${issuer.location} on http://${args.host}:${port} (POST /v1/leaks, GET /v1/hashes/range/{prefix}, POST /v1/hashes/ranges, /healthz, /metrics)\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await shutDown(server, notifier, graceMs);
    await issuer.close();
    process.stderr.write('keyward: stopped\n');
  },
};

/**
 * Stops taking connections, lets requests and owner notifications in flight finish within the grace period,
 * then cuts off what is left; every pending notification is in the audit trail before this returns.
 */
async function shutDown(server: import('node:http').Server, notifier: import('../server/notify.js').OwnerNotifier | undefined, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const cut = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await Promise.all([closed, notifier?.shutdown(Math.max(0, deadline - Date.now()))]);
  } finally {
    clearTimeout(cut);
  }
}
