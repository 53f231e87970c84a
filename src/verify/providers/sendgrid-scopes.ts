import { at, bearer, isRecord, nonEmptyString, stringList, type ProviderSpec } from './spec.js';

/** SendGrid: the scopes of the key making the call; sends no mail. */
export const sendgridScopes: ProviderSpec = {
  name: 'sendgrid-scopes',
  provider: 'SendGrid',
  baseUrl: 'https://api.sendgrid.com',
  docs: 'https://www.twilio.com/docs/sendgrid/api-reference/api-key-permissions/retrieve-a-list-of-scopes-for-which-this-user-has-access',
  proves: 'the key authenticates a SendGrid account (its scopes)',
  request: (candidate) => ({ method: 'GET', path: '/v3/scopes', headers: bearer(candidate.secret) }),
  live: {
    status: [200],
    detail: (body) => {
      const scopes = isRecord(body) ? stringList(body['scopes']) : undefined;
      return scopes === undefined ? undefined : { scopes };
    },
  },
  refused: {
    status: [401], // 403 means a working key without the scope
    match: (body) => {
      const errors = at(body, 'errors');
      return Array.isArray(errors) && errors.length > 0 && errors.every((error) => isRecord(error) && nonEmptyString(error['message']));
    },
  },
};
