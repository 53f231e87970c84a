import { describe, it } from 'vitest';
import { expectCases, fake } from './util.js';

describe('generic credentials: C defines, passwords on stdin, more tool flags, translation files', () => {
  it('#define NAME "…" in C and C++ headers', () => {
    const [a, b] = [fake(20, 941), fake(13, 942)];
    expectCases('firmware/include/secrets.h', [
      { text: `#define MQTT_TOKEN "${a}"`, secret: a, rule: 'generic-secret-assignment' },
      { text: `#define WIFI_PASSWORD "${b}"`, secret: b },
      { text: '#define PASSWORD_MAX_LEN 64' },
      { text: '#define TOKEN_HEADER "X-Auth-Token"' },
      { text: '#define SECRET_KEY_PATH "/etc/sensor/secret.key"' },
      { text: '#define OTA_PASSWORD "your-ota-password"' },
    ]);
  });

  it('echo … | sudo -S, --password-stdin, chpasswd; ssh-keygen -N; vault login; sqlcmd -P; java -D and dotted options; rabbitmqctl', () => {
    const s = Array.from({ length: 10 }, (_, i) => fake(11 + i, 951 + i));
    expectCases('scripts/provision.sh', [
      { text: `echo "${s[0]}" | sudo -S apt-get -y install nginx`, secret: s[0], rule: 'generic-cli-secret' },
      { text: `echo '${s[1]}' | docker login -u ops --password-stdin registry.internal`, secret: s[1] },
      { text: `echo "deploy:${s[2]}" | chpasswd`, secret: s[2] },
      { text: `ssh-keygen -t ed25519 -N '${s[3]}' -f deploy_key`, secret: s[3] },
      { text: `vault login ${s[4]}`, secret: s[4] },
      { text: `sqlcmd -S sql01 -U sa -P '${s[5]}' -Q "SELECT 1"`, secret: s[5] },
      { text: `java -Djavax.net.ssl.trustStorePassword=${s[6]} -jar app.jar`, secret: s[6] },
      { text: `java -jar app.jar --spring.datasource.password=${s[7]}`, secret: s[7] },
      { text: `rabbitmqctl add_user billing ${s[8]}`, secret: s[8] },
      { text: 'echo "$SUDO_PW" | sudo -S true' },
      { text: 'echo "setup complete" | tee -a /var/log/bootstrap.log' },
      { text: "ssh-keygen -t ed25519 -N '' -f ci_key" },
      { text: 'ssh-keygen -t ed25519 -N "$DEPLOY_PASSPHRASE" -f deploy_key' },
      { text: 'vault login -method=oidc role=ops' },
      { text: 'sqlcmd -S sql01 -E -Q "SELECT 1"' },
      { text: 'java -Dspring.profiles.active=prod -jar app.jar' },
      { text: 'rabbitmqctl add_user billing "$RABBIT_PASSWORD"' },
    ]);
  });

  it('translation files: a credential word translated is a label', () => {
    const a = fake(20, 971);
    expectCases('config/locales/de.yml', [
      { text: '      password: Passwort' },
      { text: '      token: Zugangsschlüssel' },
      { text: '      secret: Geheimnis' },
      { text: '      api_key_hint: Den Schlüssel finden Sie unter Einstellungen' },
    ]);
    expectCases('src/main/resources/messages_de.properties', [{ text: 'login.password=Kennwort' }, { text: 'login.token=Zugriffstoken' }]);
    // A random key is still reported, if pasted into a translation file.
    expectCases('web/i18n/en.json', [{ text: `  "apiKey": "${a}",`, secret: a }]);
  });
});
