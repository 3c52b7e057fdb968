// A conversation saved before a content release may wait at a dialog node the release renamed or
// removed. Every turn would then fail on the missing node ("something went wrong", even for
// "menu"), for as long as the state is kept. Such positions are dropped when the state is read:
// the conversation goes on from idle, answers kept.
import type { EngineContent } from './draft.js';
import type { ConversationState, Position } from './state.js';

function exists(content: EngineContent, position: Position | undefined): boolean {
  return position !== undefined && content.dialogs.trees.get(position.tree)?.nodes[position.node] !== undefined;
}

/** The state without positions this content does not have (the same object when there are none). */
export function withoutStalePositions(content: EngineContent, state: ConversationState): ConversationState {
  const staleAt = state.at !== undefined && !exists(content, state.at);
  const staleSuspended = state.suspended !== undefined && !exists(content, state.suspended);
  const history = state.history?.filter((entry) => exists(content, entry.at));
  const staleHistory = history !== undefined && history.length !== state.history!.length;
  if (!staleAt && !staleSuspended && !staleHistory) return state;
  const next: ConversationState = { ...state };
  if (staleAt) {
    delete next.at;
    delete next.page;
    next.retries = 0;
  }
  if (staleSuspended) delete next.suspended;
  if (staleHistory) next.history = history;
  return next;
}
