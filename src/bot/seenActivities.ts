// Turns are idempotent by activity id. Behind a proxy that retries a POST on an empty response
// (HAProxy `retry-on empty-response`, needed for kill -9 failover), an instance may have run and
// saved a turn and died before answering: the retried POST brings the same activity again. The
// ids of the last few messages handled are kept in the conversation state (saved in the same
// eTag-checked write as the turn's effect), so a repeat is recognised and not run twice.
// Only a short hash of each id is kept: ids never appear in state, labels or logs.
import type { ConversationState } from '../engine/state.js';
import { sha256 } from '../util/hash.js';

/** How many message ids a conversation remembers (a proxy retries within seconds). */
export const SEEN_LIMIT = 20;

function idHash(activityId: string): string {
  return sha256(activityId).slice(0, 12);
}

/** True when a message with this id was already handled in this conversation. */
export function alreadyHandled(state: ConversationState, activityId: string | undefined): boolean {
  return Boolean(activityId) && (state.seen ?? []).includes(idHash(activityId!));
}

/** Records the id in the state about to be saved (newest last, the oldest dropped). */
export function markHandled(state: ConversationState, activityId: string | undefined): void {
  if (!activityId) return;
  state.seen = [...(state.seen ?? []), idHash(activityId)].slice(-SEEN_LIMIT);
}
