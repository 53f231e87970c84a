import { at, bearer, detailOf, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Cohere: check-api-key exists for exactly this question; it runs no model. */
export const cohereCheckApiKey: ProviderSpec = {
  name: 'cohere-check-api-key',
  provider: 'Cohere',
  baseUrl: 'https://api.cohere.com',
  docs: 'https://docs.cohere.com/reference/check-api-key',
  proves: 'the key is valid and active (organization id)',
  request: (candidate) => ({ method: 'POST', path: '/v1/check-api-key', headers: { ...bearer(candidate.secret), 'content-type': 'application/json' }, body: '{}' }),
  live: {
    status: [200],
    detail: (body) => (isRecord(body) && body['valid'] === true ? detailOf({ organization: typeof body['organization_id'] === 'string' ? body['organization_id'] : undefined }) : undefined),
  },
  refused: { status: [200, 401], match: (body, _headers, status) => (status === 200 ? at(body, 'valid') === false : nonEmptyString(at(body, 'message'))) },
};
