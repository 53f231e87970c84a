import { at, bearer, detailOf, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Doppler: the token's own description (type, workplace). */
export const dopplerMe: ProviderSpec = {
  name: 'doppler-me',
  provider: 'Doppler',
  baseUrl: 'https://api.doppler.com',
  docs: 'https://docs.doppler.com/reference/auth-me',
  proves: 'the token works (token type, workplace slug)',
  request: (candidate) => ({ method: 'GET', path: '/v3/me', headers: bearer(candidate.secret) }),
  live: {
    status: [200],
    detail: (body) =>
      isRecord(body) && nonEmptyString(body['type']) && nonEmptyString(at(body, 'workplace', 'slug'))
        ? detailOf({ type: body['type'], workplace: at(body, 'workplace', 'slug') as string })
        : undefined,
  },
  refused: { status: [401], match: (body) => at(body, 'success') === false && Array.isArray(at(body, 'messages')) },
};
