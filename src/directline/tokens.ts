// Tokens for the built-in Direct Line: HS256 JWTs that carry one conversation id, one user id
// and an expiry. A token opens only its own conversation, as the user it names; the server never
// trusts the conversation or user ids a client puts in a URL or an activity.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Azure Direct Line tokens last an hour and are refreshed before then; ours match. */
export const TOKEN_TTL_SECONDS = 60 * 60;

const ISSUER = 'backline-directline';

export interface DirectLineClaims {
  /** Conversation id. */
  conv: string;
  /** User id (bound: activities are posted as this user whatever their `from` says). */
  user: string;
  iat: number;
  exp: number;
}

export type VerifyResult = { ok: true; claims: DirectLineClaims } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

export class TokenSigner {
  private readonly key: Buffer;

  /**
   * @param secret the signing key; undefined makes a random one (tokens then die with the process).
   * @param now clock in epoch milliseconds (tests move it).
   */
  constructor(
    secret: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.key = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  sign(subject: { conv: string; user: string }, ttlSeconds = TOKEN_TTL_SECONDS): IssuedToken {
    const iat = Math.floor(this.now() / 1000);
    const payload = { iss: ISSUER, conv: subject.conv, user: subject.user, iat, exp: iat + ttlSeconds };
    const body = `${HEADER}.${base64url(JSON.stringify(payload))}`;
    return { token: `${body}.${this.mac(body).toString('base64url')}`, expiresIn: ttlSeconds };
  }

  verify(token: string | undefined): VerifyResult {
    if (typeof token !== 'string' || token.length > 2048) return { ok: false, reason: 'malformed' };
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'malformed' };
    const [header, payload, signature] = parts as [string, string, string];
    // Only our exact header: no "alg": "none", no other algorithms.
    if (header !== HEADER) return { ok: false, reason: 'malformed' };
    const expected = this.mac(`${header}.${payload}`);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (!isClaims(claims)) return { ok: false, reason: 'malformed' };
    if (claims.exp <= Math.floor(this.now() / 1000)) return { ok: false, reason: 'expired' };
    return { ok: true, claims: { conv: claims.conv, user: claims.user, iat: claims.iat, exp: claims.exp } };
  }

  private mac(data: string): Buffer {
    return createHmac('sha256', this.key).update(data).digest();
  }
}

function isClaims(value: unknown): value is DirectLineClaims & { iss: string } {
  if (!value || typeof value !== 'object') return false;
  const claims = value as Record<string, unknown>;
  return (
    claims.iss === ISSUER &&
    typeof claims.conv === 'string' &&
    claims.conv.length > 0 &&
    typeof claims.user === 'string' &&
    claims.user.length > 0 &&
    typeof claims.iat === 'number' &&
    typeof claims.exp === 'number'
  );
}

/** Random ids: conversation ids like Azure's (opaque), user ids with the "dl_" prefix Azure requires for trusted ids. */
export function newConversationId(): string {
  return randomBytes(18).toString('base64url');
}

export function newUserId(): string {
  return `dl_${randomBytes(12).toString('base64url')}`;
}
