import { at, bearer, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** npm: the registry's /-/whoami, the endpoint `npm whoami` uses with a token. */
export const npmWhoami: ProviderSpec = {
  name: 'npm-whoami',
  provider: 'npm',
  baseUrl: 'https://registry.npmjs.org',
  docs: 'https://docs.npmjs.com/cli/commands/npm-whoami',
  proves: 'the token authenticates an npm user (username)',
  request: (candidate) => ({ method: 'GET', path: '/-/whoami', headers: bearer(candidate.secret) }),
  live: { status: [200], detail: (body) => (isRecord(body) && nonEmptyString(body['username']) ? { username: body['username'] } : undefined) },
  refused: { status: [401], match: (body) => nonEmptyString(at(body, 'error')) || nonEmptyString(at(body, 'message')) },
};
