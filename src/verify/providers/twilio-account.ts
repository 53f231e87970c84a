import { at, basic, detailOf, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Twilio: fetching the account with its SID and auth token (HTTP Basic). The SID is the paired part. */
export const twilioAccount: ProviderSpec = {
  name: 'twilio-account',
  provider: 'Twilio',
  baseUrl: 'https://api.twilio.com',
  docs: 'https://www.twilio.com/docs/iam/api/account#fetch-an-account-resource',
  proves: 'the auth token works for the paired Account SID (account status, type)',
  request: (candidate) => {
    const sid = candidate.parts?.['id'];
    if (sid === undefined || !/^AC[0-9a-f]{32}$/.test(sid)) return { cannot: 'needs-pair' };
    return { method: 'GET', path: `/2010-04-01/Accounts/${sid}.json`, headers: basic(sid, candidate.secret) };
  },
  live: {
    status: [200],
    detail: (body) =>
      isRecord(body) && nonEmptyString(body['sid']) && body['sid'].startsWith('AC') && nonEmptyString(body['status'])
        ? detailOf({ account: body['sid'], status: body['status'], type: typeof body['type'] === 'string' ? body['type'] : undefined })
        : undefined,
  },
  refused: { status: [401], match: (body) => typeof at(body, 'code') === 'number' && nonEmptyString(at(body, 'message')) },
};
