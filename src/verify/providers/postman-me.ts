import { at, detailOf, idLike, nonEmptyString, stringOr, type ProviderSpec } from './spec.js';

/** Postman: the user an API key belongs to. */
export const postmanMe: ProviderSpec = {
  name: 'postman-me',
  provider: 'Postman',
  baseUrl: 'https://api.getpostman.com',
  docs: 'https://learning.postman.com/docs/developer/postman-api/authentication/',
  proves: 'the key authenticates a Postman user (id, username)',
  request: (candidate) => ({ method: 'GET', path: '/me', headers: { 'x-api-key': candidate.secret } }),
  live: {
    status: [200],
    detail: (body) => (idLike(at(body, 'user', 'id')) ? detailOf({ id: stringOr(at(body, 'user', 'id')), username: typeof at(body, 'user', 'username') === 'string' ? (at(body, 'user', 'username') as string) : undefined }) : undefined),
  },
  refused: { status: [401], match: (body) => at(body, 'error', 'name') === 'AuthenticationError' },
};
