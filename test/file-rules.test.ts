import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_FILE_HEAD_BYTES, CREDENTIAL_FILE_RULES, credentialFileFinding, detectCredentialFile } from '../src/engine/file-rules.js';
import { runCli, tempDir } from './helpers.js';

function run(tool: string, args: string[], cwd: string): void {
  const result = spawnSync(tool, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr}`);
}

const head = (file: string) => readFileSync(file).subarray(0, CREDENTIAL_FILE_HEAD_BYTES);
// A throwaway store password for keystores made here and deleted with the temp folder.
const STORE_PASSWORD = 'FAKE-store-pass-1';

describe('detectCredentialFile (src/engine/file-rules.ts)', () => {
  it('knows JKS and JCEKS by their magic numbers whatever the name', () => {
    expect(detectCredentialFile('build/app.bin', Uint8Array.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]))).toMatchObject({ ruleId: 'java-keystore-file', kind: 'jks' });
    expect(detectCredentialFile('keys.dat', Uint8Array.from([0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2]))).toMatchObject({ ruleId: 'java-keystore-file', kind: 'jceks' });
  });

  it('needs a keystore name as well as the PFX header for PKCS#12', () => {
    const pfx = Uint8Array.from([0x30, 0x82, 0x0a, 0x3c, 0x02, 0x01, 0x03, 0x30, 0x82]);
    expect(detectCredentialFile('certs/web.pfx', pfx)).toMatchObject({ ruleId: 'pkcs12-keystore-file', kind: 'pkcs12' });
    expect(detectCredentialFile('certs/client.P12', pfx)).toMatchObject({ kind: 'pkcs12' });
    expect(detectCredentialFile('android/release.keystore', pfx)).toMatchObject({ kind: 'pkcs12' });
    expect(detectCredentialFile('certs/web.der', pfx)).toBeUndefined();
  });

  it('rejects near misses: other DER structures, text and short heads', () => {
    // A PKCS#8 private key starts SEQUENCE, INTEGER 0; an X.509 certificate SEQUENCE, SEQUENCE.
    expect(detectCredentialFile('key.p12', Uint8Array.from([0x30, 0x82, 0x04, 0xbe, 0x02, 0x01, 0x00, 0x30]))).toBeUndefined();
    expect(detectCredentialFile('cert.pfx', Uint8Array.from([0x30, 0x82, 0x03, 0x55, 0x30, 0x82, 0x02, 0x3d]))).toBeUndefined();
    expect(detectCredentialFile('store.p12', Buffer.from('not a keystore'))).toBeUndefined();
    expect(detectCredentialFile('store.p12', Uint8Array.from([0x30, 0x03]))).toBeUndefined();
    expect(detectCredentialFile('x.jks', Uint8Array.from([0xfe, 0xed, 0xfe]))).toBeUndefined();
    expect(detectCredentialFile('x.jks', new Uint8Array())).toBeUndefined();
  });

  it('turns a detection into a file finding at line 1 with the file hash, listing its rule', () => {
    const content = Uint8Array.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 9, 9]);
    const finding = credentialFileFinding(detectCredentialFile('ci/release.jks', content)!, content, { path: 'ci/release.jks' });
    expect(finding).toMatchObject({ ruleId: 'java-keystore-file', path: 'ci/release.jks', line: 1, column: 1, severity: 'high', secret: '(jks file)', verification: { status: 'unverified', by: 'none' } });
    expect(finding.secretSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(CREDENTIAL_FILE_RULES.map((rule) => rule.id)).toEqual(['pkcs12-keystore-file', 'java-keystore-file']);
  });

  it('through the built CLI: keystores in a tree are file findings (another binary is not); SARIF lists their rules', () => {
    const dir = tempDir('keyward-keystores-');
    mkdirSync(join(dir, 'ci'));
    writeFileSync(join(dir, 'ci', 'release.jks'), Buffer.concat([Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]), Buffer.alloc(64, 7)]));
    writeFileSync(join(dir, 'ci', 'web.pfx'), Buffer.concat([Buffer.from([0x30, 0x82, 0x0a, 0x3c, 0x02, 0x01, 0x03, 0x30, 0x82]), Buffer.alloc(64, 0)]));
    writeFileSync(join(dir, 'ci', 'other.bin'), Buffer.alloc(64, 0));
    const json = runCli(['scan', dir, '--format', 'json']);
    expect(json.status).toBe(1);
    const findings = (JSON.parse(json.stdout) as { findings: { ruleId: string; path: string; line: number }[] }).findings;
    expect(findings.map((finding) => `${finding.ruleId} ${finding.path}`).sort()).toEqual(['java-keystore-file ci/release.jks', 'pkcs12-keystore-file ci/web.pfx']);
    const sarif = JSON.parse(runCli(['scan', dir, '--format', 'sarif']).stdout) as { runs: { tool: { driver: { rules: { id: string }[] } } }[] };
    expect(sarif.runs[0]!.tool.driver.rules.map((rule) => rule.id)).toContain('java-keystore-file');
  });

  // openssl and keytool are installed by .ci/run; without them these tests fail rather than pass unchecked.
  describe('on a real PKCS#12 file made by openssl', () => {
    it('detects it by name and header, and not under another name', () => {
      const dir = tempDir('keyward-p12-');
      run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-subj', '/CN=fake.keyward.test', '-days', '1'], dir);
      run('openssl', ['pkcs12', '-export', '-inkey', 'key.pem', '-in', 'cert.pem', '-out', 'web.pfx', '-passout', `pass:${STORE_PASSWORD}`], dir);
      expect(detectCredentialFile('certs/web.pfx', head(join(dir, 'web.pfx')))).toMatchObject({ kind: 'pkcs12' });
      expect(detectCredentialFile('certs/web.bin', head(join(dir, 'web.pfx')))).toBeUndefined();
      run('openssl', ['x509', '-in', 'cert.pem', '-outform', 'DER', '-out', 'cert.p12'], dir);
      expect(detectCredentialFile('cert.p12', head(join(dir, 'cert.p12')))).toBeUndefined();
    });
  });

  describe('on real keystores made by keytool', () => {
    it('detects JKS, JCEKS and PKCS#12 stores', () => {
      const dir = tempDir('keyward-jks-');
      for (const type of ['JKS', 'JCEKS', 'PKCS12']) {
        const file = `store-${type.toLowerCase()}.jks`;
        run('keytool', ['-genkeypair', '-alias', 'fake', '-keyalg', 'EC', '-dname', 'CN=fake.keyward.test', '-validity', '1', '-storetype', type, '-keystore', file, '-storepass', STORE_PASSWORD, '-keypass', STORE_PASSWORD], dir);
      }
      expect(detectCredentialFile('a.jks', head(join(dir, 'store-jks.jks')))).toMatchObject({ kind: 'jks' });
      expect(detectCredentialFile('a.jks', head(join(dir, 'store-jceks.jks')))).toMatchObject({ kind: 'jceks' });
      expect(detectCredentialFile('a.jks', head(join(dir, 'store-pkcs12.jks')))).toMatchObject({ kind: 'pkcs12' });
    });
  });
});
