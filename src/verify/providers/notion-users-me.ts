import { at, bearer, detailOf, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Notion: the bot user an integration token belongs to. */
export const notionUsersMe: ProviderSpec = {
  name: 'notion-users-me',
  provider: 'Notion',
  baseUrl: 'https://api.notion.com',
  docs: 'https://developers.notion.com/reference/get-self',
  proves: 'the integration token works (bot user id, workspace name)',
  limits: { perSecond: 3, concurrency: 3 },
  request: (candidate) => ({ method: 'GET', path: '/v1/users/me', headers: { ...bearer(candidate.secret), 'notion-version': '2022-06-28' } }),
  live: {
    status: [200],
    detail: (body) =>
      isRecord(body) && body['object'] === 'user' && nonEmptyString(body['id'])
        ? detailOf({ id: body['id'], type: typeof body['type'] === 'string' ? body['type'] : undefined, workspace: typeof at(body, 'bot', 'workspace_name') === 'string' ? (at(body, 'bot', 'workspace_name') as string) : undefined })
        : undefined,
  },
  refused: { status: [401], match: (body) => at(body, 'object') === 'error' && at(body, 'code') === 'unauthorized' },
};
