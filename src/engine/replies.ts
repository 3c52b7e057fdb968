// What the bot says, before it is rendered for a channel (see src/channels/render.ts).
import type { EvidenceId, RedFlagId, TriageLevel } from '../contract.js';

export interface Choice {
  label: string;
  /** Sent back by buttons (Action.Submit data / messageBack value) and routed by the engine. */
  value: string;
}

export interface Reply {
  text: string;
  choices?: Choice[];
  /**
   * A question: which kind of answer it expects and the evidence id it asks about; a checklist
   * lists the evidence id of each item (its buttons, in order, then "None of these").
   */
  ask?: { kind: string; evidence?: EvidenceId; evidenceList?: EvidenceId[]; node: string; progress?: { index: number; total: number } };
  /** The end-of-check summary (structured for channels; `text` is its plain rendering). */
  summary?: { data: CheckSummary; fileName: string };
  /** A triage outcome or urgent advice: the level and the rules behind it. */
  triage?: { level: TriageLevel; reasons: string[]; final: boolean };
  urgent?: boolean;
  /** Crisis help (suicidal thoughts, self-harm, overdose or poisoning). */
  crisis?: boolean;
  /** A sentence acknowledging how the person feels (worry, anger, not wanting to go): put first in the turn. */
  acknowledges?: boolean;
}

/** What the person answered in the check, the outcome and why, and the date. */
export interface CheckSummary {
  /** YYYY-MM-DD */
  date: string;
  answers: { question: string; answer: string }[];
  level: TriageLevel;
  /** The outcome's headline, as the person was told it. */
  outcome: string;
  reasons: string[];
}

/** Side effects the bot carries out after the new state is saved. */
export type Effect =
  | { type: 'handoff'; reason: string; caseId: string; mode: 'console' | 'event' }
  | { type: 'record_callback'; caseId: string; answers: Record<string, string | number> }
  | { type: 'record_feedback'; caseId: string; helpful?: string; comment?: string }
  | { type: 'support'; event: SupportEvent; caseId: string; flags?: RedFlagId[] }
  | {
      type: 'record_trial_lead';
      answers: Record<string, string | number>;
      /** The trials the person may fit ("maybe": some answers were "not sure"). */
      trials: { id: string; title: string; status: 'fits' | 'maybe' }[];
      /** Pre-screen answers by question id (knowledge/trials/questions.yaml). */
      criteria: Record<string, string | number>;
    }
  | { type: 'forget_me' };

/**
 * What happened to an open support request in this turn, for the bot to carry out:
 * status: say the queue position; held: a message was kept for the team while waiting;
 * message: a message went to the person from the team; flagged: a warning sign came up;
 * crisis: the person is in crisis (the case goes to the top of the queue);
 * cancelled: the person left the queue; ended: the person left a live chat.
 */
export type SupportEvent = 'status' | 'held' | 'message' | 'flagged' | 'crisis' | 'cancelled' | 'ended';
