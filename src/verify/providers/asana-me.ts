import { at, bearer, detailOf, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Asana: the user a personal access token belongs to. */
export const asanaMe: ProviderSpec = {
  name: 'asana-me',
  provider: 'Asana',
  baseUrl: 'https://app.asana.com',
  docs: 'https://developers.asana.com/reference/getuser',
  proves: 'the token authenticates an Asana user (gid, name)',
  request: (candidate) => ({ method: 'GET', path: '/api/1.0/users/me', headers: bearer(candidate.secret) }),
  live: {
    status: [200],
    detail: (body) => (nonEmptyString(at(body, 'data', 'gid')) ? detailOf({ gid: at(body, 'data', 'gid') as string, name: typeof at(body, 'data', 'name') === 'string' ? (at(body, 'data', 'name') as string) : undefined }) : undefined),
  },
  refused: {
    status: [401],
    match: (body) => {
      const errors = at(body, 'errors');
      return Array.isArray(errors) && errors.length > 0 && errors.every((error) => isRecord(error) && nonEmptyString(error['message']));
    },
  },
};
