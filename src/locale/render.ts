// `backline check` renders every triage reason and outcome the way the bot says them, in every
// language pack, with every set of warning-sign labels a rule can fire with, for the person and for
// someone they ask for, and reports broken sentences: a doubled phrase ("Your pain started after
// pain that started after a fall"), a {placeholder} left over, or an empty part ("about ." or an
// empty bullet). It uses the runtime's own triageReplyText, so what is checked is what is sent.
import { TRIAGE_LEVELS, type RedFlagId } from '../contract.js';
import type { ContentProblem } from '../engine/loader.js';
import { TurnDraft, triageReplyText, type EngineContent } from '../engine/runtime.js';
import { newConversationState } from '../engine/state.js';
import type { PatientRef } from '../nlu/patient.js';
import type { TriageOutcome, TriageRule } from '../triage/rules.js';

/** Short words that may repeat in a sentence without making it broken ("of the ... of the"). */
const FUNCTION_WORDS = new Set(
  'a an the and or of to in on at for with by from your you my if is are be it this that as not no can do does did have has had get any so but or nor too very more'.split(
    ' ',
  ),
);

/**
 * What is wrong with one rendered text, if anything. `doubles: false` skips the doubled-phrase
 * test: a list of several labels may share words ("new problems with your bladder, new problems
 * controlling your bowels") without being broken.
 */
export function sentenceProblems(text: string, doubles = true): string[] {
  const problems: string[] = [];
  const leftover = text.match(/\{[^{}\s]*\}/g);
  if (leftover) problems.push(`leftover placeholder ${leftover.join(', ')}`);
  if (/(^|\n)\s*[-*]\s*($|\n)/.test(text)) problems.push('an empty list item');
  if (/\(\s*\)|\*\*\s*\*\*|\s[.,;:!?]|,\s*[,.]|\b(about|after|with|of|to|and)\s*[.,;:]/i.test(text)) problems.push('an empty part');
  for (const sentence of doubles ? text.split(/[.!?:;\n]+/) : []) {
    const words = sentence.toLowerCase().match(/[\p{L}\p{N}'&]+/gu) ?? [];
    for (let i = 1; i < words.length; i++) {
      if (words[i] === words[i - 1] && !/^\d+$/.test(words[i]!)) problems.push(`doubled word "${words[i]} ${words[i]}"`);
    }
    const seen = new Set<string>();
    for (let i = 1; i < words.length; i++) {
      const a = words[i - 1]!;
      const b = words[i]!;
      if (FUNCTION_WORDS.has(a) && FUNCTION_WORDS.has(b)) continue;
      const bigram = `${a} ${b}`;
      if (seen.has(bigram)) problems.push(`doubled phrase "${bigram}"`);
      seen.add(bigram);
    }
  }
  return [...new Set(problems)];
}

/** Every set of flags a rule can fire with: its `all` with each `any` alone, and with all of them. */
export function flagSetsOf(rule: TriageRule): RedFlagId[][] {
  const all = rule.all ?? [];
  const any = rule.any ?? [];
  if (any.length === 0) return [all];
  const sets = any.map((flag) => [...all, flag]);
  if (any.length > 1) sets.push([...all, ...any]);
  return sets;
}

const PATIENTS: (PatientRef | undefined)[] = [undefined, { who: 'other', rel: 'wife', pronoun: 'she' }, { who: 'other' }];

export interface RenderedText {
  locale: string;
  what: string;
  text: string;
  /** Holds at most one label besides the rule's `all`: a doubled phrase is the template's fault. */
  oneLabel: boolean;
}

/** Every reason with every label set, and every outcome alone, as the bot would say it. */
export function renderTriageTexts(engine: EngineContent): RenderedText[] {
  const out: RenderedText[] = [];
  const locale = engine.locale ?? 'en';
  for (const patient of PATIENTS) {
    const state = newConversationState();
    if (patient) state.patient = patient;
    const draft = new TurnDraft(engine, state);
    const who = patient ? ` (for ${patient.rel ?? 'someone else'})` : '';
    for (const level of TRIAGE_LEVELS) {
      const text = triageReplyText(draft, { level, reasons: [] }).text;
      out.push({ locale, what: `outcome ${level}${who}`, text, oneLabel: true });
      out.push({
        locale,
        what: `already_advised ${level}${who}`,
        text: draft.fill(engine.messages.triage.already_advised, { title: draft.fill(engine.triageRules.outcomes[level].title) }),
        oneLabel: true,
      });
    }
    for (const rule of engine.triageRules.rules) {
      for (const flags of flagSetsOf(rule)) {
        const outcome: TriageOutcome = { level: rule.level, reasons: [{ rule: rule.id, level: rule.level, flags }] };
        const { reasons } = triageReplyText(draft, outcome);
        out.push({
          locale,
          what: `reason ${rule.id} [${flags.join(', ')}]${who}`,
          text: reasons[0] ?? '',
          oneLabel: flags.length <= (rule.all?.length ?? 0) + 1,
        });
      }
    }
  }
  return out;
}

export function renderProblems(engines: ReadonlyMap<string, EngineContent>): ContentProblem[] {
  const problems: ContentProblem[] = [];
  for (const engine of engines.values()) {
    for (const rendered of renderTriageTexts(engine)) {
      const found = rendered.text.trim() === '' ? ['empty text'] : sentenceProblems(rendered.text, rendered.oneLabel);
      for (const problem of found) {
        problems.push({
          file: 'knowledge/triage-rules.yaml',
          line: 1,
          message: `${rendered.locale} ${rendered.what}: ${problem}: "${rendered.text.slice(0, 160)}"`,
        });
      }
    }
  }
  return problems;
}
