import { describe, expect, it } from 'vitest';
import { expectCases, fake, scanFiles } from './util.js';

describe('generic credentials in connection strings', () => {
  it('URL userinfo for databases, brokers, SMTP and git remotes, including an empty user', () => {
    const s = Array.from({ length: 6 }, (_, i) => fake(12 + i, 401 + i));
    expectCases('config/urls.env', [
      { text: `DATABASE_URL=postgres://app:${s[0]}@db.internal:5432/app`, secret: s[0], rule: 'generic-url-credentials' },
      { text: `REDIS_URL=redis://:${s[1]}@cache.internal:6379/0`, secret: s[1] },
      { text: `MONGO_URI=mongodb+srv://reporter:${s[2]}@cluster0.mongo.internal/reports`, secret: s[2] },
      { text: `BROKER_URL=amqp://worker:${s[3]}@rabbit.svc:5672//`, secret: s[3] },
      { text: `SMTP_URL=smtps://mailer:${s[4]}@smtp.mail.internal:465`, secret: s[4] },
      { text: `remote = https://deploy:${s[5]}@git.internal/team/repo.git`, secret: s[5] },
      { text: 'DATABASE_URL=postgres://user:password@localhost:5432/db' },
      { text: 'DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app' },
      { text: 'REDIS_URL=redis://:changeme@cache:6379' },
      { text: 'DATABASE_URL=postgres://postgres:postgres@db:5432/app' },
      { text: 'HOMEPAGE=https://github.com/org/repo' },
    ]);
  });

  it('ADO.NET, ODBC and JDBC key-value strings', () => {
    const [a, b, c] = [fake(12, 411), fake(14, 412), fake(13, 413)];
    expectCases('appsettings.json', [
      { text: `  "Default": "Server=tcp:db.internal,1433;Database=app;User Id=app;Password=${a};Encrypt=true"`, secret: a, rule: 'generic-db-connection-string' },
      { text: `  "Odbc": "Driver={ODBC Driver 18};Server=db;Uid=report;Pwd=${b};"`, secret: b },
      { text: `  "Jdbc": "jdbc:sqlserver://db:1433;databaseName=app;user=app;password=${c}"`, secret: c },
      { text: '  "Local": "Server=db;Database=app;User Id=sa;Password=password;"' },
      { text: '  "Env": "Server=db;Database=app;User Id=sa;Password=${DB_PASSWORD};"' },
      { text: '  "Trusted": "Server=db;Database=app;Integrated Security=true;"' },
    ]);
  });

  it('redacts URL findings to the password part only', () => {
    const pass = fake(16, 421);
    const { findings, stdout } = scanFiles({ '.env': `DATABASE_URL=postgres://app:${pass}@db.internal:5432/app\n` }, [], true);
    expect(findings.map((f) => f.ruleId)).toEqual(['generic-url-credentials']);
    expect(findings[0]!.secret).toMatch(/^.{1,4}…$/);
    expect(pass.startsWith(findings[0]!.secret.slice(0, -1))).toBe(true);
    expect(stdout).not.toContain(pass);
  });
});
