import { signV4 } from '../sigv4.js';
import { detailOf, type ProviderSpec } from './spec.js';

const BODY = 'Action=GetCallerIdentity&Version=2011-06-15';

function element(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]{1,2048})</${name}>`).exec(xml)?.[1];
}

/**
 * AWS STS GetCallerIdentity: needs no permission and changes nothing, so it works for any access key
 * pair. The secret key alone cannot sign, so the paired access key id must come with it.
 */
export const awsSts: ProviderSpec = {
  name: 'aws-sts',
  provider: 'AWS',
  baseUrl: 'https://sts.amazonaws.com',
  docs: 'https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html',
  proves: 'the access key pair authenticates to AWS (account id, ARN)',
  format: 'xml',
  request: (candidate, base) => {
    const accessKeyId = candidate.parts?.['id'];
    if (accessKeyId === undefined || !/^(?:AKIA|ASIA)[0-9A-Z]{16}$/.test(accessKeyId)) return { cannot: 'needs-pair' };
    const session = candidate.parts?.['session'];
    const headers = signV4({
      method: 'POST',
      url: new URL(`${base.href.replace(/\/+$/, '')}/`),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...(session === undefined ? {} : { 'x-amz-security-token': session }) },
      body: BODY,
      region: 'us-east-1',
      service: 'sts',
      accessKeyId,
      secretAccessKey: candidate.secret,
    });
    return { method: 'POST', path: '/', headers: { ...headers, accept: 'text/xml' }, body: BODY };
  },
  live: {
    status: [200],
    detail: (body) => {
      const xml = String(body);
      if (!xml.includes('<GetCallerIdentityResult>')) return undefined;
      const account = element(xml, 'Account');
      const arn = element(xml, 'Arn');
      if (account === undefined || !/^\d{12}$/.test(account) || arn === undefined || !arn.startsWith('arn:')) return undefined;
      return detailOf({ account, arn });
    },
  },
  refused: {
    status: [403],
    match: (body) => {
      const xml = String(body);
      const code = element(xml, 'Code');
      return xml.includes('<ErrorResponse') && (code === 'InvalidClientTokenId' || code === 'SignatureDoesNotMatch');
    },
  },
};
