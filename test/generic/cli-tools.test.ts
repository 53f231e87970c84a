import { describe, it } from 'vitest';
import { expectCases, fake } from './util.js';

describe('generic credentials on command lines of more tools', () => {
  it('twine, ldap*, htpasswd -b, smbclient -U u%p, az/cf login, openssl pass: and enc -k, gpg --passphrase', () => {
    const s = Array.from({ length: 10 }, (_, i) => fake(10 + i, 881 + i));
    expectCases('scripts/release.sh', [
      { text: `twine upload -u __token__ -p ${s[0]} dist/*`, secret: s[0], rule: 'generic-cli-secret' },
      { text: `ldapsearch -x -H ldaps://ldap.internal -D "cn=admin,dc=acme" -w ${s[1]} -b dc=acme`, secret: s[1] },
      { text: `htpasswd -b -c /etc/nginx/.htpasswd grafana ${s[2]}`, secret: s[2] },
      { text: `htpasswd -bn metrics ${s[3]}`, secret: s[3] },
      { text: `smbclient //files01/drop -U 'svc-agent%${s[4]}' -c 'ls'`, secret: s[4] },
      { text: `az login -u ops@acme.test -p '${s[5]}'`, secret: s[5] },
      { text: `cf login -a https://api.cf.internal -u deployer -p ${s[6]}`, secret: s[6] },
      { text: `openssl pkcs12 -export -in api.crt -inkey api.key -out api.p12 -passout pass:${s[7]}`, secret: s[7] },
      { text: `openssl enc -aes-256-cbc -pbkdf2 -k ${s[8]} -in a.tgz -out a.tgz.enc`, secret: s[8] },
      { text: `gpg --batch --yes --passphrase '${s[9]}' -c release.tgz`, secret: s[9] },
      // Near misses: prompts, variables, files and environment as the source, ports and parallelism.
      { text: 'htpasswd -c /etc/nginx/.htpasswd admin' },
      { text: 'htpasswd -nbB admin "$ADMIN_PASS"' },
      { text: 'ldapsearch -x -H ldaps://ldap.internal -D "$BIND_DN" -W -b dc=acme' },
      { text: 'ldapsearch -x -H ldaps://ldap.internal -y /run/secrets/ldap.pw -b dc=acme' },
      { text: 'smbclient -L //files01 -U guest% -N' },
      { text: 'smbclient //files01/drop -U "$SMB_USER%$SMB_PASS" -c ls' },
      { text: 'az login --service-principal -u "$APP_ID" -p "$APP_SECRET" --tenant "$TENANT_ID"' },
      { text: 'openssl rsa -in api.key -passin env:KEY_PASS -out api.pem' },
      { text: 'openssl req -new -key api.key -passin file:/run/secrets/keypass -out api.csr' },
      { text: 'keytool -genkeypair -alias api -keystore api.p12 -storepass:env STORE_PASS' },
      { text: 'echo "$REGISTRY_PASSWORD" | docker login -u deploy --password-stdin registry.internal' },
      { text: 'docker run -d -p 8080:80 -p 8443:443 nginx:1.27' },
      { text: 'ssh -p 2222 ops@bastion.internal' },
      { text: 'xargs -P 4 -n 1 ./sync-one.sh < hosts.txt' },
      { text: 'pytest -p no:cacheprovider -q tests/' },
    ]);
  });

  it('Windows: net use, net user /add, cmdkey /pass:, and exec arrays with short flags', () => {
    const s = Array.from({ length: 4 }, (_, i) => fake(11 + i, 901 + i));
    expectCases('scripts/agent.cmd', [
      { text: `net use Z: \\\\files01\\builds /user:ACME\\svc-agent ${s[0]}`, secret: s[0], rule: 'generic-cli-secret' },
      { text: `net user agent ${s[1]} /add`, secret: s[1] },
      { text: `cmdkey /generic:build01 /user:svc-agent /pass:${s[2]}`, secret: s[2] },
      { text: 'net use Z: \\\\files01\\releases /persistent:yes' },
      { text: 'net use Y: \\\\files01\\drop * /user:ACME\\builder' },
      { text: 'net user builder /domain' },
      { text: 'net user builder %BUILDER_PW% /add' },
      { text: 'msbuild Release.proj /p:Configuration=Release /p:Platform=x64' },
    ]);
    expectCases('deploy/compose.yml', [
      { text: `      test: ["CMD", "redis-cli", "-a", "${s[3]}", "ping"]`, secret: s[3] },
      { text: '      test: ["CMD", "redis-cli", "-a", "${REDIS_PASSWORD}", "ping"]' },
      { text: '      test: ["CMD", "curl", "-a", "x", "-p", "8080"]' },
    ]);
  });
});
