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
});
