import { at, detailOf, bearer, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Netlify: the current user. */
export const netlifyUser: ProviderSpec = {
  name: 'netlify-user',
  provider: 'Netlify',
  baseUrl: 'https://api.netlify.com',
  docs: 'https://open-api.netlify.com/#tag/user/operation/getCurrentUser',
  proves: 'the token authenticates a Netlify user (id, slug)',
  request: (candidate) => ({ method: 'GET', path: '/api/v1/user', headers: bearer(candidate.secret) }),
  live: { status: [200], detail: (body) => (isRecord(body) && nonEmptyString(body['id']) ? detailOf({ id: body['id'], slug: typeof body['slug'] === 'string' ? body['slug'] : undefined }) : undefined) },
  refused: { status: [401], match: (body) => at(body, 'code') === 401 && nonEmptyString(at(body, 'message')) },
};
