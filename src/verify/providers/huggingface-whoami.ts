import { at, bearer, detailOf, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Hugging Face: whoami-v2 names the account and the token's role. */
export const huggingfaceWhoami: ProviderSpec = {
  name: 'huggingface-whoami',
  provider: 'Hugging Face',
  baseUrl: 'https://huggingface.co',
  docs: 'https://huggingface.co/docs/hub/api#get-apiwhoami-v2',
  proves: 'the token authenticates a Hugging Face account (name, type, token role)',
  request: (candidate) => ({ method: 'GET', path: '/api/whoami-v2', headers: bearer(candidate.secret) }),
  live: {
    status: [200],
    detail: (body) =>
      isRecord(body) && nonEmptyString(body['name']) && nonEmptyString(body['type'])
        ? detailOf({ name: body['name'], type: body['type'], role: typeof at(body, 'auth', 'accessToken', 'role') === 'string' ? (at(body, 'auth', 'accessToken', 'role') as string) : undefined })
        : undefined,
  },
  refused: { status: [401], match: (body) => nonEmptyString(at(body, 'error')) },
};
