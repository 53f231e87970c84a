import { bearer, detailOf, isRecord, nonEmptyString, stringList, type ProviderSpec } from './spec.js';

/** Buildkite: GET /v2/access-token describes the token itself (DELETE would revoke it; never sent). */
export const buildkiteAccessToken: ProviderSpec = {
  name: 'buildkite-access-token',
  provider: 'Buildkite',
  baseUrl: 'https://api.buildkite.com',
  docs: 'https://buildkite.com/docs/apis/rest-api/access-token',
  proves: 'the token works (token uuid, scopes)',
  request: (candidate) => ({ method: 'GET', path: '/v2/access-token', headers: bearer(candidate.secret) }),
  live: {
    status: [200],
    detail: (body) => (isRecord(body) && nonEmptyString(body['uuid']) && stringList(body['scopes']) !== undefined ? detailOf({ uuid: body['uuid'], scopes: stringList(body['scopes']) }) : undefined),
  },
  refused: { status: [401], match: (body) => isRecord(body) && nonEmptyString(body['message']) },
};
