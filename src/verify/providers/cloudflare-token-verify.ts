import { at, bearer, detailOf, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/**
 * Cloudflare: token verify. A user token is checked at /user/tokens/verify; an account-owned token
 * (cfat_) only at /accounts/{id}/tokens/verify, so it needs the account id as its paired part.
 * `status` may be active, disabled or expired: only active is live.
 */
export const cloudflareTokenVerify: ProviderSpec = {
  name: 'cloudflare-token-verify',
  provider: 'Cloudflare',
  baseUrl: 'https://api.cloudflare.com',
  docs: 'https://developers.cloudflare.com/api/resources/user/subresources/tokens/methods/verify/',
  proves: 'the API token is active (token id, expiry)',
  limits: { perSecond: 4, concurrency: 4 },
  request: (candidate) => {
    if (candidate.secret.startsWith('cfat_')) {
      const account = candidate.parts?.['account'];
      if (account === undefined || !/^[0-9a-f]{32}$/.test(account)) return { cannot: 'needs-pair' };
      return { method: 'GET', path: `/client/v4/accounts/${account}/tokens/verify`, headers: bearer(candidate.secret) };
    }
    return { method: 'GET', path: '/client/v4/user/tokens/verify', headers: bearer(candidate.secret) };
  },
  live: {
    status: [200],
    detail: (body) =>
      isRecord(body) && body['success'] === true && nonEmptyString(at(body, 'result', 'id')) && at(body, 'result', 'status') === 'active'
        ? detailOf({ token: at(body, 'result', 'id') as string, expires: typeof at(body, 'result', 'expires_on') === 'string' ? (at(body, 'result', 'expires_on') as string) : undefined })
        : undefined,
  },
  refused: {
    status: [200, 400, 401],
    match: (body, _headers, status) => {
      // A disabled or expired token is answered 200 with that status: it exists but does not work.
      if (status === 200) return at(body, 'success') === true && (at(body, 'result', 'status') === 'disabled' || at(body, 'result', 'status') === 'expired');
      const errors = at(body, 'errors');
      return at(body, 'success') === false && Array.isArray(errors) && errors.some((error) => isRecord(error) && (error['code'] === 1000 || error['code'] === 6003 || error['code'] === 6111));
    },
  },
};
