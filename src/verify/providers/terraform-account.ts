import { at, bearer, detailOf, isRecord, nonEmptyString, type ProviderSpec } from './spec.js';

/** HCP Terraform (Terraform Cloud): the account details of the token's user. */
export const terraformAccount: ProviderSpec = {
  name: 'terraform-account',
  provider: 'HCP Terraform',
  baseUrl: 'https://app.terraform.io',
  docs: 'https://developer.hashicorp.com/terraform/cloud-docs/api-docs/account#get-your-account-details',
  proves: 'the token authenticates an HCP Terraform user (user id, username)',
  request: (candidate) => ({ method: 'GET', path: '/api/v2/account/details', headers: { ...bearer(candidate.secret), accept: 'application/vnd.api+json' } }),
  live: {
    status: [200],
    detail: (body) =>
      nonEmptyString(at(body, 'data', 'id')) && at(body, 'data', 'type') === 'users'
        ? detailOf({ id: at(body, 'data', 'id') as string, username: typeof at(body, 'data', 'attributes', 'username') === 'string' ? (at(body, 'data', 'attributes', 'username') as string) : undefined })
        : undefined,
  },
  refused: {
    status: [401],
    match: (body) => {
      const errors = at(body, 'errors');
      return Array.isArray(errors) && errors.some((error) => isRecord(error) && String(error['status']) === '401');
    },
  },
};
