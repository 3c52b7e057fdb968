// Triage outcomes: the advice for a level with the reasons behind it, and at the end of the
// check a summary the person can keep or show a doctor.
import { levelRank } from '../contract.js';
import { evaluateTriage, type TriageOutcome } from '../triage/rules.js';
import { CHOICE_VALUES, joinLabels, URGENT_LEVEL, type TurnDraft } from './draft.js';
import { askChain } from './progress.js';
import type { CheckSummary, Choice } from './replies.js';

export function triageReplyText(draft: TurnDraft, outcome: TriageOutcome): { text: string; reasons: string[] } {
  const { messages, triageRules } = draft.content;
  const advice = triageRules.outcomes[outcome.level];
  const reasons = reasonTexts(draft, outcome);
  const forOther = draft.state.patient?.who === 'other';
  const parts = [`**${draft.fill(advice.title)}**`, draft.fill(forOther && advice.advice_other ? advice.advice_other : advice.advice)];
  // Advice for someone else: say who it is for, so a carer knows to act for them.
  if (forOther) parts.splice(1, 0, draft.fill(messages.triage.for_other));
  if (reasons.length > 0) parts.push(`${messages.triage.reasons_heading}\n${reasons.map((r) => `- ${r}`).join('\n')}`);
  return { text: parts.join('\n\n'), reasons };
}

function reasonTexts(draft: TurnDraft, outcome: TriageOutcome): string[] {
  const { triageRules } = draft.content;
  return outcome.reasons.map((reason) => {
    const rule = triageRules.rules.find((r) => r.id === reason.rule)!;
    const forOther = draft.state.patient?.who === 'other' && draft.content.redFlagLabelOther;
    const labels = reason.flags.map((f) => (forOther ? draft.fill(draft.content.redFlagLabelOther!(f)) : draft.content.redFlagLabel(f)));
    return draft.fill(rule.reason, { flags: joinLabels(labels, draft.content.locale) });
  });
}

function outcomeChoices(draft: TurnDraft): Choice[] {
  const { labels } = draft.content.messages;
  return [
    { label: labels.talk_to_person, value: CHOICE_VALUES.human },
    { label: labels.main_menu, value: CHOICE_VALUES.menu },
  ];
}

/** Says the outcome for the answers so far; `final` marks the end of a questionnaire. */
export function announceOutcome(draft: TurnDraft, outcome: TriageOutcome, final: boolean, choices?: Choice[]): void {
  const { state } = draft;
  const { text } = triageReplyText(draft, outcome);
  const urgent = levelRank(outcome.level) <= URGENT_LEVEL;
  draft.replies.push({
    text,
    triage: { level: outcome.level, reasons: outcome.reasons.map((r) => r.rule), final },
    urgent,
    ...(choices ? { choices } : {}),
  });
  state.triage = { level: outcome.level, reasons: outcome.reasons, at: new Date().toISOString() };
  if (!state.announced || levelRank(outcome.level) < levelRank(state.announced)) state.announced = outcome.level;
}

/** The end of a questionnaire: the outcome (or its headline, if just given), then the summary. */
export function finalOutcome(draft: TurnDraft, tree: string): void {
  const { state, content } = draft;
  const outcome = evaluateTriage(content.triageRules, state.answers);
  const choices = outcomeChoices(draft);
  if (state.announced && state.announced === outcome.level && levelRank(outcome.level) <= URGENT_LEVEL) {
    // The full advice was given moments ago: repeat the headline, not the whole message.
    const title = draft.fill(content.triageRules.outcomes[outcome.level].title);
    draft.replies.push({
      text: draft.fill(content.messages.triage.already_advised, { title }),
      triage: { level: outcome.level, reasons: outcome.reasons.map((r) => r.rule), final: true },
      urgent: true,
    });
    state.triage = { level: outcome.level, reasons: outcome.reasons, at: new Date().toISOString() };
  } else {
    announceOutcome(draft, outcome, true);
  }
  if (content.dialogs.trees.get(tree)?.progress) saySummary(draft, tree, outcome);
  // The check is over: nothing left to undo.
  state.history = undefined;
  draft.say(content.messages.triage.human_offer, { choices });
}

/** What the person said, the outcome and why, and the date: to keep or show a doctor. */
export function checkSummary(draft: TurnDraft, tree: string, outcome: TriageOutcome): CheckSummary {
  const { state, content } = draft;
  const { labels, summary: words } = content.messages;
  const answers: CheckSummary['answers'] = [];
  const answerText = (value: string | number | undefined, evidence: string): string => {
    if (value === undefined) return words.not_asked;
    if (evidence === 'age') return String(value);
    if (evidence === 'duration_weeks') {
      const weeks = Number(value);
      return weeks < 1
        ? draft.fill(words.days, { count: Math.max(1, Math.round(weeks * 7)) })
        : draft.fill(words.weeks, { count: Math.round(weeks * 10) / 10 });
    }
    return value === 'yes' ? labels.yes : value === 'unsure' ? labels.unsure : labels.no;
  };
  const questionOf = (evidence: string): string =>
    evidence === 'age' ? words.age : evidence === 'duration_weeks' ? words.duration : capitalise(content.redFlagLabel(evidence));
  for (const { node } of askChain(content, tree)) {
    const evidences = node.ask === 'checklist' ? node.items.map((i) => i.evidence) : 'evidence' in node && node.evidence ? [node.evidence] : [];
    for (const evidence of evidences) answers.push({ question: questionOf(evidence), answer: answerText(state.answers[evidence], evidence) });
  }
  const title = draft.fill(content.triageRules.outcomes[outcome.level].title);
  return { date: new Date().toISOString().slice(0, 10), answers, level: outcome.level, outcome: title, reasons: reasonTexts(draft, outcome) };
}

function saySummary(draft: TurnDraft, tree: string, outcome: TriageOutcome): void {
  const words = draft.content.messages.summary;
  const summary = checkSummary(draft, tree, outcome);
  const forOther = draft.state.patient?.who === 'other';
  const lines = [
    draft.fill(forOther ? words.heading_other : words.heading, { date: summary.date }),
    draft.fill(words.outcome_line, { outcome: summary.outcome }),
    ...(summary.reasons.length > 0 ? [`${words.why}\n${summary.reasons.map((r) => `- ${r}`).join('\n')}`] : []),
    `${draft.fill(forOther ? words.answers_other : words.answers)}\n${summary.answers.map((a) => `- ${a.question}: ${a.answer}`).join('\n')}`,
    draft.fill(words.note),
  ];
  draft.say(lines.join('\n\n'), { summary: { data: summary, fileName: draft.fill(words.file_name, { date: summary.date }) } });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
