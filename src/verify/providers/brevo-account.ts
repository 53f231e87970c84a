import { at, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Brevo (Sendinblue): the account behind an API key; only the plan types are kept. */
export const brevoAccount: ProviderSpec = {
  name: 'brevo-account',
  provider: 'Brevo',
  baseUrl: 'https://api.brevo.com',
  docs: 'https://developers.brevo.com/reference/getaccount',
  proves: 'the API key authenticates a Brevo account (plan types)',
  request: (candidate) => ({ method: 'GET', path: '/v3/account', headers: { 'api-key': candidate.secret } }),
  live: {
    status: [200],
    detail: (body) => {
      if (!isRecord(body) || !nonEmptyString(body['email']) || !Array.isArray(body['plan'])) return undefined;
      return { plans: body['plan'].map((plan) => String(at(plan, 'type') ?? '')).filter(Boolean) };
    },
  },
  refused: { status: [401], match: (body) => at(body, 'code') === 'unauthorized' },
};
