import { airtableWhoami } from './airtable-whoami.js';
import { anthropicModels } from './anthropic-models.js';
import { asanaMe } from './asana-me.js';
import { awsSts } from './aws-sts.js';
import { brevoAccount } from './brevo-account.js';
import { buildkiteAccessToken } from './buildkite-access-token.js';
import { circleciMe } from './circleci-me.js';
import { clickupUser } from './clickup-user.js';
import { cloudflareTokenVerify } from './cloudflare-token-verify.js';
import { cohereCheckApiKey } from './cohere-check-api-key.js';
import { datadogValidate } from './datadog-validate.js';
import { deepseekModels } from './deepseek-models.js';
import { digitaloceanAccount } from './digitalocean-account.js';
import { discordBot } from './discord-bot.js';
import { dopplerMe } from './doppler-me.js';
import { dropboxAccount } from './dropbox-account.js';
import { figmaMe } from './figma-me.js';
import { githubUser } from './github-user.js';
import { gitlabUser } from './gitlab-user.js';
import { groqModels } from './groq-models.js';
import { herokuAccount } from './heroku-account.js';
import { huggingfaceWhoami } from './huggingface-whoami.js';
import { linearViewer } from './linear-viewer.js';
import { mailchimpPing } from './mailchimp-ping.js';
import { netlifyUser } from './netlify-user.js';
import { notionUsersMe } from './notion-users-me.js';
import { npmWhoami } from './npm-whoami.js';
import { openaiModels } from './openai-models.js';
import { openrouterKey } from './openrouter-key.js';
import { postmanMe } from './postman-me.js';
import { postmarkServer } from './postmark-server.js';
import { replicateAccount } from './replicate-account.js';
import { sendgridScopes } from './sendgrid-scopes.js';
import { sentryOrganizations } from './sentry-organizations.js';
import { slackAuthTest } from './slack-auth-test.js';
import { stripeAccount } from './stripe-account.js';
import { telegramGetMe } from './telegram-getme.js';
import { terraformAccount } from './terraform-account.js';
import { twilioAccount } from './twilio-account.js';
import { typeformMe } from './typeform-me.js';
import { vercelUser } from './vercel-user.js';
import type { ProviderSpec } from './spec.js';

/** Every provider check, by the `verify:` name rules use. One file each; adding one is adding a line here. */
export const PROVIDERS: ReadonlyMap<string, ProviderSpec> = new Map(
  [
    airtableWhoami,
    anthropicModels,
    asanaMe,
    awsSts,
    brevoAccount,
    buildkiteAccessToken,
    circleciMe,
    clickupUser,
    cloudflareTokenVerify,
    cohereCheckApiKey,
    datadogValidate,
    deepseekModels,
    digitaloceanAccount,
    discordBot,
    dopplerMe,
    dropboxAccount,
    figmaMe,
    githubUser,
    gitlabUser,
    groqModels,
    herokuAccount,
    huggingfaceWhoami,
    linearViewer,
    mailchimpPing,
    netlifyUser,
    notionUsersMe,
    npmWhoami,
    openaiModels,
    openrouterKey,
    postmanMe,
    postmarkServer,
    replicateAccount,
    sendgridScopes,
    sentryOrganizations,
    slackAuthTest,
    stripeAccount,
    telegramGetMe,
    terraformAccount,
    twilioAccount,
    typeformMe,
    vercelUser,
  ].map((spec) => [spec.name, spec] as const),
);
