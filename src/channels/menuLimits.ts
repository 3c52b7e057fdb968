// How many options of one menu each channel shows, in one place. The renderer keeps to these
// (src/channels/render.ts) and `backline check` fails on a dialog menu that would not fit
// (src/channels/menuCheck.ts), so no option is ever silently cut.
import type { Choice } from '../engine/replies.js';

export type ChannelStyle = 'teams' | 'webchat' | 'plain';

export interface MenuLimit {
  /** Options shown as buttons at once; a longer menu shows one fewer and a "More options" button. */
  shown: number;
  /** Options one menu may have in all, counting those behind "More options". */
  most: number;
}

/** More buttons than this in one menu are too many to scan on a phone: split the question. */
const MOST_BUTTONS = 11;

/**
 * Teams: an Adaptive Card shows at most six actions in one ActionSet (we use rows of three), so a
 * card shows two rows; the rest sit behind "More options" (an Action.ShowCard), two rows more.
 * Web Chat: suggested actions in one scrolling row, every one reachable (web/static/chat.css).
 * Plain text (the terminal, unknown channels): a numbered list.
 */
export const MENU_LIMITS: Record<ChannelStyle, MenuLimit> = {
  teams: { shown: 6, most: MOST_BUTTONS },
  webchat: { shown: MOST_BUTTONS, most: MOST_BUTTONS },
  plain: { shown: MOST_BUTTONS, most: MOST_BUTTONS },
};

/** Buttons shown per row in a Teams card (Teams shows at most six actions in one ActionSet). */
export const TEAMS_ACTIONS_PER_ROW = 3;

/** A menu split for a channel: what shows at once and what sits behind "More options". */
export function pageMenu(choices: Choice[], limit: MenuLimit): { shown: Choice[]; more: Choice[] } {
  if (choices.length <= limit.shown) return { shown: choices, more: [] };
  // Never drops an option, even past `most`: `backline check` is what keeps menus short.
  return { shown: choices.slice(0, limit.shown - 1), more: choices.slice(limit.shown - 1) };
}
