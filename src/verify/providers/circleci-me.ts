import { at, detailOf, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** CircleCI API v2: the user a personal API token belongs to. */
export const circleciMe: ProviderSpec = {
  name: 'circleci-me',
  provider: 'CircleCI',
  baseUrl: 'https://circleci.com',
  docs: 'https://circleci.com/docs/api/v2/index.html#operation/getCurrentUser',
  proves: 'the token authenticates a CircleCI user (login, id)',
  request: (candidate) => ({ method: 'GET', path: '/api/v2/me', headers: { 'circle-token': candidate.secret } }),
  live: { status: [200], detail: (body) => (isRecord(body) && nonEmptyString(body['id']) && nonEmptyString(body['login']) ? detailOf({ id: body['id'], login: body['login'] }) : undefined) },
  refused: { status: [401], match: (body) => nonEmptyString(at(body, 'message')) },
};
