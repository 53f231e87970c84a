import { at, bearer, detailOf, nonEmptyString, type ProviderSpec } from './spec.js';

/** DigitalOcean: the account a token belongs to. Only the uuid and status are kept (no e-mail). */
export const digitaloceanAccount: ProviderSpec = {
  name: 'digitalocean-account',
  provider: 'DigitalOcean',
  baseUrl: 'https://api.digitalocean.com',
  docs: 'https://docs.digitalocean.com/reference/api/digitalocean/#tag/Account/operation/account_get',
  proves: 'the token authenticates a DigitalOcean account (uuid, status)',
  request: (candidate) => ({ method: 'GET', path: '/v2/account', headers: bearer(candidate.secret) }),
  live: {
    status: [200],
    detail: (body) =>
      nonEmptyString(at(body, 'account', 'uuid')) && nonEmptyString(at(body, 'account', 'status'))
        ? detailOf({ uuid: at(body, 'account', 'uuid') as string, status: at(body, 'account', 'status') as string })
        : undefined,
  },
  refused: { status: [401], match: (body) => at(body, 'id') === 'Unauthorized' || at(body, 'id') === 'unauthorized' },
};
