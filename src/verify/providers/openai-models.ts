import { bearer, modelList, openAiStyleRefusal, type ProviderSpec } from './spec.js';

/** OpenAI: listing models is read-only and free. */
export const openaiModels: ProviderSpec = {
  name: 'openai-models',
  provider: 'OpenAI',
  baseUrl: 'https://api.openai.com',
  docs: 'https://platform.openai.com/docs/api-reference/models/list',
  proves: 'the key may call the OpenAI API (number of models it can see)',
  request: (candidate) => ({ method: 'GET', path: '/v1/models', headers: bearer(candidate.secret) }),
  live: { status: [200], detail: modelList },
  refused: { status: [401], match: openAiStyleRefusal },
};
