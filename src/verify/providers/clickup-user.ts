import { at, detailOf, idLike, nonEmptyString, stringOr, type ProviderSpec } from './spec.js';

/** ClickUp: the authorized user; a personal token goes in Authorization without a scheme. */
export const clickupUser: ProviderSpec = {
  name: 'clickup-user',
  provider: 'ClickUp',
  baseUrl: 'https://api.clickup.com',
  docs: 'https://developer.clickup.com/reference/getauthorizeduser',
  proves: 'the token authenticates a ClickUp user (id, username)',
  request: (candidate) => ({ method: 'GET', path: '/api/v2/user', headers: { authorization: candidate.secret } }),
  live: {
    status: [200],
    detail: (body) => (idLike(at(body, 'user', 'id')) ? detailOf({ id: stringOr(at(body, 'user', 'id')), username: typeof at(body, 'user', 'username') === 'string' ? (at(body, 'user', 'username') as string) : undefined }) : undefined),
  },
  refused: { status: [401], match: (body) => nonEmptyString(at(body, 'err')) && nonEmptyString(at(body, 'ECODE')) },
};
