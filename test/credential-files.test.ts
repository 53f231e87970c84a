import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeRandom, runCli, tempDir } from './helpers.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const CRYPT = `${ALNUM}./`;

interface JsonFinding {
  ruleId: string;
  path: string;
  line: number;
  secret: string;
  severity: string;
}

// Fake values made at test time: each is what the file format holds, with FAKE in it where it may be.
const netrcPassword = `FAKE${fakeRandom(ALNUM, 16, 21)}`;
const pgpassPassword = `FAKE-${fakeRandom(ALNUM, 14, 22)}`;
const gitToken = `FAKE${fakeRandom(ALNUM, 32, 23)}`;
const npmToken = `FAKE${fakeRandom(ALNUM, 32, 24)}`;
const pypiPassword = `FAKE${fakeRandom(ALNUM, 24, 25)}`;
const dockerAuth = Buffer.from(`ci-bot:FAKE${fakeRandom(ALNUM, 16, 26)}`).toString('base64');
const s3Secret = `FAKE${fakeRandom(ALNUM, 36, 27)}`;
const rclonePass = `FAKE${fakeRandom(ALNUM, 28, 28)}`;
const apr1 = `$apr1$${fakeRandom(CRYPT, 8, 29)}$${fakeRandom(CRYPT, 22, 30)}`;
const sha512crypt = `$6$${fakeRandom(CRYPT, 16, 31)}$${fakeRandom(CRYPT, 86, 32)}`;
const filezillaPass = Buffer.from(`FAKE${fakeRandom(ALNUM, 12, 33)}`).toString('base64');
const wpSalt = fakeRandom(`${ALNUM}!#%^&*()-_=+[]{}<>~;:,.|`, 64, 34);
const jenkinsSecret = `{AQAAABAAAAAQ${fakeRandom(`${ALNUM}+/`, 44, 35)}FAKE}`;

/** Each credential file with the rule that must find it and the 1-based line of the secret. */
const FILES: { path: string; text: string; ruleId: string; line: number; secret: string }[] = [
  { path: '.netrc', text: `machine api.acme.example\n  login ops\n  password ${netrcPassword}\n`, ruleId: 'netrc-password', line: 3, secret: netrcPassword },
  { path: 'home/ops/.pgpass', text: `# host:port:db:user:password\ndb.internal:5432:orders:app:${pgpassPassword}\n`, ruleId: 'pgpass-password', line: 2, secret: pgpassPassword },
  { path: '.git-credentials', text: `https://ci:${gitToken}@git.acme.example\n`, ruleId: 'git-credentials-password', line: 1, secret: gitToken },
  { path: 'web/.npmrc', text: `registry=https://npm.acme.example/\n//npm.acme.example/:_authToken=${npmToken}\n`, ruleId: 'npmrc-auth', line: 2, secret: npmToken },
  { path: '.pypirc', text: `[acme]\nrepository = https://pypi.acme.example/\nusername = ci\npassword = ${pypiPassword}\n`, ruleId: 'pypirc-password', line: 4, secret: pypiPassword },
  {
    path: 'ci/.docker/config.json',
    text: `{\n  "auths": {\n    "registry.acme.example": {\n      "auth": "${dockerAuth}"\n    }\n  }\n}\n`,
    ruleId: 'docker-config-auth',
    line: 4,
    secret: dockerAuth,
  },
  { path: '.s3cfg', text: `[default]\nhost_base = s3.acme.example\nsecret_key = ${s3Secret}\n`, ruleId: 's3cfg-secret-key', line: 3, secret: s3Secret },
  { path: '.config/rclone/rclone.conf', text: `[backup]\ntype = sftp\nhost = files.acme.example\nuser = backup\npass = ${rclonePass}\n`, ruleId: 'rclone-config-secret', line: 5, secret: rclonePass },
  { path: 'deploy/.htpasswd', text: `ops:${apr1}\n`, ruleId: 'htpasswd-hash', line: 1, secret: apr1 },
  { path: 'backup/etc/shadow', text: `root:*:19800:0:99999:7:::\nops:${sha512crypt}:19800:0:99999:7:::\n`, ruleId: 'shadow-password-hash', line: 2, secret: sha512crypt },
  {
    path: 'FileZilla/sitemanager.xml',
    text: `<?xml version="1.0"?>\n<FileZilla3>\n  <Servers>\n    <Server>\n      <Host>ftp.partner.example</Host>\n      <User>acme</User>\n      <Pass encoding="base64">${filezillaPass}</Pass>\n    </Server>\n  </Servers>\n</FileZilla3>\n`,
    ruleId: 'filezilla-saved-password',
    line: 7,
    secret: filezillaPass,
  },
  { path: 'site/wp-config.php', text: `<?php\ndefine( 'DB_NAME', 'site' );\ndefine( 'LOGGED_IN_SALT', '${wpSalt}' );\n`, ruleId: 'wordpress-auth-key-salt', line: 3, secret: wpSalt },
  {
    path: 'jenkins_home/credentials.xml',
    text: `<?xml version='1.1' encoding='UTF-8'?>\n<com.cloudbees.plugins.credentials.SystemCredentialsProvider>\n  <id>deploy</id>\n  <password>${jenkinsSecret}</password>\n</com.cloudbees.plugins.credentials.SystemCredentialsProvider>\n`,
    ruleId: 'jenkins-credentials-secret',
    line: 4,
    secret: jenkinsSecret,
  },
];

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

