// Support cases: a chat with a person, a call-back request, or a clinical-trial lead. All three
// are stored the same way and show in the same agent console.
import type { ConversationReference } from '@microsoft/agents-activity';
import type { RedFlagId, TriageLevel } from '../contract.js';

export type CaseType = 'chat' | 'callback' | 'trial_lead';
/**
 * waiting -> live -> closed        a chat: queued, a team member claims it, then closes it
 * waiting -> cancelled             the person left the queue (or asked for a call-back instead)
 * live -> closed (closedBy user)   the person ended the chat
 * waiting -> closed                a call-back or trial lead the team has dealt with
 * handed_off                       event mode: a contact centre took it; not in the console queue
 */
export type CaseStatus = 'waiting' | 'live' | 'closed' | 'cancelled' | 'handed_off';
/** Why the case was opened, for the console. */
export type CaseReason = 'asked' | 'after_triage' | 'after_warning_sign' | 'trial_interest';

export interface CaseSummary {
  /** What the person asked the bot about (intent labels), in order, without repeats. */
  askedAbout: string[];
  /** Their answers to the bot's questions, labelled. */
  answers: { id: string; label: string; value: string | number }[];
  /** The latest triage outcome, with the reasons the person was given. */
  triage: { level: TriageLevel; title: string; reasons: string[] } | null;
  /** Warning signs reported or answered yes / not sure. */
  redFlags: { id: RedFlagId; label: string }[];
}

export interface SupportCase {
  /** "case" records live under <conversation>/case/, "lead" records under <conversation>/lead/. */
  kind: 'case' | 'lead';
  id: string;
  type: CaseType;
  status: CaseStatus;
  mode: 'console' | 'event';
  channelId: string;
  conversationId: string;
  createdAt: string;
  reason: CaseReason;
  /** The most urgent triage level known for this person; orders the queue. */
  level: TriageLevel | null;
  /** The person is in crisis (suicidal thoughts, self-harm, overdose): first in the queue, above any level. */
  crisis?: boolean;
  redFlags: RedFlagId[];
  summary: CaseSummary;
  /** Where proactive messages to the person go (channel, serviceUrl, conversation, user, bot). */
  reference?: Partial<ConversationReference>;
  agent?: { id: string; name: string };
  claimedAt?: string;
  closedAt?: string;
  closedBy?: 'agent' | 'user';
  /** The team member's closing note (for the team, never shown to the person). */
  note?: string;
  /** When the person was last told their place in the queue. */
  notifiedAt?: string;
  callback?: { contact: string; time: string };
  feedback?: { helpful?: string; comment?: string; at: string };
  // Trial leads keep the fields the trials team already uses.
  diagnosed?: string | number | null;
  medication?: string | number | null;
  age?: string | number | null;
  consent?: boolean;
  contact?: string | number | null;
  /** The trials the person may fit ("maybe": the team checks the answers they were unsure of). */
  trials?: { id: string; title: string; status: 'fits' | 'maybe' }[];
  /** Pre-screen answers by question id (knowledge/trials/questions.yaml). */
  criteria?: Record<string, string | number>;
}

export const OPEN_STATUSES: ReadonlySet<CaseStatus> = new Set(['waiting', 'live']);

export function isOpen(supportCase: Pick<SupportCase, 'status'>): boolean {
  return OPEN_STATUSES.has(supportCase.status);
}
