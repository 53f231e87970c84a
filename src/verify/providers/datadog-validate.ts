import { at, isRecord, stringList, type ProviderSpec } from './spec.js';

/** Datadog: /api/v1/validate checks an API key (not an application key) and nothing else. */
export const datadogValidate: ProviderSpec = {
  name: 'datadog-validate',
  provider: 'Datadog',
  baseUrl: 'https://api.datadoghq.com',
  docs: 'https://docs.datadoghq.com/api/latest/authentication/#validate-api-key',
  proves: 'the API key is valid on this Datadog site (US1 by default; set --validate-endpoint for others)',
  request: (candidate) => ({ method: 'GET', path: '/api/v1/validate', headers: { 'dd-api-key': candidate.secret } }),
  live: { status: [200], detail: (body) => (isRecord(body) && body['valid'] === true ? {} : undefined) },
  refused: { status: [403], match: (body) => (stringList(at(body, 'errors'))?.length ?? 0) > 0 },
};
