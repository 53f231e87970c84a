import { at, bearer, detailOf, headerList, idLike, isRecord, nonEmptyString, stringOr, type ProviderSpec } from './spec.js';

/** GitHub: the authenticated user. A classic token also reports its scopes in X-OAuth-Scopes. */
export const githubUser: ProviderSpec = {
  name: 'github-user',
  provider: 'GitHub',
  baseUrl: 'https://api.github.com',
  docs: 'https://docs.github.com/en/rest/users/users#get-the-authenticated-user',
  proves: 'the token authenticates as a GitHub user (login, id, scopes, expiry)',
  limits: { perSecond: 10, concurrency: 4 },
  request: (candidate) => ({
    method: 'GET',
    path: '/user',
    headers: { ...bearer(candidate.secret), accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
  }),
  live: {
    status: [200],
    detail: (body, headers) =>
      isRecord(body) && nonEmptyString(body['login']) && idLike(body['id'])
        ? detailOf({
            login: body['login'],
            id: stringOr(body['id']),
            scopes: headerList(headers, 'x-oauth-scopes'),
            expires: headers.get('github-authentication-token-expiration') ?? undefined,
          })
        : undefined,
  },
  refused: { status: [401], match: (body) => nonEmptyString(at(body, 'message')) },
};
