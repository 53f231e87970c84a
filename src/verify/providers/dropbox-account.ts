import { at, bearer, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Dropbox: get_current_account, an RPC endpoint that takes no argument (body `null`). */
export const dropboxAccount: ProviderSpec = {
  name: 'dropbox-account',
  provider: 'Dropbox',
  baseUrl: 'https://api.dropboxapi.com',
  docs: 'https://www.dropbox.com/developers/documentation/http/documentation#users-get_current_account',
  proves: 'the access token works for a Dropbox account (account id)',
  request: (candidate) => ({ method: 'POST', path: '/2/users/get_current_account', headers: { ...bearer(candidate.secret), 'content-type': 'application/json' }, body: 'null' }),
  live: { status: [200], detail: (body) => (isRecord(body) && nonEmptyString(body['account_id']) ? { account: body['account_id'] } : undefined) },
  refused: { status: [401], match: (body) => nonEmptyString(at(body, 'error_summary')) && nonEmptyString(at(body, 'error', '.tag')) },
};
