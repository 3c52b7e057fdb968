// The optional trial-lead webhook (TRIAL_LEAD_WEBHOOK_URL): each consenting lead is POSTed as
// JSON to the trials team's system, signed so the receiver can check it came from Backline and
// is fresh. The body holds the lead's pre-screen answers, trials and contact: no message text.
//
//   X-Backline-Timestamp: <unix seconds>
//   X-Backline-Signature: sha256=<hex HMAC-SHA256 over "<timestamp>.<raw body>" with TRIAL_LEAD_WEBHOOK_SECRET>
//
// A receiver recomputes the HMAC over the timestamp and the raw body, compares in constant time,
// and refuses timestamps more than a few minutes old (a replayed request). Failed deliveries are
// retried with growing waits; a lead is never lost by a failed delivery (it is stored as a case).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { backOff } from 'exponential-backoff';
import type { Logger } from '../logger.js';
import type { SupportCase } from './types.js';
import { errorName } from '../util/errors.js';

export const SIGNATURE_HEADER = 'x-backline-signature';
export const TIMESTAMP_HEADER = 'x-backline-timestamp';
/** How old a request a receiver should accept; verifyWebhook uses it too. */
export const MAX_AGE_SECONDS = 300;

export interface TrialLeadPayload {
  event: 'trial_lead';
  id: string;
  createdAt: string;
  trials: { id: string; title: string; status: 'fits' | 'maybe' }[];
  criteria: Record<string, string | number>;
  contact: string | number | null;
  consent: true;
}

export function payloadOf(lead: SupportCase): TrialLeadPayload | undefined {
  if (lead.type !== 'trial_lead' || lead.consent !== true) return undefined;
  return {
    event: 'trial_lead',
    id: lead.id,
    createdAt: lead.createdAt,
    trials: lead.trials ?? [],
    criteria: lead.criteria ?? {},
    contact: lead.contact ?? null,
    consent: true,
  };
}

export function signBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does (and what the tests do): true if the signature matches and the timestamp is fresh. */
export function verifyWebhook(
  secret: string,
  headers: { signature?: string; timestamp?: string },
  rawBody: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > MAX_AGE_SECONDS) return false;
  const expected = Buffer.from(signBody(secret, timestamp, rawBody));
  const got = Buffer.from(headers.signature);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

export interface WebhookOptions {
  url: string;
  secret: string;
  logger: Logger;
  /** Attempts in all (first try included). */
  attempts?: number;
  /** Wait before the first retry, doubled each time. */
  firstDelayMs?: number;
  timeoutMs?: number;
}

class RetryableError extends Error {}

/** Sends one lead; resolves true when the receiver answered 2xx, false when every attempt failed. */
export async function sendTrialLead(options: WebhookOptions, payload: TrialLeadPayload): Promise<boolean> {
  const body = JSON.stringify(payload);
  try {
    await backOff(
      async () => {
        // Signed afresh on every attempt, so a retry carries a fresh timestamp.
        const timestamp = Math.floor(Date.now() / 1000);
        const response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(options.secret, timestamp, body), [TIMESTAMP_HEADER]: String(timestamp) },
          body,
          redirect: 'error',
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.status >= 500 || response.status === 429) throw new RetryableError(String(response.status));
        if (!response.ok) throw new Error(String(response.status));
      },
      {
        numOfAttempts: options.attempts ?? 4,
        startingDelay: options.firstDelayMs ?? 1000,
        timeMultiple: 2,
        jitter: 'full',
        // A 4xx other than 429 will not get better by trying again; network errors and 5xx may.
        retry: (error) => !(error instanceof Error) || error instanceof RetryableError || !/^\d+$/.test(error.message),
      },
    );
    options.logger.info('trial_lead_webhook_sent', {});
    return true;
  } catch (error) {
    options.logger.warn('trial_lead_webhook_failed', { error: errorName(error) });
    return false;
  }
}

/** The bot's hook for new leads when TRIAL_LEAD_WEBHOOK_URL is set: delivery runs in the background. */
export function trialLeadWebhookOf(
  config: { TRIAL_LEAD_WEBHOOK_URL?: string | undefined; TRIAL_LEAD_WEBHOOK_SECRET?: string | undefined },
  logger: Logger,
  tuning: Pick<WebhookOptions, 'attempts' | 'firstDelayMs' | 'timeoutMs'> = {},
): ((lead: SupportCase) => void) | undefined {
  const { TRIAL_LEAD_WEBHOOK_URL: url, TRIAL_LEAD_WEBHOOK_SECRET: secret } = config;
  if (!url || !secret) return undefined;
  return (lead) => {
    const payload = payloadOf(lead);
    if (payload) void sendTrialLead({ url, secret, logger, ...tuning }, payload);
  };
}
