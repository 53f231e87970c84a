import { at, bearer, detailOf, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Replicate: the account a token belongs to. */
export const replicateAccount: ProviderSpec = {
  name: 'replicate-account',
  provider: 'Replicate',
  baseUrl: 'https://api.replicate.com',
  docs: 'https://replicate.com/docs/reference/http#account.get',
  proves: 'the token authenticates a Replicate account (username, type)',
  request: (candidate) => ({ method: 'GET', path: '/v1/account', headers: bearer(candidate.secret) }),
  live: {
    status: [200],
    detail: (body) => (isRecord(body) && nonEmptyString(body['username']) && nonEmptyString(body['type']) ? detailOf({ username: body['username'], type: body['type'] }) : undefined),
  },
  refused: { status: [401], match: (body) => at(body, 'status') === 401 && nonEmptyString(at(body, 'detail')) },
};
