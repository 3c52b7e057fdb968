// Tokens for the built-in Direct Line: HS256 JWTs that carry one conversation id, one user id
// and an expiry. A token opens only its own conversation, as the user it names; the server never
// trusts the conversation or user ids a client puts in a URL or an activity.
import { randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

/** Azure Direct Line tokens last an hour and are refreshed before then; ours match. */
export const TOKEN_TTL_SECONDS = 60 * 60;

const ISSUER = 'backline-directline';
/** Longer than any token we issue: anything bigger is refused before it is parsed. */
const MAX_TOKEN_CHARS = 2048;

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

/** Signs and checks the tokens with `jose` (HS256 only: no "none", no other algorithm). */
export class TokenSigner {
  private readonly key: Uint8Array;

  /**
   * @param secret the signing key; undefined makes a random one (tokens then die with the process).
   * @param now clock in epoch milliseconds (tests move it).
   */
  constructor(
    secret: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.key = secret ? new TextEncoder().encode(secret) : randomBytes(32);
  }

  async sign(subject: { conv: string; user: string }, ttlSeconds = TOKEN_TTL_SECONDS): Promise<IssuedToken> {
    const iat = Math.floor(this.now() / 1000);
    const token = await new SignJWT({ conv: subject.conv, user: subject.user })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .sign(this.key);
    return { token, expiresIn: ttlSeconds };
  }

  async verify(token: string | undefined): Promise<VerifyResult> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'malformed' };
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        requiredClaims: ['iat', 'exp'],
        currentDate: new Date(this.now()),
      });
      if (!isClaims(payload)) return { ok: false, reason: 'malformed' };
      return { ok: true, claims: { conv: payload.conv, user: payload.user, iat: payload.iat, exp: payload.exp } };
    } catch (error) {
      if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: 'signature' };
      if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
      // Bad encoding, another algorithm, a missing or wrong claim: not a token of ours.
      return { ok: false, reason: 'malformed' };
    }
  }
}

function isClaims(value: Record<string, unknown>): value is Record<string, unknown> & DirectLineClaims {
  return (
    typeof value.conv === 'string' &&
    value.conv.length > 0 &&
    typeof value.user === 'string' &&
    value.user.length > 0 &&
    typeof value.iat === 'number' &&
    typeof value.exp === 'number'
  );
}

/** Random ids: conversation ids like Azure's (opaque), user ids with the "dl_" prefix Azure requires for trusted ids. */
export function newConversationId(): string {
  return randomBytes(18).toString('base64url');
}

export function newUserId(): string {
  return `dl_${randomBytes(12).toString('base64url')}`;
}
