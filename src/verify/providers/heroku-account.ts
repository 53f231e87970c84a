import { at, bearer, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Heroku Platform API v3: the account a token belongs to (its id; not the e-mail). */
export const herokuAccount: ProviderSpec = {
  name: 'heroku-account',
  provider: 'Heroku',
  baseUrl: 'https://api.heroku.com',
  docs: 'https://devcenter.heroku.com/articles/platform-api-reference#account-info',
  proves: 'the key authenticates a Heroku account (account id)',
  request: (candidate) => ({ method: 'GET', path: '/account', headers: { ...bearer(candidate.secret), accept: 'application/vnd.heroku+json; version=3' } }),
  live: { status: [200], detail: (body) => (isRecord(body) && nonEmptyString(body['id']) ? { id: body['id'] } : undefined) },
  refused: { status: [401], match: (body) => at(body, 'id') === 'unauthorized' },
};
