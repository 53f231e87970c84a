import { at, bearer, isRecord, openAiStyleRefusal, type ProviderSpec } from './spec.js';

/**
 * OpenRouter: the current key's limits and usage. Its `label` holds a piece of the key, so only
 * numbers and flags are kept.
 */
export const openrouterKey: ProviderSpec = {
  name: 'openrouter-key',
  provider: 'OpenRouter',
  baseUrl: 'https://openrouter.ai',
  docs: 'https://openrouter.ai/docs/api/api-reference/api-keys/get-current-key',
  proves: 'the key works (free tier or not, credit limit)',
  request: (candidate) => ({ method: 'GET', path: '/api/v1/key', headers: bearer(candidate.secret) }),
  live: {
    status: [200],
    detail: (body) => {
      const data = at(body, 'data');
      if (!isRecord(data) || typeof data['is_free_tier'] !== 'boolean' || typeof data['usage'] !== 'number') return undefined;
      return { free_tier: data['is_free_tier'], ...(typeof data['limit'] === 'number' ? { limit: data['limit'] } : {}) };
    },
  },
  refused: { status: [401], match: openAiStyleRefusal },
};
