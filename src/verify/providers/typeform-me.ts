import { at, bearer, detailOf, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Typeform: the account a personal access token belongs to (alias and id; not the e-mail). */
export const typeformMe: ProviderSpec = {
  name: 'typeform-me',
  provider: 'Typeform',
  baseUrl: 'https://api.typeform.com',
  docs: 'https://www.typeform.com/developers/get-started/personal-access-token/',
  proves: 'the token authenticates a Typeform account (alias, user id)',
  request: (candidate) => ({ method: 'GET', path: '/me', headers: bearer(candidate.secret) }),
  live: {
    status: [200],
    detail: (body) => (isRecord(body) && nonEmptyString(body['user_id']) ? detailOf({ user: body['user_id'], alias: typeof body['alias'] === 'string' ? body['alias'] : undefined }) : undefined),
  },
  // 403 is what a working token without the accounts:read scope gets: not a refusal of the key.
  refused: { status: [401], match: (body) => nonEmptyString(at(body, 'code')) && nonEmptyString(at(body, 'description')) },
};
