import { at, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Anthropic: the model list, with the documented x-api-key and anthropic-version headers. */
export const anthropicModels: ProviderSpec = {
  name: 'anthropic-models',
  provider: 'Anthropic',
  baseUrl: 'https://api.anthropic.com',
  docs: 'https://docs.anthropic.com/en/api/models-list',
  proves: 'the key may call the Claude API (number of models it can see)',
  request: (candidate) => ({ method: 'GET', path: '/v1/models', headers: { 'x-api-key': candidate.secret, 'anthropic-version': '2023-06-01' } }),
  live: {
    status: [200],
    detail: (body) => {
      const data = at(body, 'data');
      return Array.isArray(data) && data.every((model) => isRecord(model) && nonEmptyString(model['id']) && model['type'] === 'model') ? { models: data.length } : undefined;
    },
  },
  refused: { status: [401], match: (body) => at(body, 'type') === 'error' && at(body, 'error', 'type') === 'authentication_error' },
};
