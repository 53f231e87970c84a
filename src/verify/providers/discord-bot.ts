import { at, detailOf, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** Discord: the bot user a bot token belongs to (`Authorization: Bot …`). */
export const discordBot: ProviderSpec = {
  name: 'discord-bot',
  provider: 'Discord',
  baseUrl: 'https://discord.com',
  docs: 'https://discord.com/developers/docs/resources/user#get-current-user',
  proves: 'the token authenticates a Discord bot (id, username)',
  limits: { perSecond: 2, concurrency: 2 },
  request: (candidate) => ({ method: 'GET', path: '/api/v10/users/@me', headers: { authorization: `Bot ${candidate.secret}` } }),
  live: {
    status: [200],
    detail: (body) => (isRecord(body) && nonEmptyString(body['id']) && nonEmptyString(body['username']) ? detailOf({ id: body['id'], username: body['username'], bot: body['bot'] === true }) : undefined),
  },
  refused: { status: [401], match: (body) => typeof at(body, 'code') === 'number' && nonEmptyString(at(body, 'message')) },
};
