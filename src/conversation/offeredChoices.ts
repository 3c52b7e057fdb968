// The buttons a turn offered, kept in the state so the next message can pick one by number,
// position or label. Both the bot's turns and the support team's messages end with this.
import type { TurnDraft } from '../engine/runtime.js';

/** Keeps the buttons last shown, so "2", "the last one" or a typed label picks one in any channel. */
export function rememberOfferedChoices(draft: TurnDraft): void {
  const last = [...draft.replies].reverse().find((r) => r.choices && r.choices.length > 0);
  draft.state.offered = last?.choices?.map((c) => ({ l: c.label, v: c.value }));
}
