import { at, detailOf, idLike, nonEmptyString, stringOr, type ProviderSpec } from './spec.js';

/**
 * Telegram Bot API: getMe. The token is part of the URL path by the API's design, which is why the HTTP
 * client never prints a URL.
 */
export const telegramGetMe: ProviderSpec = {
  name: 'telegram-getme',
  provider: 'Telegram',
  baseUrl: 'https://api.telegram.org',
  docs: 'https://core.telegram.org/bots/api#getme',
  proves: 'the token belongs to a working Telegram bot (id, username)',
  request: (candidate) => (/^\d{5,12}:[0-9A-Za-z_-]{30,50}$/.test(candidate.secret) ? { method: 'GET', path: `/bot${candidate.secret}/getMe`, headers: {} } : { cannot: 'malformed' }),
  live: {
    status: [200],
    detail: (body) =>
      at(body, 'ok') === true && idLike(at(body, 'result', 'id')) && at(body, 'result', 'is_bot') === true
        ? detailOf({ id: stringOr(at(body, 'result', 'id')), username: typeof at(body, 'result', 'username') === 'string' ? (at(body, 'result', 'username') as string) : undefined })
        : undefined,
  },
  refused: { status: [401], match: (body) => at(body, 'ok') === false && at(body, 'error_code') === 401 && nonEmptyString(at(body, 'description')) },
};
