import { describe, it } from 'vitest';
import { expectCases, fake } from './util.js';

describe('generic credentials in code: credential calls, tuples, typed constants', () => {
  it('Credentials.basic(…), (user, password) tuples, Rust &\'static str, SetBasicAuth', () => {
    const s = Array.from({ length: 5 }, (_, i) => fake(12 + i, 911 + i));
    expectCases('android/app/src/main/java/com/acme/ApiConfig.kt', [
      { text: `fun credentials() = Credentials.basic("mobile", "${s[0]}")`, secret: s[0] },
      { text: 'fun credentials() = Credentials.basic(user, password)' },
    ]);
    expectCases('src/app/clients.py', [
      { text: `session.auth = ("reports", "${s[1]}")`, secret: s[1] },
      { text: 'resp = requests.get(URL, auth=("reports", os.environ["REPORTS_PASSWORD"]))' },
      { text: 'PASSWORD_FIELD = "password"' },
    ]);
    expectCases('rust/src/settings.rs', [
      { text: `static WEBHOOK_SECRET: &'static str = "${s[2]}";`, secret: s[2] },
      { text: `pub const API_KEY: &str = "${s[3]}";`, secret: s[3] },
      { text: 'let token = env::var("SERVICE_TOKEN").unwrap_or_default();' },
    ]);
    expectCases('pkg/store/conn.go', [
      { text: `\treq.SetBasicAuth("inventory", "${s[4]}")`, secret: s[4] },
      { text: '\treq.SetBasicAuth(user, os.Getenv("INVENTORY_PASSWORD"))' },
    ]);
  });
});
