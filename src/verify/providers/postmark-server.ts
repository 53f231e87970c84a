import { at, detailOf, idLike, isRecord, nonEmptyString, stringOr, type ProviderSpec } from './spec.js';

/** Postmark: the server a server token belongs to. */
export const postmarkServer: ProviderSpec = {
  name: 'postmark-server',
  provider: 'Postmark',
  baseUrl: 'https://api.postmarkapp.com',
  docs: 'https://postmarkapp.com/developer/api/server-api#get-server',
  proves: 'the server token works (server id and name)',
  request: (candidate) => ({ method: 'GET', path: '/server', headers: { 'x-postmark-server-token': candidate.secret } }),
  live: {
    status: [200],
    detail: (body) => (isRecord(body) && idLike(body['ID']) && nonEmptyString(body['Name']) ? detailOf({ server: stringOr(body['ID']), name: body['Name'] }) : undefined),
  },
  refused: { status: [401, 422], match: (body) => at(body, 'ErrorCode') === 10 },
};
