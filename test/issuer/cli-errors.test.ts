import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeChecksummedToken, runCli, tempDir } from '../helpers.js';

const dir = tempDir('keyward-cli-errors-');
const db = join(dir, 'keys.db');
const init = runCli(['keys', 'init', '--db', db, '--prefix', 'acme_live_']);
// An issued key (fresh per run) and a GitHub-style token a built-in rule finds (made at test time, fake).
const issued = runCli(['keys', 'create', '--db', db]).stdout.trim();
const github = fakeChecksummedToken('ghp_');

function expectWithheld(args: string[], secret: string, position: number): void {
  const result = runCli(args);
  const output = result.stdout + result.stderr;
  expect(result.status, output).toBe(2);
  expect(output).not.toContain(secret);
  // No fragment long enough to matter either (the id part is not secret, the body is).
  expect(output).not.toContain(secret.slice(-20));
  expect(result.stderr).toContain(`[argument ${position} withheld: it looks like a key]`);
  expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
}

describe('a key pasted as an argument is never echoed', () => {
  it('setup made a database and a key', () => {
    expect(init.status).toBe(0);
    expect(issued).toMatch(/^acme_live_/);
  });

  for (const command of ['list', 'export-hashes', 'audit', 'stale', 'expire', 'pattern']) {
    it(`keys ${command} "$KEY" names the argument's position instead`, () => {
      expectWithheld(['keys', command, '--db', db, issued], issued, 5);
      expectWithheld(['keys', command, issued, '--db', db], issued, 3);
    });
  }

  it('as an unknown --flag, as a flag value, camel-cased, and for a built-in rule token', () => {
    expectWithheld(['keys', 'list', '--db', db, `--${issued}`], issued, 5);
    expectWithheld(['keys', 'list', '--db', db, '--format', issued], issued, 6);
    expectWithheld(['keys', 'list', '--db', db, `--format=${issued}`], issued, 5);
    expectWithheld(['keys', 'list', '--db', db, github], github, 5);
    expectWithheld(['scan', '--format', github], github, 3);
    // A hyphenated key: yargs echoes it camel-cased too.
    const hyphenated = `acme-${github}`;
    expectWithheld(['keys', 'list', '--db', db, `--${hyphenated}`], github, 5);
  });

  it('revoke "$KEY" says it is not an id without echoing it', () => {
    const result = runCli(['keys', 'revoke', '--db', db, issued]);
    expect(result.status).toBe(2);
    expect(result.stderr).not.toContain(issued.slice(-20));
    expect(result.stderr).toContain('not a key id');
  });

  it('still names ordinary mistakes in full', () => {
    const result = runCli(['keys', 'list', '--db', db, '--fromat', 'json']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown option --fromat (did you mean --format?)');
  });
});

describe('plain user errors are one line naming the value, exit 2', () => {
  it('keys init --db in a folder that does not exist', () => {
    const result = runCli(['keys', 'init', '--db', join(dir, 'nonexistent', 'k.db'), '--prefix', 'acme_live_']);
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(`keyward: error: ${join(dir, 'nonexistent', 'k.db')}: the folder ${join(dir, 'nonexistent')} does not exist`);
    expect(result.stderr).not.toContain('internal error');
  });

  it('keys create --expires-in 99999999d', () => {
    const result = runCli(['keys', 'create', '--db', db, '--expires-in', '99999999d']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("keyward: error: --expires-in: '99999999d' is longer than 100 years\n");
    expect(result.stdout).toBe('');
  });

  it('serve --port 99999 (and other bad numbers) before opening anything', () => {
    for (const [args, message] of [
      [['--port', '99999'], '--port 99999: must be a whole number from 0 to 65535'],
      [['--port', '-1'], '--port -1: must be a whole number from 0 to 65535'],
      [['--range-lookups-per-minute', '0'], '--range-lookups-per-minute 0: must be a whole number, at least 1'],
      [['--headers-timeout', 'soon'], "--headers-timeout: 'soon' is not a duration (try 48h, 90d or 30m)"],
    ] as const) {
      const result = runCli(['serve', '--db', db, '--public-keys', join(dir, 'none.json'), ...args]);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toBe(`keyward: error: ${message}\n`);
    }
  });
});
