// What the bot says, before it is rendered for a channel (see src/channels/render.ts).
import type { EvidenceId, TriageLevel } from '../contract.js';

export interface Choice {
  label: string;
  /** Sent back by buttons (Action.Submit data / messageBack value) and routed by the engine. */
  value: string;
}

export interface Reply {
  text: string;
  choices?: Choice[];
  /** A question: which kind of answer it expects and the evidence id it asks about. */
  ask?: { kind: string; evidence?: EvidenceId; node: string };
  /** A triage outcome or urgent advice: the level and the rules behind it. */
  triage?: { level: TriageLevel; reasons: string[]; final: boolean };
  urgent?: boolean;
}

/** Side effects the bot carries out after the new state is saved. */
export type Effect =
  | { type: 'handoff'; reason: string }
  | { type: 'record_trial_lead'; answers: Record<string, string | number> }
  | { type: 'forget_me' };
