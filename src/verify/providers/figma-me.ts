import { at, detailOf, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Figma: the user a personal access token belongs to (handle and id; not the e-mail). */
export const figmaMe: ProviderSpec = {
  name: 'figma-me',
  provider: 'Figma',
  baseUrl: 'https://api.figma.com',
  docs: 'https://developers.figma.com/docs/rest-api/users-endpoints/',
  proves: 'the token authenticates a Figma user (handle, id)',
  request: (candidate) => ({ method: 'GET', path: '/v1/me', headers: { 'x-figma-token': candidate.secret } }),
  live: { status: [200], detail: (body) => (isRecord(body) && nonEmptyString(body['id']) && nonEmptyString(body['handle']) ? detailOf({ id: body['id'], handle: body['handle'] }) : undefined) },
  // A working token without the scope is also a 403 ("Invalid scope(s)…"): only a bad token is invalid.
  refused: { status: [403], match: (body) => at(body, 'status') === 403 && at(body, 'err') === 'Invalid token' },
};
