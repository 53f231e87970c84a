import { at, bearer, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Sentry: the organizations a user auth token can see. */
export const sentryOrganizations: ProviderSpec = {
  name: 'sentry-organizations',
  provider: 'Sentry',
  baseUrl: 'https://sentry.io',
  docs: 'https://docs.sentry.io/api/organizations/list-your-organizations/',
  proves: 'the token authenticates a Sentry user (the organization slugs it can read)',
  request: (candidate) => ({ method: 'GET', path: '/api/0/organizations/', headers: bearer(candidate.secret) }),
  live: {
    status: [200],
    detail: (body) =>
      Array.isArray(body) && body.every((org) => isRecord(org) && nonEmptyString(org['slug']))
        ? { organizations: body.map((org) => (org as { slug: string }).slug) }
        : undefined,
  },
  refused: { status: [401], match: (body) => nonEmptyString(at(body, 'detail')) },
};
