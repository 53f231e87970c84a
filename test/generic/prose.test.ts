import { describe, it } from 'vitest';
import { expectCases, fake } from './util.js';

describe('generic credentials in prose: READMEs, runbooks, chat', () => {
  it('"the API key is …", "the password for X is …", "log in with user / password", bold labels', () => {
    const [a, b, c] = [fake(20, 861), fake(16, 862), fake(14, 863)];
    expectCases('docs/runbooks/staging.md', [
      { text: `The API key is \`${a}\` until we move it to Vault.`, secret: a, rule: 'generic-secret-assignment' },
      { text: 'The database password for staging is `Gorse-Vellum-83`.', secret: 'Gorse-Vellum-83' },
      { text: `The access token was ${b} before the rotation.`, secret: b },
      { text: 'Log in with admin / Brisk-Heron-52 on first boot, then change it.', secret: 'Brisk-Heron-52' },
      { text: `**API key:** ${c}`, secret: c },
      { text: '**Password:** `Lichen5-Forge`', secret: 'Lichen5-Forge' },
      // Near misses: sentences about credentials, pointers, placeholders, defaults.
      { text: 'The API key is sent in the `X-Api-Key` header.' },
      { text: 'The API key is stored in KMS and rotated every 90 days.' },
      { text: 'The token is 40 characters long and starts with `acm_`.' },
      { text: 'The secret is `${APP_SECRET}` in every environment.' },
      { text: 'Your API key is `<your-api-key>` until you create one.' },
      { text: 'The password was reset yesterday.' },
      { text: 'Log in with your username / password from the SSO portal.' },
      { text: 'You can also sign in with Google / GitHub.' },
      { text: 'The default login is `admin` / `admin`.' },
      { text: '**Token:** ask the on-call' },
      { text: '- Password: ask in #platform (rotated monthly)' },
    ]);
  });

  it('chat and notes: "the token for … is …"', () => {
    const a = fake(16, 871);
    expectCases('notes/incident.txt', [
      { text: `14:04 alice: the token for the status page is ${a}`, secret: a },
      { text: "14:05 bob: don't paste passwords here pls, use the vault" },
      { text: '14:09 carol: root password on the bastion is still the image default?' },
    ]);
  });
});
