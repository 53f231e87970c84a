/**
 * JSON Web Tokens carry no provider prefix but prove their own shape: a base64url JSON header with an
 * `alg`, a JSON payload, a signature. Only the header and non-sensitive claims are ever reported; the
 * signature and any other claim stay in the token.
 */

export interface JwtInfo {
  alg: string;
  typ?: string;
  iss?: string;
  aud?: string;
  /** Seconds since the epoch, as the token says. */
  exp?: number;
  expired?: boolean;
}

/** The header and safe claims of `token`, or undefined when it is not a decodable JWT. */
export function decodeJwt(token: string, now = Date.now()): JwtInfo | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0]!.length < 10 || parts[1]!.length < 4) return undefined;
  const header = parseJsonPart(parts[0]!);
  const payload = parseJsonPart(parts[1]!);
  if (header === undefined || payload === undefined || typeof header['alg'] !== 'string') return undefined;
  const info: JwtInfo = { alg: header['alg'].slice(0, 32) };
  if (typeof header['typ'] === 'string') info.typ = header['typ'].slice(0, 32);
  if (typeof payload['iss'] === 'string') info.iss = payload['iss'].slice(0, 200);
  const aud = payload['aud'];
  if (typeof aud === 'string') info.aud = aud.slice(0, 200);
  else if (Array.isArray(aud) && aud.every((entry) => typeof entry === 'string')) info.aud = aud.join(',').slice(0, 200);
  if (typeof payload['exp'] === 'number' && Number.isFinite(payload['exp'])) {
    info.exp = payload['exp'];
    info.expired = payload['exp'] * 1000 < now;
  }
  return info;
}

/** The famous documentation token and its kin: a JWT whose claims are the textbook's. */
export function isTextbookJwt(token: string): boolean {
  const payload = parseJsonPart(token.split('.')[1] ?? '');
  if (payload === undefined) return false;
  const sub = payload['sub'];
  const name = payload['name'];
  return sub === '1234567890' || name === 'John Doe' || (typeof name === 'string' && /^(?:test|example|demo)/i.test(name));
}

function parseJsonPart(part: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(part)) return undefined;
  const text = Buffer.from(part, 'base64url').toString('utf8');
  // A thrown JSON.parse costs tens of microseconds; text of `eyJ…` shapes by the thousand (one long line
  // of them) made that most of a scan. An object ends with its brace.
  if (!/}\s*$/.test(text)) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
