import { at, bearer, detailOf, nonEmptyString, type ProviderSpec } from './spec.js';

/** Vercel: the user a token belongs to. */
export const vercelUser: ProviderSpec = {
  name: 'vercel-user',
  provider: 'Vercel',
  baseUrl: 'https://api.vercel.com',
  docs: 'https://vercel.com/docs/rest-api/reference/endpoints/user/get-the-user',
  proves: 'the token authenticates a Vercel user (username, id)',
  request: (candidate) => ({ method: 'GET', path: '/v2/user', headers: bearer(candidate.secret) }),
  live: {
    status: [200],
    detail: (body) => (nonEmptyString(at(body, 'user', 'id')) ? detailOf({ id: at(body, 'user', 'id') as string, username: typeof at(body, 'user', 'username') === 'string' ? (at(body, 'user', 'username') as string) : undefined }) : undefined),
  },
  // A plain `forbidden` is also what a working token without permission gets: only invalidToken counts.
  refused: { status: [401, 403], match: (body) => at(body, 'error', 'invalidToken') === true },
};
