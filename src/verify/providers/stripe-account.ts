import { at, bearer, detailOf, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Stripe: the account a secret or restricted key belongs to. A refusal may echo part of the key: never kept. */
export const stripeAccount: ProviderSpec = {
  name: 'stripe-account',
  provider: 'Stripe',
  baseUrl: 'https://api.stripe.com',
  docs: 'https://docs.stripe.com/api/accounts/retrieve',
  proves: 'the key authenticates against a Stripe account (account id, country)',
  request: (candidate) => ({ method: 'GET', path: '/v1/account', headers: bearer(candidate.secret) }),
  live: {
    status: [200],
    detail: (body) =>
      isRecord(body) && body['object'] === 'account' && nonEmptyString(body['id']) && body['id'].startsWith('acct_')
        ? detailOf({ account: body['id'], country: typeof body['country'] === 'string' ? body['country'] : undefined })
        : undefined,
  },
  refused: { status: [401], match: (body) => nonEmptyString(at(body, 'error', 'type')) },
};
