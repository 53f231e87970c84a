import { at, bearer, detailOf, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Errors auth.test documents for a token that does not work (it answers 200 either way). */
const REFUSALS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired']);

/** Slack: auth.test names the workspace and user of a bot or user token and changes nothing. */
export const slackAuthTest: ProviderSpec = {
  name: 'slack-auth-test',
  provider: 'Slack',
  baseUrl: 'https://slack.com',
  docs: 'https://docs.slack.dev/reference/methods/auth.test',
  proves: 'the token works in a Slack workspace (team, user, bot id)',
  limits: { perSecond: 1, concurrency: 2 },
  request: (candidate) => ({ method: 'POST', path: '/api/auth.test', headers: { ...bearer(candidate.secret), 'content-type': 'application/x-www-form-urlencoded' }, body: '' }),
  live: {
    status: [200],
    detail: (body) =>
      isRecord(body) && body['ok'] === true && nonEmptyString(body['team_id']) && nonEmptyString(body['user_id'])
        ? detailOf({ team: typeof body['team'] === 'string' ? body['team'] : undefined, team_id: body['team_id'], user_id: body['user_id'], bot_id: typeof body['bot_id'] === 'string' ? body['bot_id'] : undefined })
        : undefined,
  },
  refused: { status: [200], match: (body) => at(body, 'ok') === false && REFUSALS.has(String(at(body, 'error'))) },
};
