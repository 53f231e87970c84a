import { at, bearer, detailOf, isRecord, nonEmptyString, stringList, type ProviderSpec } from './spec.js';

/** Airtable: whoami returns the user id and, for a personal access token, its scopes. */
export const airtableWhoami: ProviderSpec = {
  name: 'airtable-whoami',
  provider: 'Airtable',
  baseUrl: 'https://api.airtable.com',
  docs: 'https://airtable.com/developers/web/api/get-user-id-scopes',
  proves: 'the token authenticates an Airtable user (user id, scopes)',
  limits: { perSecond: 5, concurrency: 4 },
  request: (candidate) => ({ method: 'GET', path: '/v0/meta/whoami', headers: bearer(candidate.secret) }),
  live: {
    status: [200],
    detail: (body) => (isRecord(body) && nonEmptyString(body['id']) && body['id'].startsWith('usr') ? detailOf({ id: body['id'], scopes: stringList(body['scopes']) }) : undefined),
  },
  refused: { status: [401], match: (body) => nonEmptyString(at(body, 'error', 'type')) || nonEmptyString(at(body, 'error')) },
};
