import { describe, it } from 'vitest';
import { expectCases } from './util.js';

// What password managers and key generators print, in the places they are pasted. Each shape is one
// that a filter for paths, placeholders or expressions used to take for something else.
describe('generic credentials: values as generators make them', () => {
  it('.env reads an unquoted value to the first space, as dotenv does; a shell script stops at ;', () => {
    expectCases('.env', [
      { text: 'DB_PASSWORD=C5;ExECa8jwR', secret: 'C5;ExECa8jwR' },
      { text: 'SMTP_PASSWORD=q7)Lm2}Xv9]Rt4', secret: 'q7)Lm2}Xv9]Rt4' },
      { text: 'ADMIN_PASSWORD=Hk4<v8Tq2;Wz # set by ops', secret: 'Hk4<v8Tq2;Wz' },
      { text: 'DB_PASSWORD=${DB_PASSWORD}' },
      { text: 'API_TOKEN=(generated at deploy time)' },
    ]);
    expectCases('config/production.env', [{ text: 'API_SECRET=Zr8;Pq2)Lm5vX', secret: 'Zr8;Pq2)Lm5vX' }]);
    // In a shell script `;` ends the command: what is left (`C5`) is too short to be reported.
    expectCases('deploy.sh', [{ text: 'DB_PASSWORD=C5;ExECa8jwR ./migrate' }]);
    expectCases('.envrc', [{ text: 'export DB_PASSWORD=C5;ExECa8jwR' }]);
  });

  it('base64 with slashes is a value; a path with folders is not', () => {
    expectCases('settings.py', [
      { text: "SECRET_KEY = 'W7mC/UyxAeEofajcOe/jnXUabGglMckY'", secret: 'W7mC/UyxAeEofajcOe/jnXUabGglMckY' },
      { text: "API_TOKEN = '/ykcokupzyxAgEFGIcogZJSjdUMNWXDp'", secret: '/ykcokupzyxAgEFGIcogZJSjdUMNWXDp' },
      { text: "SECRET_KEY_PATH = 'config/Secrets/ProductionKeys'" },
      { text: "TOKEN_FILE = '/Users/Shared/Tokens/github'" },
      { text: "KEY_DIR = 'app/Http/Controllers/Auth2'" },
    ]);
    expectCases('.env', [{ text: 'DB_PASSWORD=baBQ4d/ve9R/k2Lm', secret: 'baBQ4d/ve9R/k2Lm' }]);
  });

  it('a run of x is a placeholder in one case only: random base62 spells xXx now and then', () => {
    expectCases('config/app.yaml', [
      { text: 'password: "ga3pDlYx4XxxvkiG"', secret: 'ga3pDlYx4XxxvkiG' },
      { text: 'api_key: "TvexttfuesgwdneElC5TixxX5UDRUVSi"', secret: 'TvexttfuesgwdneElC5TixxX5UDRUVSi' },
      { text: 'password: "xxx"' },
      { text: 'api_key: "XXXXXXXXXXXXXXXX"' },
      { text: 'token: "abcXXXXdef123"' },
    ]);
  });

  it('YAML, .properties and compose read a bare value as literal text; a flow mapping still ends it', () => {
    expectCases('charts/app/values.yaml', [
      { text: 'auth:\n  adminPassword: 1Ay(/1K%jK@XzV8', secret: '1Ay(/1K%jK@XzV8' },
      { text: '  apiToken: ok;SK,$Y(Vu=:RvA  # from the vault', secret: 'ok;SK,$Y(Vu=:RvA' },
      { text: 'db: {user: app, password: Qw7rT2zX9k}', secret: 'Qw7rT2zX9k' },
      { text: '  password: getPassword()' },
      // Near misses the literal reading must not report: a policy's pattern, a list of names.
      { text: '  password_regex: ^(?=.*[A-Z])(?=.*\\d).{8,}$' },
      { text: '  password_pattern: ^[a-zA-Z0-9!@#]{12,}$' },
      { text: '  api_key_header: X-API-Key;X-Auth' },
      { text: '  secret_name: payments-db;v2' },
      { text: '  password: {{ .Values.db.password }}' },
    ]);
    expectCases('src/main/resources/application.properties', [{ text: 'spring.datasource.password=K(q&M4u^1q3C]', secret: 'K(q&M4u^1q3C]' }]);
    expectCases('docker-compose.yml', [{ text: 'services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=t(bE(cC%8vYG', secret: 't(bE(cC%8vYG' }]);
  });

  it('a connection string value runs to its ;, whatever it holds', () => {
    expectCases('src/Startup.cs', [
      { text: 'var connection = "Server=db;Database=shop;User Id=app;Password=O{MZ3s<r+OwJ;";', secret: 'O{MZ3s<r+OwJ' },
      { text: 'var other = "Server=db;User Id=app;Password=W!+xAe<~8oOJvnWa";', secret: 'W!+xAe<~8oOJvnWa' },
      { text: 'var local = "Server=db;User Id=app;Password=;";' },
    ]);
  });

  it('Terraform: a variable block names the default below it', () => {
    expectCases('infra/variables.tf', [
      { text: 'variable "db_password" {\n  description = "Primary database password"\n  type        = string\n  sensitive   = true\n  default     = "Quill-Harbor-62"\n}', secret: 'Quill-Harbor-62' },
      { text: 'variable "api_token" {\n  default = "b64url_Tk9QZ2xSa3FmWnR3"\n}', secret: 'b64url_Tk9QZ2xSa3FmWnR3' },
      { text: 'variable "region" {\n  default = "eu-central-1"\n}' },
      { text: 'variable "password_length" {\n  default = "24"\n}' },
      { text: 'variable "db_password" {\n  type = string\n}\nresource "aws_db_instance" "main" {\n  default = "Quill-Harbor-62"\n}' },
    ]);
  });

  it('a quoted value in prose keeps its last character; random case in a dotted value is no module name', () => {
    expectCases('docs/runbook.md', [{ text: 'The staging admin password is `violetviolet8423!`.', secret: 'violetviolet8423!' }]);
    expectCases('config/app.yaml', [
      { text: 'password: "nNpRhL.dIa__Sp"', secret: 'nNpRhL.dIa__Sp' },
      { text: 'api_key: "cfg.Srv.MgmtPwd"' },
      { text: 'secret: "com.acme.payments.SecretProvider"' },
    ]);
  });
});
