// Microsoft Teams refuses bot messages over about 28 KB ("MessageSizeTooBig") and shows only a
// handful of buttons per row, so every reply for Teams is cut to fit before it is rendered:
// long text becomes several messages (at paragraphs, then sentences, then a hard cut), and the
// buttons and the question's metadata stay with the last part, where the person answers.
import { splitIntoMessages } from '../knowledge/articles.js';
import type { Reply } from '../engine/replies.js';

/** Characters of text in one Teams message: 4,000 characters is at most 16 KB of UTF-8, well under 28 KB. */
export const TEAMS_MAX_TEXT_CHARS = 4000;
/** Teams shows at most six actions in one ActionSet; we use rows of three (src/channels/menuLimits.ts). */
export const TEAMS_MAX_ACTIONS_PER_SET = 6;

/** Splits text into parts of at most `limit` characters, preferring paragraph and sentence breaks. */
export function splitForTeams(text: string, limit = TEAMS_MAX_TEXT_CHARS): string[] {
  if (text.length <= limit) return [text];
  const parts: string[] = [];
  for (const message of splitIntoMessages(text, limit)) {
    for (let at = 0; at < message.length; at += limit) parts.push(message.slice(at, at + limit));
  }
  return parts.length > 0 ? parts : [text.slice(0, limit)];
}

/** One reply as one or more replies that each fit in a Teams message. */
export function fitTeamsLimits(reply: Reply): Reply[] {
  // The check's summary is one card (its answers are facts, not text to split).
  if (reply.summary) return [reply];
  const parts = splitForTeams(reply.text);
  if (parts.length === 1) return [reply];
  const { choices, ask, triage, urgent, crisis } = reply;
  return parts.map((text, i) => {
    const first = i === 0;
    const last = i === parts.length - 1;
    return {
      text,
      ...(last && choices ? { choices } : {}),
      ...(last && ask ? { ask } : {}),
      // Urgent advice and crisis help stay marked (with their call button) in every part; the
      // triage outcome is reported once, first.
      ...(first && triage ? { triage } : {}),
      ...(urgent ? { urgent } : {}),
      ...(crisis ? { crisis } : {}),
    };
  });
}
