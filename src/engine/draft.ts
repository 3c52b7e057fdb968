// One turn's work in progress (the draft state, what to say and do) and what every engine
// module needs to read the content: where a node is, how to fill in a text.
import { levelRank, type IntentId, type TriageLevel } from '../contract.js';
import type { ArticleLibrary } from '../knowledge/articles.js';
import type { Messages } from '../knowledge/messages.js';
import type { OtherLanguages } from '../locale/languageId.js';
import { fill } from '../text/template.js';
import { patientPlaceholders, type PatientReader } from '../nlu/patient.js';
import type { TriageRules } from '../triage/rules.js';
import type { TrialCatalogue } from '../trials/catalogue.js';
import { possibleTrials } from '../trials/screen.js';
import type { DirectQuestions } from '../knowledge/directQuestions.js';
import { resolveTarget, type DialogSet } from './loader.js';
import type { DialogNode } from './schema.js';
import type { ConversationState, Position } from './state.js';
import type { Effect, Reply } from './replies.js';

export interface EngineContent {
  dialogs: DialogSet;
  articles: ArticleLibrary;
  messages: Messages;
  triageRules: TriageRules;
  redFlagLabel: (id: string) => string;
  /** The label for a carer, about the patient (label_other; else the label). */
  redFlagLabelOther?: (id: string) => string;
  /** The yes/no question that confirms a warning sign the detector was unsure of. */
  confirmQuestion: (id: string) => string;
  emergencyNumber: string;
  /** Who the conversation is about (knowledge/nlu/patient.yaml): wording and age answers. */
  patient: PatientReader;
  /** Suicide and crisis line (config CRISIS_LINE). */
  crisisLine: string;
  /** Poison information line (config POISON_LINE). */
  poisonLine: string;
  /** Clinical trials and their pre-screen questions (knowledge/trials/). */
  trials: TrialCatalogue;
  /** Direct questions, tone and follow-up words (knowledge/nlu/direct-questions.yaml). */
  direct: DirectQuestions;
  /** The language pack these words are from (knowledge/locales/): plural forms and lists. */
  locale?: string;
  /** Recognises a message in another language, for the short "I speak English" reply. */
  otherLanguages?: OtherLanguages;
}

/** Node ids the engine relies on in the entry tree. */
export const MENU_NODE = 'menu';
/**
 * An answer to a question is short; recognizers only read this much of a message (the
 * red-flag detector and the classifier read all of it). Keeps a 2,000-character message cheap.
 */
export const ANSWER_CHARS = 300;
export const URGENT_LEVEL = levelRank('emergency');

/** Urgent advice (emergency or ambulance) has been given in this conversation. */
export function urgentAdviceGiven(state: { announced?: TriageLevel | undefined }): boolean {
  return state.announced !== undefined && levelRank(state.announced) <= URGENT_LEVEL;
}

export const CHOICE_VALUES = {
  more: 'cmd:more',
  resume: 'cmd:resume',
  menu: 'cmd:menu',
  human: 'cmd:human',
  startOver: 'cmd:start_over',
  check: 'cmd:check',
  sources: 'cmd:sources',
  /** "Stop the check? Yes" */
  leave: 'cmd:leave',
  yes: 'yes',
  no: 'no',
  unsure: 'unsure',
} as const;

/** One turn's work in progress: the draft state and what to say and do. */
export class TurnDraft {
  readonly replies: Reply[] = [];
  readonly effects: Effect[] = [];
  /**
   * Facts about the world this turn (support hours, whether anyone from the team is online)
   * that trees can branch on and quote like answers. Set by the bot; never stored.
   */
  facts: Record<string, string> = {};
  /** Set when the message could not be placed (for the fallback metric; src/observability). */
  notUnderstood?: 'reprompt' | 'out_of_scope';
  /** The intent the free text was answered as, when it was (the urgent reminder reads it). */
  answeredIntent?: IntentId;
  constructor(
    readonly content: EngineContent,
    public state: ConversationState,
  ) {}

  say(text: string, extra: Omit<Reply, 'text'> = {}): void {
    this.replies.push({ text: this.fill(text), ...extra });
  }

  fill(text: string, values: Record<string, string | number> = {}): string {
    // Answers can be quoted back ("They will contact you at {trial_contact}").
    return fill(
      text,
      {
        ...this.state.answers,
        // Derived facts cost a trial screen and a list format: only for texts that quote them.
        ...(text.includes('{trial_') ? this.trialFacts() : {}),
        ...this.facts,
        ...patientPlaceholders(this.content.patient, this.state.patient),
        emergency_number: this.content.emergencyNumber,
        crisis_line: this.content.crisisLine,
        poison_line: this.content.poisonLine,
        ...values,
      },
      { locale: this.content.locale ?? 'en' },
    );
  }

  /** What the pre-screen answers mean, for trees to quote and branch on (derived, never stored). */
  trialFacts(): Record<string, string | number> {
    const { trials } = this.content;
    const possible = possibleTrials(trials, this.state.answers);
    return {
      trial_count: trials.trials.length,
      trial_fit_count: possible.length,
      trial_fit_names: joinLabels(
        possible.map((v) => v.trial.title),
        this.content.locale,
      ),
    };
  }
}

export function nodeAt(content: EngineContent, position: Position): DialogNode {
  const node = content.dialogs.trees.get(position.tree)?.nodes[position.node];
  if (!node) throw new Error(`no node ${position.tree}.${position.node}`);
  return node;
}

export function positionOf(content: EngineContent, target: string, currentTree: string): Position {
  const { tree, node } = resolveTarget(target, currentTree, content.dialogs.trees);
  const found = content.dialogs.trees.get(tree);
  if (!found) throw new Error(`no tree ${tree}`);
  return { tree, node: node ?? found.start };
}

/** "a, b and c" by the pack's language rules (en-US: "a, b, and c"). */
export function joinLabels(labels: string[], locale = 'en'): string {
  let format = listFormats.get(locale);
  if (!format) {
    format = new Intl.ListFormat(locale, { type: 'conjunction' });
    listFormats.set(locale, format);
  }
  return format.format(labels);
}
/** One formatter per locale: building one costs more than using it. */
const listFormats = new Map<string, Intl.ListFormat>();

/** Whether a position is in a questionnaire that shows progress (the warning-sign check). */
export function isCheck(content: EngineContent, position: Position | undefined): boolean {
  return Boolean(position && content.dialogs.trees.get(position.tree)?.progress);
}

/** Whether the conversation waits at a yes/no question of the check (not on a page of a list). */
export function atCheckYesNo(content: EngineContent, state: ConversationState): boolean {
  if (!state.at || state.page !== undefined || !isCheck(content, state.at)) return false;
  const node = nodeAt(content, state.at);
  return 'ask' in node && node.ask === 'yes_no';
}
