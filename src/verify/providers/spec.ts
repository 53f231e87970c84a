import type { Verification, VerifyCandidate } from '../types.js';

export type Detail = NonNullable<Verification['detail']>;

/** One request to a provider: the path is joined to the provider's base URL (or its `--validate-endpoint`). */
export interface ProviderRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * A provider check as data plus two pure functions: how to ask, and what a documented answer looks like.
 * The HTTP client (../http.ts) does everything else (limits, timeouts, redirects, retries), so a provider
 * file cannot get those wrong, and a classification is a function of (status, content type, body) only.
 */
export interface ProviderSpec {
  /** The `verify:` name in rule YAML. */
  name: string;
  provider: string;
  /** Default base URL; a function when it depends on the key (a Mailchimp key names its data centre). */
  baseUrl: string | ((candidate: VerifyCandidate) => string);
  /** The provider's API reference for this endpoint. */
  docs: string;
  /** What a `live` answer proves, for docs/VALIDATION.md. */
  proves: string;
  /** Requests per second and in flight at once; defaults in ../http.ts. */
  limits?: { perSecond?: number; concurrency?: number };
  /** The documented body format; `xml` for AWS query APIs. */
  format?: 'json' | 'xml';
  /** The request, or a reason why this candidate cannot be asked (a paired part is missing). `base` is for signing. */
  request(candidate: VerifyCandidate, base: URL): ProviderRequest | { cannot: string };
  /** Success: one of these statuses and a body of the documented shape; returns non-secret detail. */
  live: { status: readonly number[]; detail(body: unknown, headers: Headers): Detail | undefined };
  /** The documented refusal of a bad key: one of these statuses and a body of this shape. */
  refused: { status: readonly number[]; match(body: unknown, headers: Headers, status: number): boolean };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `body.a.b.c` if every step is an object, else undefined. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[key];
    } else {
      if (!isRecord(current)) return undefined;
      current = current[key];
    }
  }
  return current;
}

export function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

export function idLike(value: unknown): value is string | number {
  return nonEmptyString(value) || (typeof value === 'number' && Number.isFinite(value));
}

/** Drops undefined entries so detail objects stay small and typed. */
export function detailOf(fields: Record<string, string | number | boolean | string[] | undefined | null>): Detail {
  const out: Detail = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined && value !== null) out[key] = value;
  return out;
}

export function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

export function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
}

export const bearer = (secret: string): Record<string, string> => ({ authorization: `Bearer ${secret}` });

export const basic = (user: string, password: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

/** A comma-separated scopes header (`X-OAuth-Scopes: repo, gist`), as a list. */
export function headerList(headers: Headers, name: string): string[] | undefined {
  const value = headers.get(name);
  if (value === null) return undefined;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The common `{ error: { type|code: … } }` refusal of OpenAI-compatible APIs. */
export function openAiStyleRefusal(body: unknown): boolean {
  const error = at(body, 'error');
  return isRecord(error) && (nonEmptyString(error['message']) || nonEmptyString(error['code']) || nonEmptyString(error['type']));
}

/** A model list `{ data: [{ id }] }` (OpenAI-compatible): proof the key may read the models. */
export function modelList(body: unknown): Detail | undefined {
  const data = at(body, 'data');
  if (!Array.isArray(data) || !data.every((model) => isRecord(model) && nonEmptyString(model['id']))) return undefined;
  return { models: data.length };
}
