// Crisis and red flags in a message: crisis help first; warning signs read for the patient
// (a carer's report counts as the patient's own); urgent advice at once for the level the
// rules give; the confirming question for a possible sign and its answer; "what is saddle
// numbness?"; and the urgent-advice-only reply for conversations where the bot keeps nothing.
import { CAUDA_EQUINA_FLAGS, levelRank, type RedFlagId } from '../contract.js';
import { ENTRY_TREE } from '../engine/loader.js';
import { announceOutcome, goTo, nodeAt, yesNoChoices, TurnDraft, type EngineContent } from '../engine/runtime.js';
import { isCheck } from '../engine/draft.js';
import { newConversationState, type ConversationState, type Pending } from '../engine/state.js';
import type { Reply } from '../engine/replies.js';
import type { DialogNode } from '../engine/schema.js';
import type { RedFlagDetection, Understander } from '../nlu/types.js';
import type { CrisisKind } from '../nlu/crisis.js';
import type { CrisisWords } from '../locale/languageId.js';
import type { PatientReading } from '../nlu/patient.js';
import { evaluateTriage } from '../triage/rules.js';
import { crisisDuringSupport, urgentDuringSupport } from '../handoff/decideSupport.js';
import { offerAfterUrgent, resumeSuspended, suspendFlow } from './flowControl.js';
import { saidHash } from './repeats.js';

/**
 * Red flags in the message, for the patient: when someone writes about the person they ask
 * for, the report is also read as that person's own ("my dad's legs are numb"), since the
 * detector sets other people's symptoms aside as family history.
 */
