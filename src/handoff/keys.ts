// Storage keys for human support. Everything about one person sits under their conversation's
// prefix (c/<channel>/<conversation>/), so "forget me" erases it with one deleteByPrefix:
//
//   c/<ch>/<conv>/case/<id>     a chat or call-back case (status, summary, reference, note, feedback)
//   c/<ch>/<conv>/lead/<id>     a clinical-trial lead (a case of type trial_lead)
//   c/<ch>/<conv>/log/<seq>     the transcript: one item per turn or message, in time order
//
// Indexes outside the prefix hold only a pointer to the case's key, under the case's opaque id,
// and "forget me" deletes them first (src/handoff/cases.ts forgetCases):
//
//   h/case/<id>      { key }   every case, so the console can open one by id
//   h/open/<id>      { key }   open cases (waiting or live): the queue
//
// Shared, not about any one person:
//
//   h/presence                 team members online: { agents: { <id>: { name, seen } } }
//   h/stats                    recent waits in seconds, for an honest estimate
//   h/typing/<case id>         when the person last typed in a live chat: { at } (the console's "typing…")
//   h/stats/day/<YYYY-MM-DD>   the day's figures: counts only (src/handoff/stats.ts)
//   h/rev                      bumped on every change, so other instances refresh their consoles
//   h/session/<sha256(token)>  an agent's session (agent id, CSRF token, expiry)
//   h/audit/<time>-<random>    who did what in the console, when: views, claims, replies, closes, sign-ins (no message text)
import { conversationPrefix, type ConversationKey } from '../conversation/store.js';
import type { CaseType } from './types.js';

export const CASE_INDEX = 'h/case/';
export const OPEN_INDEX = 'h/open/';
export const PRESENCE_KEY = 'h/presence';
export const STATS_KEY = 'h/stats';
export const REVISION_KEY = 'h/rev';
export const SESSION_PREFIX = 'h/session/';
export const AUDIT_PREFIX = 'h/audit/';

export function caseRecordKey(key: ConversationKey, type: CaseType, id: string): string {
  return `${conversationPrefix(key)}${type === 'trial_lead' ? 'lead' : 'case'}/${id}`;
}

export function transcriptPrefix(key: ConversationKey): string {
  return `${conversationPrefix(key)}log/`;
}

let lastSequence = 0;

/**
 * A sortable, unique suffix: a 16-digit sequence (epoch microseconds, and always above the last
 * one this process issued, so two items in the same millisecond keep their order), then random
 * hex so instances sharing a store never collide.
 */
export function timeKey(now: number, random: string): string {
  const sequence = Math.max(Math.floor(now) * 1000, lastSequence + 1);
  lastSequence = sequence;
  return `${String(sequence).padStart(16, '0')}-${random}`;
}
