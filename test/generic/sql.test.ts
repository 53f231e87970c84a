import { describe, it } from 'vitest';
import { expectCases, fake } from './util.js';

describe('generic credentials in SQL', () => {
  it('CREATE/ALTER USER, ROLE and LOGIN, SET PASSWORD FOR, IDENTIFIED WITH … BY, Oracle quoted and bare', () => {
    const s = Array.from({ length: 6 }, (_, i) => fake(10 + i, 801 + i));
    expectCases('db/migrations/V9__logins.sql', [
      { text: `CREATE ROLE app_rw WITH LOGIN PASSWORD '${s[0]}';`, secret: s[0], rule: 'generic-secret-assignment' },
      { text: `ALTER USER 'etl'@'%' IDENTIFIED WITH caching_sha2_password BY '${s[1]}';`, secret: s[1] },
      { text: `SET PASSWORD FOR 'ops'@'localhost' = '${s[2]}';`, secret: s[2] },
      { text: `GRANT SELECT ON metrics.* TO 'collector'@'%' IDENTIFIED BY '${s[3]}';`, secret: s[3] },
      { text: 'CREATE USER report_app IDENTIFIED BY Rp0rtW1nd3r;', secret: 'Rp0rtW1nd3r' },
      { text: `ALTER USER report_app IDENTIFIED BY "${s[4]}" ACCOUNT UNLOCK;`, secret: s[4] },
      { text: `CREATE LOGIN loader WITH PASSWORD = '${s[5]}', CHECK_POLICY = OFF;`, secret: s[5] },
      // Near misses: hashes and verifiers, prompts, policies, external auth, algorithm names.
      { text: "CREATE USER 'legacy'@'%' IDENTIFIED BY PASSWORD '*6C8989366EAF75BB670AD8EA7A7FC1176A95CEF4';" },
      { text: "CREATE USER 'legacy'@'%' IDENTIFIED WITH mysql_native_password AS '*6C8989366EAF75BB670AD8EA7A7FC1176A95CEF4';" },
      { text: "ALTER ROLE app_ro WITH ENCRYPTED PASSWORD 'SCRAM-SHA-256$4096:cHmT0k4yHq2XbQ==$2vZl5fHq3cY1oJ0nq8Zb5q3VZz1r8JcV4mQyDx2Fh0s=:8n3S0Qm0bLk2Cw9u0vT3eJ7sV5nZqT1xX8yR2dA6fG4=';" },
      { text: "ALTER ROLE app_ro PASSWORD 'md5a3556571e93b0d20722ba62be61e8c2d';" },
      { text: 'CREATE LOGIN app_reader WITH PASSWORD = 0x0200A1B2C3D4 HASHED;' },
      { text: "CREATE USER 'monitor'@'%' IDENTIFIED BY RANDOM PASSWORD;" },
      { text: 'CREATE USER ops$svc IDENTIFIED EXTERNALLY;' },
      { text: 'CREATE ROLE app_rw WITH LOGIN PASSWORD :pw;' },
      { text: "ALTER SYSTEM SET password_encryption = 'scram-sha-256';" },
      { text: "ALTER USER 'etl'@'%' PASSWORD EXPIRE INTERVAL 90 DAY;" },
    ]);
  });

  it('INSERT … (columns) VALUES (…): a credential-named column names its value, over several rows', () => {
    const [a, b, c] = [fake(20, 811), fake(12, 812), fake(14, 813)];
    expectCases('db/seeds/clients.sql', [
      { text: `INSERT INTO oauth_clients (client_id, client_secret, redirect_uri) VALUES ('web', '${a}', 'https://app.internal/cb');`, secret: a },
      { text: `INSERT INTO service_users (login, password) VALUES ('ingest', 'Bluff-Cinder-27'), ('export', '${b}');`, secret: 'Bluff-Cinder-27' },
      { text: `INSERT INTO settings (name, value) VALUES ('smtp_password', '${c}');`, secret: c },
      { text: "INSERT INTO users (email, password_hash) VALUES ('ops@acme.test', '$2b$12$Q9w8e7r6t5y4u3i2o1p0aOe5rT6yU7iO8pA9sD0fG1hJ2kL3zX4c');" },
      { text: 'INSERT INTO tokens (user_id, token) VALUES (1, ?);' },
      { text: "INSERT INTO users (name, password) VALUES ('alice', :password);" },
      { text: "INSERT INTO settings (key, value) VALUES ('password_min_length', '12');" },
      { text: "INSERT INTO api_keys (name, key_prefix, created_at) VALUES ('ci', 'acm_live', now());" },
    ]);
  });
});
