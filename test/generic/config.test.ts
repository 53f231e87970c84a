import { describe, expect, it } from 'vitest';
import { expectCases, fake, scanFiles } from './util.js';

describe('generic credentials in config files', () => {
  it('.env: export, quotes, inline comments, commented-out lines', () => {
    const [a, b, c, d] = [fake(16, 101), fake(14, 102), fake(12, 103), fake(18, 104)];
    expectCases('.env', [
      { text: `DB_PASSWORD=${a}`, secret: a, rule: 'generic-env-secret' },
      { text: `export API_TOKEN="${b}"`, secret: b },
      { text: `SMTP_PASSWORD='${c}'   # rotated in May`, secret: c },
      { text: `# OLD_ADMIN_TOKEN=${d}`, secret: d },
      { text: 'DB_PASSWORD=changeme' },
      { text: 'API_TOKEN=${API_TOKEN}' },
      { text: 'TOKEN_TTL=3600' },
      { text: 'PASSWORD_FILE=/run/secrets/db_password' },
      { text: 'AUTH_ENABLED=true' },
    ]);
  });

  it('YAML, JSON and TOML', () => {
    const [a, b, c] = [fake(16, 111), fake(20, 112), fake(14, 113)];
    expectCases('config/app.yaml', [
      { text: `database:\n  password: ${a}`, secret: a },
      { text: '  password: "{{ .Values.db.password }}"' },
      { text: '  password_policy: strict' },
      { text: '  token_expiry: 3600' },
    ]);
    expectCases('config/app.json', [
      { text: `  "clientSecret": "${b}",`, secret: b },
      { text: '  "clientSecret": "",' },
      { text: '  "secretName": "payments-db",' },
    ]);
    expectCases('config/app.toml', [
      { text: `password = "${c}"`, secret: c },
      { text: 'password = "%(smtp_password)s"' },
    ]);
  });

  it('INI, .properties, XML elements and attributes, HCL', () => {
    const [a, b, c, d, e] = [fake(14, 121), fake(16, 122), fake(12, 123), fake(15, 124), fake(17, 125)];
    expectCases('config/legacy.ini', [
      { text: `[smtp]\npassword = ${a}`, secret: a },
      { text: 'password = %(smtp_password)s' },
    ]);
    expectCases('src/main/resources/application.properties', [
      { text: `spring.datasource.password=${b}`, secret: b },
      { text: 'spring.datasource.password=${DB_PASSWORD}' },
    ]);
    expectCases('config/settings.xml', [
      { text: `<server><id>repo</id><password>${c}</password></server>`, secret: c },
      { text: `<add key="SmtpPassword" value="${d}" />`, secret: d },
      { text: '<add key="PaymentApiKeyHeader" value="X-Payment-Key" />' },
      { text: '<password>${env.REPO_PASSWORD}</password>' },
    ]);
    expectCases('infra/main.tf', [
      { text: `  password       = "${e}"`, secret: e },
      { text: '  password       = random_password.master.result' },
      { text: '  password       = var.db_password' },
    ]);
  });

  it('Dockerfile ENV/ARG and docker-compose environment lists and maps', () => {
    const [a, b, c] = [fake(14, 131), fake(16, 132), fake(13, 133)];
    expectCases('Dockerfile', [
      { text: `ENV REDIS_PASSWORD ${a}`, secret: a },
      { text: `ARG NPM_TOKEN=${b}`, secret: b },
      { text: 'ARG NPM_TOKEN' },
      { text: 'ENV REDIS_PASSWORD=${REDIS_PASSWORD}' },
    ]);
    expectCases('docker-compose.yml', [
      { text: `    environment:\n      - POSTGRES_PASSWORD=marbleotter`, secret: 'marbleotter' },
      { text: `      MYSQL_ROOT_PASSWORD: ${c}`, secret: c },
      { text: '      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD}' },
      { text: '      POSTGRES_PASSWORD_FILE: /run/secrets/pg' },
    ]);
  });

  it('Kubernetes Secret: data values are base64-decoded, stringData values read as they are', () => {
    const [a, b] = [fake(16, 141), fake(14, 142)];
    const text = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: db-credentials',
      'type: Opaque',
      'data:',
      `  password: ${Buffer.from(a).toString('base64')}`,
      'stringData:',
      `  api-token: ${b}`,
      '',
    ].join('\n');
    const { findings } = scanFiles({ 'k8s/secret.yaml': text });
    const password = findings.find((f) => f.line === 7);
    expect(password?.secret).toBe(a);
    expect(password?.decoded).toEqual(['base64']);
    expect(findings.find((f) => f.line === 9)?.secret).toBe(b);
    expect(findings.filter((f) => f.line < 7)).toEqual([]);
  });
});
