// Conversation state: everything the bot remembers about one conversation. It is stored
// after every turn (never kept in process memory), so any instance can take the next turn
// and a restart resumes at the same question. Keep it small: it is read and written each turn.
import type { IntentId, RedFlagId, TriageLevel } from '../contract.js';
import type { TriageReason } from '../triage/rules.js';
import type { CrisisKind } from '../nlu/crisis.js';
import type { PatientRef } from '../nlu/patient.js';

export interface Position {
  tree: string;
  node: string;
}

/** Questions the bot asks outside the trees. */
export type Pending =
  | { kind: 'resume' }
  | { kind: 'after_urgent' }
  /** After crisis help: "yes" is yes to a person. */
  | { kind: 'after_crisis' }
  /** `urgent`: the advice was given before asking (possible cauda equina signs); a no withdraws nothing. */
  | { kind: 'confirm_flags'; flags: RedFlagId[]; urgent?: boolean }
  | { kind: 'disambiguate'; intents: IntentId[] }
  /** "Stop the check?": leaving the warning-sign check needs a yes; `then` is what was asked for. */
  | { kind: 'leave_check'; then: 'menu' | 'start_over' | 'cancel' | 'goodbye' };

/** One answer given in the check, so "go back" can take it back (null: there was none before). */
export interface HistoryEntry {
  at: Position;
  prev: Record<string, AnswerValue | null>;
  /** The most urgent level announced before this answer. */
  announced: TriageLevel | null;
}

export type AnswerValue = string | number;

export interface ConversationState {
  v: 1;
  /** The node waiting for the person's answer; undefined when idle. */
  at?: Position;
  /** When `at` is an article being read section by section: the next section to send. */
  page?: number;
  /** Failed attempts at the current question (a second failure shows the buttons). */
  retries: number;
  /** Answers by store key (evidence ids for triage questions). */
  answers: Record<string, AnswerValue>;
  /** Where to go back to after an interruption. */
  suspended?: Position;
  pending?: Pending;
  /** The latest triage outcome; included in any hand-off. */
  triage?: { level: TriageLevel; reasons: TriageReason[]; at: string };
  /** The most urgent level already announced in this conversation, so advice is not repeated. */
  announced?: TriageLevel;
  /** The buttons last shown (label, value): typed "2" or a label picks one in any channel. */
  offered?: { l: string; v: string }[];
  /** An open request to talk to a person (the case itself is stored apart: src/handoff). */
  support?: SupportState;
  /** The article last shown, for "Where is this from?". */
  lastArticle?: string;
  /** Articles shown in this conversation: the furthest section shown of each (by index). */
  read?: Record<string, number>;
  /** The section of that article last shown (its index), so a repeated question gets the next one. */
  lastSection?: number;
  /** The direct question last answered (diagnosis, dose, someone else's prescription), so a repeat is not answered word for word. */
  lastDirect?: 'diagnosis' | 'dose' | 'others_prescription' | 'medicine_safety' | 'medicine_mistake';
  /** Messages left in which an amount question ("how many more?") is about the medicine named before. */
  medicineTurns?: number;
  /**
   * Cauda equina signs kept as possible after the person changed their yes to no (the advice
   * stands): not counted when the check chooses which questions it can skip, so it goes on as
   * it would have after a no.
   */
  held?: string[];
  /** Answers given in the warning-sign check, newest last, for "go back". */
  history?: HistoryEntry[];
  /** The support case just closed, which the feedback questions are about. */
  lastCaseId?: string;
  /** Who the conversation is about, once the person has said (unknown: worded for "you"). */
  patient?: PatientRef;
  /** The emergency signs card has been shown (once per conversation). */
  netted?: true;
  /** Short hashes of the longer replies already sent, newest last (src/bot/repeats.ts): never the same reply twice. */
  said?: string[];
  /** The crisis help given in this conversation (its kind); a support case opened later goes first in the queue. */
  crisis?: CrisisKind;
  /** Short hashes of the ids of the last messages handled, newest last (src/bot/seenActivities.ts): a retried POST is not run twice. */
  seen?: string[];
}

export interface SupportState {
  caseId: string;
  /** waiting: in the queue (or being connected, in event mode); live: a person has joined. */
  status: 'waiting' | 'live';
  /** console: the built-in agent console; event: a contact centre took the hand-off event. */
  mode: 'console' | 'event';
  /** The team member's name as the person sees it, once one has joined. */
  agent?: string;
  since: string;
}

export function newConversationState(): ConversationState {
  return { v: 1, retries: 0, answers: {} };
}
