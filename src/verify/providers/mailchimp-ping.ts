import { at, basic, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Mailchimp Marketing: /ping at the data centre the key names (its `-usN` suffix). */
export const mailchimpPing: ProviderSpec = {
  name: 'mailchimp-ping',
  provider: 'Mailchimp',
  baseUrl: (candidate) => {
    const dc = /-(us\d{1,2})$/.exec(candidate.secret)?.[1] ?? 'us1';
    return `https://${dc}.api.mailchimp.com`;
  },
  docs: 'https://mailchimp.com/developer/marketing/api/ping/',
  proves: 'the key authenticates against the Mailchimp Marketing API',
  request: (candidate) => ({ method: 'GET', path: '/3.0/ping', headers: basic('keyward', candidate.secret) }),
  live: { status: [200], detail: (body) => (isRecord(body) && nonEmptyString(body['health_status']) ? {} : undefined) },
  refused: { status: [401], match: (body) => at(body, 'status') === 401 && nonEmptyString(at(body, 'title')) },
};
