import { at, detailOf, idLike, isRecord, nonEmptyString, stringOr, type ProviderSpec } from './spec.js';

/** GitLab: the user a personal access token belongs to (gitlab.com, or a self-managed base URL). */
export const gitlabUser: ProviderSpec = {
  name: 'gitlab-user',
  provider: 'GitLab',
  baseUrl: 'https://gitlab.com',
  docs: 'https://docs.gitlab.com/api/users/#retrieve-the-current-user',
  proves: 'the token authenticates as a GitLab user (username, id)',
  request: (candidate) => ({ method: 'GET', path: '/api/v4/user', headers: { 'private-token': candidate.secret } }),
  live: {
    status: [200],
    detail: (body) =>
      isRecord(body) && nonEmptyString(body['username']) && idLike(body['id'])
        ? detailOf({ username: body['username'], id: stringOr(body['id']) })
        : undefined,
  },
  refused: { status: [401], match: (body) => nonEmptyString(at(body, 'message')) || nonEmptyString(at(body, 'error')) },
};