export function detectForPatient(draft: TurnDraft, nlu: Understander, text: string, reading: PatientReading): RedFlagDetection {
  const detection = nlu.detectRedFlags(text);
  const patient = draft.state.patient;
  if (patient?.who !== 'other' || reading.who === 'self') return detection;
  const retold = draft.content.patient.toFirstPerson(text, patient);
  if (retold === text.toLowerCase().replace(/[’'`]/g, '').trim()) return detection;
  const theirs = nlu.detectRedFlags(retold, text);
  const flags = [...new Set([...detection.flags, ...theirs.flags])];
  const possible = [...new Set([...detection.possible, ...theirs.possible])].filter((flag) => !flags.includes(flag));
  return { flags, possible, isQuestionAbout: detection.isQuestionAbout };
}

export function isKnownPositive(state: ConversationState, flag: RedFlagId): boolean {
  return state.answers[flag] === 'yes' || state.answers[flag] === 'unsure';
}

/**
 * For conversations where the bot keeps nothing and says little (Teams group chats and
 * channels): crisis help if the message needs it, and if it reports a warning sign, the advice
 * for its level, without the reasons, so nothing personal is repeated in front of others.
 * Unsure hits count as yes.
 */
export function urgentAdviceOnly(content: EngineContent, nlu: Understander, text: string): Reply[] {
  const draft = new TurnDraft(content, newConversationState());
  const crisis = nlu.detectCrisis(text);
  if (crisis.crisis) {
    const words = crisisWordsFor(content, crisis.language) ?? content.messages.crisis;
    draft.say(words[crisis.kind!], {
      crisis: true,
      ...(crisis.kind === 'overdose' ? { urgent: true } : {}),
    });
  }
  const detection = nlu.detectRedFlags(text);
  const flags = [...new Set([...detection.flags, ...detection.possible])];
  if (flags.length === 0) return draft.replies;
  const outcome = evaluateTriage(content.triageRules, Object.fromEntries(flags.map((flag) => [flag, 'yes'])));
  const advice = content.triageRules.outcomes[outcome.level];
  draft.say(`**${advice.title}**\n\n${advice.advice}`, { urgent: true, triage: { level: outcome.level, reasons: [], final: false } });
  return draft.replies;
}

/** Urgent advice at once for the level the rules give, then an offer to carry on or talk to a person. */
export function actOnRedFlags(draft: TurnDraft, flags: RedFlagId[]): void {
  const { state, content } = draft;
  if (state.support) {
    urgentDuringSupport(draft, flags);
    return;
  }
  for (const flag of flags) state.answers[flag] = 'yes';
  const outcome = evaluateTriage(content.triageRules, state.answers);
  suspendFlow(draft);
  const at = draft.replies.length;
  announceOutcome(draft, outcome, false);
  // The same advice given earlier in this conversation, word for word: the short form (the
  // title and the number), not the whole text again.
  const advice = draft.replies[at];
  if (advice && state.said?.includes(saidHash(advice.text))) {
    const title = draft.fill(content.triageRules.outcomes[outcome.level].title);
    draft.replies[at] = { ...advice, text: draft.fill(content.messages.triage.advised_again, { title }) };
  } else acknowledgeCarer(draft, at);
  offerAfterUrgent(draft, content.messages.red_flag.offer);
}

/**
 * A carer given urgent advice for the person they look after: one line of acknowledgement right
 * after the advice, in the same message (before its reasons), so nothing comes before the advice.
 */
function acknowledgeCarer(draft: TurnDraft, at: number): void {
  const { state, content } = draft;
  const advice = draft.replies[at];
  if (state.patient?.who !== 'other' || !advice?.urgent) return;
  const line = draft.fill(content.messages.red_flag.carer_ack);
  const heading = draft.fill(content.messages.triage.reasons_heading);
  const split = advice.text.indexOf(`\n\n${heading}`);
  const text = split < 0 ? `${advice.text}\n\n${line}` : `${advice.text.slice(0, split)}\n\n${line}${advice.text.slice(split)}`;
  draft.replies[at] = { ...advice, text };
}

/**
 * A warning sign told again after its urgent advice (already a yes): the advice again in its
 * short form (the title and the number), so no report of a sign goes without it, and the same
 * text is not repeated word for word. The message is then read as usual.
 */
export function remindUrgentAdvice(draft: TurnDraft): void {
  const { state, content } = draft;
  const level = state.announced;
  if (!level || levelRank(level) > levelRank('emergency')) return;
  const title = draft.fill(content.triageRules.outcomes[level].title);
  draft.replies.push({
    text: draft.fill(content.messages.triage.advised_again, { title }),
    triage: { level, reasons: (state.triage?.reasons ?? []).map((r) => r.rule), final: false },
    urgent: true,
  });
}

/**
 * Crisis help, first in the reply: the crisis line, the poison line and the emergency number
 * for an overdose. While a person from the team is involved, they are told and the case goes
 * to the top of the queue. Returns the words used (another language's where it was said in
 * one), for the offer that may follow.
 */
export function giveCrisisHelp(draft: TurnDraft, kind: CrisisKind, language?: string): CrisisWords {
  const { state, content } = draft;
  // A crisis said in another language: its own words where we have them (with the same
  // numbers), else the English.
  const words = crisisWordsFor(content, language) ?? content.messages.crisis;
  const repeat = state.crisis === kind;
  const text = repeat ? words.repeat : words[kind];
  // An overdose or poisoning is also a medical emergency: the reply is urgent advice too.
  draft.say(text, { crisis: true, ...(kind === 'overdose' ? { urgent: true } : {}) });
  state.crisis = kind;
  if (state.support) crisisDuringSupport(draft);
  return words;
}

/** When nothing else in the message needed acting on: the offer of a person, in the crisis help's words. */
export function offerAfterCrisis(draft: TurnDraft, words: CrisisWords): void {
  const { state } = draft;
  if (state.support) return;
  suspendFlow(draft);
  offerAfterUrgent(draft, words.offer);
  state.pending = { kind: 'after_crisis' };
}

function crisisWordsFor(content: EngineContent, language: string | undefined): CrisisWords | undefined {
  return language ? content.otherLanguages?.crisisIn(language) : undefined;
}

/**
 * A possible sign that counts as reported: described while a confirming question is open or its
 * own question is asked, or hedged as the answer to a question ("not sure, I think both legs
 * tingle"), or told by a carer about the patient without a hedge ("my dad had cancer, now...").
 */
export function countsAsReported(draft: TurnDraft, flag: RedFlagId, reading: PatientReading): boolean {
  const { state, content } = draft;
  if (state.pending?.kind === 'confirm_flags') return true;
  if (state.at && state.page === undefined) {
    const node = nodeAt(content, state.at);
    // The sign being asked about, or "not sure, ..." with a sign as the answer to a question.
    if ('ask' in node && node.ask !== 'trial_criteria') {
      const asked = node.ask === 'checklist' ? node.items.some((item) => item.evidence === flag) : node.evidence === flag;
      if (asked || (reading.hedged && node.ask !== 'choice')) return true;
    }
  }
  return state.patient?.who === 'other' && reading.who === 'other' && !reading.hedged;
}

/** The question that confirms a sign, worded for the patient. */
function confirmQuestionFor(draft: TurnDraft, flag: RedFlagId): string {
  const { state, content } = draft;
  if (state.patient?.who === 'other') {
    const tree = [...content.dialogs.trees.values()].find((t) => t.skip_questions_that_cannot_raise_level);
    const text = tree && questionForOther(tree.nodes, flag);
    if (text) {
      return `${content.messages.red_flag.confirm_prefix} ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
    }
  }
  return content.confirmQuestion(flag);
}

/** The check's yes/no question about a sign, worded for someone else (a checklist item's own, or the question's). */
function questionForOther(nodes: Record<string, DialogNode>, flag: RedFlagId): string | undefined {
  for (const node of Object.values(nodes)) {
    if (!('ask' in node)) continue;
    if (node.ask === 'checklist') {
      const item = node.items.find((i) => i.evidence === flag);
      if (item) return item.text_other;
    } else if (node.ask !== 'trial_criteria' && node.evidence === flag) return node.text_other;
  }
  return undefined;
}

/** "What is saddle numbness?": the article section about that sign, then on. */
export function explainRedFlag(draft: TurnDraft, explain: { article: string; next: string }, flag: RedFlagId): void {
  const article = draft.content.articles.get(explain.article);
  const sectionId = article.evidenceSections[flag];
  const section = article.sections.find((s) => s.id === sectionId) ?? article.sections[0]!;
  for (const message of section.messages) draft.say(message);
  draft.state.suspended = undefined;
  goTo(draft, explain.next, ENTRY_TREE);
}

export function askToConfirmFlags(draft: TurnDraft, flags: RedFlagId[]): void {
  const { state, content } = draft;
  const caudaEquina = flags.filter((flag) => CAUDA_EQUINA_FLAGS.includes(flag));
  if (caudaEquina.length > 0) {
    // A possible cauda equina sign: the urgent advice first (over-triage is the safe side),
    // then one question, neutral about who. A "no" afterwards takes nothing back.
    if (state.support) {
      urgentDuringSupport(draft, flags);
      return;
    }
    for (const flag of caudaEquina) state.answers[flag] = 'unsure';
    suspendFlow(draft);
    const at = draft.replies.length;
    announceOutcome(draft, evaluateTriage(content.triageRules, state.answers), false);
    acknowledgeCarer(draft, at);
    state.pending = { kind: 'confirm_flags', flags, urgent: true };
    const question = state.patient?.who === 'other' ? content.messages.red_flag.urgent_confirm_other : content.messages.red_flag.urgent_confirm;
    draft.say(question, { ask: { kind: 'yes_no', node: 'confirm_flags', evidence: caudaEquina[0]! }, choices: yesNoChoices(draft, true) });
    return;
  }
  suspendFlow(draft);
  state.pending = { kind: 'confirm_flags', flags };
  draft.say(content.messages.red_flag.confirm_intro);
  draft.say(confirmQuestionFor(draft, flags[0]!), {
    ask: { kind: 'yes_no', node: 'confirm_flags', evidence: flags[0]! },
    choices: yesNoChoices(draft, true),
  });
}

/**
 * The answer to a confirming question. Yes, not sure, "not me, my wife" or anything unclear:
 * the sign stands (over-triage is the safe side). No: after urgent advice, nothing is taken
 * back and the person is told what to watch for; otherwise, carry on.
 */
export function confirmFlags(draft: TurnDraft, pending: Extract<Pending, { kind: 'confirm_flags' }>, confirmed: boolean): void {
  const { state, content } = draft;
  state.pending = undefined;
  if (!confirmed && pending.urgent) {
    state.netted = true;
    // In the middle of the check ("wait, what counts as saddle numbness?" read as a report): the
    // signs to watch for, then the check's question again; the advice stays in place all the same.
    if (state.suspended && isCheck(content, state.suspended)) {
      draft.say(content.messages.red_flag.urgent_not_now);
      resumeSuspended(draft, false);
      return;
    }
    offerAfterUrgent(draft, content.messages.red_flag.urgent_not_now);
    return;
  }
  if (!confirmed) {
    for (const flag of pending.flags) state.answers[flag] = 'no';
    draft.say(content.messages.red_flag.confirmed_none);
    resumeSuspended(draft, false);
    return;
  }
  if (!pending.urgent) {
    actOnRedFlags(draft, pending.flags);
    return;
  }
  for (const flag of pending.flags) state.answers[flag] = 'yes';
  const outcome = evaluateTriage(content.triageRules, state.answers);
  if (!state.announced || levelRank(outcome.level) < levelRank(state.announced)) {
    announceOutcome(draft, outcome, false);
  } else {
    const title = draft.fill(content.triageRules.outcomes[outcome.level].title);
    draft.replies.push({
      text: draft.fill(content.messages.red_flag.urgent_confirmed, { title }),
      triage: { level: outcome.level, reasons: outcome.reasons.map((r) => r.rule), final: false },
      urgent: levelRank(outcome.level) <= levelRank('emergency'),
    });
    state.triage = { level: outcome.level, reasons: outcome.reasons, at: new Date().toISOString() };
  }
  offerAfterUrgent(draft, content.messages.red_flag.offer);
}
