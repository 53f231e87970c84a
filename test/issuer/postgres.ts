import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** Where Debian (or PATH) keeps initdb and pg_ctl; undefined when PostgreSQL is not installed. */
export function postgresBinDir(): string | undefined {
  const candidates: string[] = [];
  if (existsSync('/usr/lib/postgresql')) {
    for (const version of readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))) candidates.push(join('/usr/lib/postgresql', version, 'bin'));
  }
  for (const dir of (process.env['PATH'] ?? '').split(':')) candidates.push(dir);
  return candidates.find((dir) => dir !== '' && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The binaries, or a failure that says how to get them: the Postgres tests run everywhere the suite runs
 * (`.ci/run` installs Debian's postgresql package when initdb is missing); they never skip.
 */
export function requirePostgres(): string {
  const dir = postgresBinDir();
  if (dir !== undefined) return dir;
  throw new Error("PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's postgresql package (.ci/run does)");
}

export interface ThrowawayPostgres {
  url: string;
  stop(): void;
}

/**
 * A real PostgreSQL server for one test file: initdb into a temp folder, listening on 127.0.0.1 only, trust
 * auth for the local user. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
 */
export async function startPostgres(binDir: string): Promise<ThrowawayPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? 'postgres' : userInfo().username;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const run = (tool: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : join(binDir, tool), asRoot ? ['-u', 'postgres', '--', join(binDir, tool), ...args] : args, { stdio: 'pipe', cwd: dir });
  run('initdb', ['-D', data, '-A', 'trust', '-U', owner, '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '30', '-o', `-h 127.0.0.1 -p ${port} -k ${dir} -F -c fsync=off`, 'start']);
  return {
    url: `postgres://${owner}:not-the-password@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
