import type { IntentId, RedFlagId } from '../contract.js';
import type { CrisisDetection } from './crisis.js';

export interface IntentScore {
  intent: IntentId;
  /** Calibrated: scores over all intents sum to 1. */
  confidence: number;
}

export type Entity =
  | { type: 'age'; value: number }
  | { type: 'number'; value: number }
  | { type: 'ordinal'; value: number } // 1-based; -1 means "the last one"
  | { type: 'duration_weeks'; value: number }
  | { type: 'yes_no'; value: 'yes' | 'no' | 'unsure' }
  | { type: 'phone'; value: string }
  | { type: 'email'; value: string };

export interface RedFlagDetection {
  /** Red flags the message reports. */
  flags: RedFlagId[];
  /** Hits we are not sure of (hedged or ambiguous negation): the bot asks one confirming question. */
  possible: RedFlagId[];
  /** The message asks about a red flag ("what is saddle numbness?") rather than reporting one. */
  isQuestionAbout: RedFlagId[];
}

export interface Understanding {
  text: string;
  intent: IntentId;
  confidence: number;
  ranking: IntentScore[];
  redFlags: RedFlagId[];
  entities: Entity[];
}

/** What the decision step needs from language understanding (src/nlu/understand.ts builds one). */
export interface IntentDecision {
  intent: IntentId;
  confidence: number;
  ranking: IntentScore[];
  /** The top two are too close to call: ask which one was meant. */
  ambiguous: boolean;
}

export interface Understander {
  /**
   * `original`: the message as written, when `text` is a carer's report retold in the first
   * person ("my dad can't feel his legs" -> "i cant feel my legs"): the assertion gate then
   * also reads who, when and whether in the writer's own words, which the retelling erased
   * ("a man on the telly lost control of his bowels" is still a stranger's).
   */
  detectRedFlags(text: string, original?: string): RedFlagDetection;
  /** Suicidal thoughts, self-harm, overdose or poisoning (knowledge/crisis.yaml): checked before red flags. */
  detectCrisis(text: string): CrisisDetection;
  classify(text: string): IntentDecision;
}
