import type { CommandModule } from 'yargs';
import { KeywardError } from '../errors.js';
import { parseSize } from './io.js';

interface ServeArgs {
  db: string;
  publicKeys: string;
  host: string;
  port: number;
  bodyLimit: string;
  reportsPerMinute: number;
  notifyUrl?: string;
  rangeLookupsPerMinute: number;
}

/** `keyward serve`: the issuer's leak intake and range lookups, on 127.0.0.1 unless told otherwise. */
export const serveCommand: CommandModule<object, object> = {
  command: 'serve',
  describe: 'Run the revocation webhook (POST /v1/leaks) and hash range lookups for a key database',
  builder: (yargs) =>
    yargs
      .option('db', { type: 'string', default: process.env['KEYWARD_KEYS_DB'] ?? 'keyward-keys.db', describe: 'Key database (SQLite file)' })
      .option('public-keys', { type: 'string', demandOption: true, describe: "Reporters' ECDSA public keys in GitHub's {\"public_keys\":[…]} shape: a FILE or an https URL" })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
      .option('port', { type: 'number', default: 8787, describe: 'Port (0 picks a free one)' })
      .option('reports-per-minute', { type: 'number', default: 60_000, describe: 'Leak reports accepted per minute per reporting key' })
      .option('range-lookups-per-minute', { type: 'number', default: 120, describe: 'Range lookups per minute per client address' })
      .option('notify-url', { type: 'string', describe: 'POST a signed notice here when a reported key is revoked (secret: env KEYWARD_NOTIFY_SECRET)' })
      .option('body-limit', { type: 'string', default: '1MB', describe: 'Largest accepted request body' })
      .example('$0 serve --db keys.db --public-keys reporters.json', 'Accept signed leak reports on 127.0.0.1:8787'),
  handler: async (parsed) => {
    const args = parsed as unknown as ServeArgs;
    const [{ Issuer, SqliteKeyStore }, { createLeakServer }, { publicKeysFromFile, publicKeysFromUrl }] = await Promise.all([
      import('../issuer/index.js'),
      import('../server/app.js'),
      import('../server/public-keys.js'),
    ]);
    const publicKeys = /^https?:\/\//i.test(args.publicKeys) ? publicKeysFromUrl(args.publicKeys) : publicKeysFromFile(args.publicKeys);
    const { pepperOption } = await import('./keys-command.js');
    const issuer = await Issuer.open(new SqliteKeyStore(args.db), { ...pepperOption(), lastUsedFlushMs: 5000 });
    let onRevoked: ((keyId: string, details: Record<string, unknown>) => void) | undefined;
    if (args.notifyUrl !== undefined) {
      const secret = process.env['KEYWARD_NOTIFY_SECRET'];
      if (secret === undefined || secret.length < 16) throw new KeywardError('--notify-url needs KEYWARD_NOTIFY_SECRET (at least 16 characters) in the environment');
      const { createOwnerNotifier } = await import('../server/notify.js');
      const notifier = createOwnerNotifier({ issuer, url: args.notifyUrl, secret, log: (entry) => process.stderr.write(`${JSON.stringify(entry)}\n`) });
      onRevoked = (keyId, details) => void notifier.notify(keyId, details);
    }
    const server = createLeakServer({
      ...(onRevoked === undefined ? {} : { onRevoked }),
      issuer,
      publicKeys,
      bodyLimit: parseSize(args.bodyLimit, '--body-limit'),
      reportsPerMinute: args.reportsPerMinute,
      rangeLookupsPerMinute: args.rangeLookupsPerMinute,
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(new KeywardError(`cannot listen on ${args.host}:${args.port}: ${error.code === 'EADDRINUSE' ? 'address in use' : error.message}`)),
      );
      server.listen(args.port, args.host, () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : args.port;
    process.stderr.write(`keyward: serving ${args.db} on http://${args.host}:${port} (POST /v1/leaks, GET /v1/hashes/range/{prefix}, /healthz, /metrics)\n`);
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await issuer.close();
  },
};
