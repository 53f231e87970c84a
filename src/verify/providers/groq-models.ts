import { bearer, modelList, openAiStyleRefusal, type ProviderSpec } from './spec.js';

/** Groq: the OpenAI-compatible model list. */
export const groqModels: ProviderSpec = {
  name: 'groq-models',
  provider: 'Groq',
  baseUrl: 'https://api.groq.com',
  docs: 'https://console.groq.com/docs/api-reference#models-list',
  proves: 'the key may call the Groq API (number of models it can see)',
  request: (candidate) => ({ method: 'GET', path: '/openai/v1/models', headers: bearer(candidate.secret) }),
  live: { status: [200], detail: modelList },
  refused: { status: [401], match: openAiStyleRefusal },
};
