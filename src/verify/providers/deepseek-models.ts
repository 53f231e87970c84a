import { bearer, modelList, openAiStyleRefusal, type ProviderSpec } from './spec.js';

/** DeepSeek: the OpenAI-compatible model list. */
export const deepseekModels: ProviderSpec = {
  name: 'deepseek-models',
  provider: 'DeepSeek',
  baseUrl: 'https://api.deepseek.com',
  docs: 'https://api-docs.deepseek.com/api/list-models',
  proves: 'the key may call the DeepSeek API (number of models it can see)',
  request: (candidate) => ({ method: 'GET', path: '/models', headers: bearer(candidate.secret) }),
  live: { status: [200], detail: modelList },
  refused: { status: [401], match: openAiStyleRefusal },
};
