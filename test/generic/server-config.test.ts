import { describe, it } from 'vitest';
import { expectCases, fake } from './util.js';

describe('generic credentials in server and application config', () => {
  it('Redis: requirepass, masterauth, ACL >password rules, sentinel auth-pass', () => {
    const [a, b, c] = [fake(16, 821), fake(12, 822), fake(11, 823)];
    expectCases('etc/redis/cache.conf', [
      { text: `requirepass "${a}"`, secret: a },
      { text: `user cache-app on >${b} ~cache:* &* +@read`, secret: b },
      { text: 'user exporter on nopass ~* +info' },
      { text: 'user backup on #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 ~* +@read' },
      { text: '# requirepass foobared' },
    ]);
    expectCases('etc/redis/sentinel.conf', [
      { text: `sentinel auth-pass cache-main ${c}`, secret: c },
      { text: 'sentinel auth-user cache-main replica-sync' },
      { text: 'sentinel down-after-milliseconds cache-main 5000' },
    ]);
  });

  it('directives of other servers that name credentials without holding one', () => {
    expectCases('etc/pam.d/common-auth', [
      { text: 'auth    required     pam_tally2.so' },
      { text: 'password  sufficient pam_unix2.so' },
      { text: 'password  requisite  pam_pwquality.so retry=3 minlen=14' },
    ]);
    expectCases('etc/postfix/main.cf', [{ text: 'smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd' }, { text: 'smtp_sasl_auth_enable = yes' }]);
    expectCases('etc/openvpn/client.conf', [{ text: 'tls-auth ta.key 1' }, { text: 'auth SHA256' }, { text: 'auth-user-pass /etc/openvpn/creds.txt' }]);
    expectCases('etc/keepalived/keepalived.conf', [{ text: '        auth_pass Fz8kQ2vW', secret: 'Fz8kQ2vW' }, { text: '        auth_type PASS' }]);
  });

  it('XML: value before key, <entry key=…> text, name/value properties, password attributes', () => {
    const [a, b, c, d] = [fake(10, 831), fake(16, 832), fake(18, 833), fake(14, 834)];
    expectCases('config/App.config', [
      { text: `    <add value="${a}" key="LegacyAdminPassword" />`, secret: a },
      { text: '    <add value="10" key="PasswordMinLength" />' },
      { text: '    <add key="ClientSecret" value="#{ClientSecret}#" />' },
    ]);
    expectCases('config/beans.xml', [
      { text: `    <property name="password" value="${b}" />`, secret: b },
      { text: '    <property name="passwordEncoder" ref="bcryptEncoder" />' },
      { text: `  <entry key="api.token">${c}</entry>`, secret: c },
      { text: '  <entry key="api.token.header">X-Crm-Token</entry>' },
      { text: '  <entry key="token.ttl">3600</entry>' },
      { text: `  <user username="deployer" password="${d}" roles="manager-script"/>`, secret: d },
    ]);
  });

  it('INI and .properties: values run to the end of the line; labels and sentences are not values', () => {
    const a = fake(12, 841);
    expectCases('config/loader.cfg', [
      { text: `passwd   =   ${a}`, secret: a },
      { text: 'private_key_passphrase = harbour Lights 7', secret: 'harbour Lights 7' },
      { text: 'password = %(LOADER_PASSWORD)s' },
      { text: 'auth_method = password file' },
    ]);
    expectCases('src/main/resources/messages.properties', [
      { text: 'account.apiKey.regenerate=Regenerate key' },
      { text: 'error.password.mismatch=Passwords do not match' },
      { text: 'help.secret=Keep this secret safe 24/7' },
      { text: 'help.apiKey=Generate a key under Settings > API (max 5 keys)' },
      { text: 'login.password=Password' },
    ]);
    expectCases('src/main/resources/jdbc.properties', [
      { text: 'jdbc.password: Marten-Cove-204', secret: 'Marten-Cove-204' },
      { text: 'encryption.key=ENC(Gx2Hk8Lm4Qz9Rt7Vw3Bn5Cp1)' },
    ]);
  });

  it('Helm, Terraform and batch files: names of secrets, index expressions, wrapped literals, set /p prompts', () => {
    const [a, b] = [fake(16, 851), fake(11, 852)];
    expectCases('deploy/helm/values.yaml', [
      { text: '    existingSecret: api-postgresql' },
      { text: '    existingSecretPasswordKey: redis-password' },
      { text: '    nginx.ingress.kubernetes.io/auth-secret: api-basic-auth' },
    ]);
    expectCases('infra/main.tf', [
      { text: `    api_token = base64encode("${a}")`, secret: a },
      { text: '    password  = data.vault_generic_secret.api.data["password"]' },
    ]);
    expectCases('build/ci.bat', [
      { text: `set NUGET_PASSWORD=${b}`, secret: b },
      { text: 'set /p DB_PASSWORD=Database password:' },
    ]);
  });
});