function scan(dir: string, extra: string[] = []): JsonFinding[] {
  const result = runCli(['scan', '.', '--format', 'json', '--quiet', '--no-ignore-files', ...extra], { cwd: dir });
  expect(result.stderr).toBe('');
  expect([0, 1]).toContain(result.status);
  return (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings;
}

describe('credential files through the built CLI', () => {
  const dir = tempDir('keyward-credfiles-');
  const misplaced = tempDir('keyward-credfiles-misplaced-');
  beforeAll(() => {
    for (const file of FILES) write(dir, file.path, file.text);
    // The same contents under names the rules do not apply to: documentation about the formats.
    FILES.forEach((file, index) => write(misplaced, `docs/format-${index}.txt`, file.text));
  });

  it('finds the secret of each file on its line, redacted', () => {
    const findings = scan(dir);
    for (const file of FILES) {
      const found = findings.filter((f) => f.path === file.path && f.ruleId === file.ruleId);
      expect(found, `${file.ruleId} in ${file.path}`).toHaveLength(1);
      expect(found[0]!.line, file.path).toBe(file.line);
      expect(found[0]!.secret, file.path).not.toBe(file.secret);
    }
    const everything = JSON.stringify(findings);
    for (const file of FILES) expect(everything).not.toContain(file.secret);
  });

  it('reports password hashes at low severity (a hash, not a key)', () => {
    const findings = scan(dir);
    expect(findings.find((f) => f.ruleId === 'htpasswd-hash')!.severity).toBe('low');
    expect(findings.find((f) => f.ruleId === 'shadow-password-hash')!.severity).toBe('low');
    expect(findings.find((f) => f.ruleId === 'netrc-password')!.severity).toBe('high');
  });

  it('yields each secret in full with --no-redact', () => {
    const findings = scan(dir, ['--no-redact']);
    for (const file of FILES) expect(findings.find((f) => f.path === file.path && f.ruleId === file.ruleId)?.secret, file.path).toBe(file.secret);
  });

  it('applies none of the credential-file rules outside their files', () => {
    const ids = new Set(FILES.map((file) => file.ruleId));
    expect(scan(misplaced).filter((f) => ids.has(f.ruleId))).toEqual([]);
  });

  it('finds a private key file (id_ed25519-style) through the private-key rules', () => {
    const keys = tempDir('keyward-keyfile-');
    const { privateKey } = generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    write(keys, '.ssh/id_ed25519', privateKey);
    const findings = scan(keys);
    expect(findings.map((f) => [f.path, f.ruleId])).toEqual([['.ssh/id_ed25519', 'private-key-pem']]);
  });
});
