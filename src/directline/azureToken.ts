// Production web chat: exchange the Direct Line secret (server side only) for a token bound to one
// new conversation and one generated user id. The browser gets the token, never the secret.
// https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-direct-line-3-0-authentication
import { newUserId } from './tokens.js';

export interface AzureTokenOptions {
  secret: string;
  /** e.g. https://directline.botframework.com/v3/directline */
  endpoint: string;
  /** Injected in tests; the global fetch otherwise. */
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
}

export interface ExchangedToken {
  conversationId: string;
  userId: string;
  token: string;
  expires_in: number;
}

export class DirectLineExchangeError extends Error {
  override readonly name = 'DirectLineExchangeError';
  /** The upstream HTTP status, or 0 for a network failure or timeout. Never the response body. */
  constructor(readonly upstreamStatus: number) {
    super(upstreamStatus ? `Direct Line token service answered ${upstreamStatus}` : 'Direct Line token service unreachable');
  }
}

export async function generateAzureToken(options: AzureTokenOptions): Promise<ExchangedToken> {
  const userId = newUserId();
  const fetchImpl = options.fetchImpl ?? fetch;
  let response: globalThis.Response;
  try {
    response = await fetchImpl(`${options.endpoint.replace(/\/+$/, '')}/tokens/generate`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${options.secret}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      // Binding the user id means activities in this conversation can only come from this user.
      body: JSON.stringify({ user: { id: userId } }),
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch {
    throw new DirectLineExchangeError(0);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new DirectLineExchangeError(response.status);
  }
  const body = (await response.json().catch(() => undefined)) as { conversationId?: unknown; token?: unknown; expires_in?: unknown } | undefined;
  if (!body || typeof body.token !== 'string' || typeof body.conversationId !== 'string') throw new DirectLineExchangeError(response.status);
  return {
    conversationId: body.conversationId,
    userId,
    token: body.token,
    expires_in: typeof body.expires_in === 'number' ? body.expires_in : 3600,
  };
}
