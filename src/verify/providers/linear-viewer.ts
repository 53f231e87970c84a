import { at, detailOf, nonEmptyString, type ProviderSpec } from './spec.js';

/** Linear: a GraphQL query (never a mutation) for the viewer. API keys go bare; OAuth tokens as Bearer. */
export const linearViewer: ProviderSpec = {
  name: 'linear-viewer',
  provider: 'Linear',
  baseUrl: 'https://api.linear.app',
  docs: 'https://linear.app/developers/graphql#authentication',
  proves: 'the key authenticates a Linear user (viewer id, name)',
  request: (candidate) => ({
    method: 'POST',
    path: '/graphql',
    headers: { authorization: candidate.secret.startsWith('lin_oauth_') ? `Bearer ${candidate.secret}` : candidate.secret, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ viewer { id name } }' }),
  }),
  live: {
    status: [200],
    detail: (body) =>
      nonEmptyString(at(body, 'data', 'viewer', 'id')) ? detailOf({ id: at(body, 'data', 'viewer', 'id') as string, name: typeof at(body, 'data', 'viewer', 'name') === 'string' ? (at(body, 'data', 'viewer', 'name') as string) : undefined }) : undefined,
  },
  refused: {
    status: [400, 401],
    match: (body) => {
      const errors = at(body, 'errors');
      return Array.isArray(errors) && errors.some((error) => at(error, 'extensions', 'code') === 'AUTHENTICATION_ERROR');
    },
  },
};
