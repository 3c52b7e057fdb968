// Direct questions that get a plain answer before anything else (knowledge/nlu/direct-questions.yaml):
// "do I have sciatica?", dose questions, someone else's prescription; the tone of a message
// (worry, anger, an insult, small talk); and the words that find an article's section.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { editDistance } from '../nlu/entities/text.js';
import { escapeRegExp, unionOf } from '../text/regex.js';
import { memoizeText } from '../util/memo.js';
import { isIntentId, type IntentId } from '../contract.js';

const patterns = z.array(z.string().min(1)).min(1);

/** A phrase that says which topic a message asks about, whatever the classifier guessed (see the file). */
const phraseIntent = z.strictObject({
  phrase: z.string().refine((name) => (PHRASES as readonly string[]).includes(name), 'no such phrase list'),
  intent: z.string().refine(isIntentId, 'not an intent id'),
  /** `unplaced`: only when the classifier put the message on no topic and was unsure; `any`: always. */
  classifier: z.enum(['unplaced', 'any']),
  min_confidence: z.number().min(0).max(1),
  in_flow: z.boolean(),
  after_urgent_advice: z.boolean(),
  /** A section of the intent's article that answers the phrase ("how long does it last?"), instead of the opening. */
  section: z.string().min(1).optional(),
});

const schema = z.strictObject({
  /** Asks for a diagnosis: "do I have ...", "can you diagnose me", "what is wrong with me". */
  diagnosis: patterns,
  /** With a condition named in the message: the ways of asking whether one has it ("I have sciatica or no?"). */
  diagnosis_when_named: patterns,
  /** A question sentence that is only a condition's name ("... pain shoots down my leg. slipped disc?"), beside a description of the pain. */
  condition_question: patterns,
  /** With a condition in context: "so google is right?", "does she have it then?". */
  diagnosis_followup: patterns,
  /** "Do I have it?", "does she have that then?": whether one has it, with or without a condition in context. */
  diagnosis_pronoun: patterns,
  /** A clause of its own asking what it is ("... back hurts when i lift my leg. what is it"), beside a description of the pain. */
  what_is_it: patterns,
  /** Asks what a condition is ("what is stenosis exactly?", "qué es sciatica", "what's that?" with one named): its opening. */
  asks_definition: patterns,
  /** "What if it gets worse while I wait?": when to see a doctor, not a report of a warning sign. */
  if_worse: patterns,
  /** Asks how much of a medicine to take. */
  dose: patterns,
  /** Asks to take someone else's prescription medicine. */
  others_prescription: patterns,
  /** With a medicine in the message or just before: other medicines, pregnancy, a health condition. */
  medicine_caution: patterns,
  medicine_mistake: patterns,
  /** Medicines and words for them ("tylenol", "painkillers", "meds"). */
  medicines: z.array(z.string().min(1)).min(1),
  /** Amount questions without the medicine's name, for when one was named just before. */
  dose_followup: patterns,
  /** Plain questions about the causes of the pain, for when the classifier finds nothing. */
  headline: patterns,
  /** Words of the headline topic read through a one-letter typo ("bak", "agen"), for `headline` only. */
  headline_spellings: z.array(z.string().min(3)).min(1),
  /** After urgent advice: asking whether it can wait, whether to go, how, or saying they won't. */
  about_going: patterns,
  refuses_going: patterns,
  /** How long the pain lasts ("how long till it goes?"). */
  how_long: patterns,
  /** After urgent advice: the cost of going is the worry ("can't afford an ambulance"). */
  cost_worry: patterns,
  what_to_do: patterns,
  /** How to ease the pain ("fastest way to make it stop hurting"): what helps at home, in or out of the check. */
  asks_relief: patterns,
  /** What helps while waiting for an operation or appointment ("what can I do while I wait for surgery"). */
  while_waiting: patterns,
  /** A sign said to be there now ("tearing pain right now"): a question about it is a report. */
  present_now: patterns,
  /** "Now" said of being well ("he's fine at the moment"): not a sign there now. */
  fine_now: patterns,
  /** After crisis help, talk of the pills or how many ("I haven't taken any yet", "how many is too many?"). */
  means_talk: patterns,
  private_area: patterns,
  /** Activity id -> words that name it ("swimming": [swimming, swim]). */
  activities: z.record(z.string(), z.array(z.string().min(1)).min(1)),
  /** Article ids searched, in order, for a section that names the activity asked about. */
  activity_articles: z.array(z.string().min(1)),
  /** The section that answers when no section names the activity. */
  activity_fallback: z.strictObject({ article: z.string().min(1), section: z.string().min(1) }),
  /** Asking whether an activity is all right ("{activity}" is any activity word). */
  asks_activity: patterns,
  /** Which topic a phrase asks about, whatever the classifier guessed, and when. */
  phrase_intents: z.array(phraseIntent),
  /** After urgent advice: "it's probably just stress". */
  minimises: patterns,
  check_request: patterns,
  /** "Is my back pain serious?": the check answers it. */
  asks_serious: patterns,
  /** In the check: "can we start again from the beginning". */
  restart_check: patterns,
  /** In the check: words that ask to stop (a complaint without them is not a request to stop). */
  stop_request: patterns,
  /** At a question outside the check: "in the meantime, what's X?" sets the question aside. */
  meanwhile: patterns,
  pause: patterns,
  /** "ok", "hmm", "yes" with no question waiting: nothing to answer. */
  filler: patterns,
  /** "Which number do I call?": the emergency and poison numbers. */
  which_number: patterns,
  /** "I feel fine though": after overdose help, the help again. */
  downplays: patterns,
  /** After crisis help: "don't give me a hotline number". */
  declines_help: patterns,
  /** In the check: how many questions are left, why it asks, what a question means. */
  check_left: patterns,
  check_why: patterns,
  check_meaning: patterns,
  /** Answers in sentences in the check: it happens at times / it does not / not clear. */
  answer_occurs: patterns,
  answer_absent: patterns,
  answer_unclear: patterns,
  resume: patterns,
  short_version: patterns,
  points_to: patterns,
  /** The condition article's section ids that answer "what points to X", and the one after it. */
  points_to_sections: z.strictObject({ answer: z.string().min(1), then: z.string().min(1) }),
  /** "So what's actually going on in there?": the article in context explains. */
  explain_more: patterns,
  /** The section ids that explain what is happening, in order of preference. */
  explain_sections: z.array(z.string().min(1)).min(1),
  denies: patterns,
  /** "Is that normal?": acknowledged like worry, after urgent advice when there is any. */
  worried_question: patterns,
  worry: patterns,
  anger: patterns,
  /** Idioms of bad pain ("this is killing me"): acknowledged, never taken for a crisis. */
  distress: patterns,
  /** "Doctors keep fobbing me off", "I am alone here": acknowledged before the answer. */
  unheard: patterns,
  lonely: patterns,
  /** Worn out by looking after someone ("I'm exhausted looking after dad"): acknowledged first. */
  exhausted: patterns,
  /** Low mood from the pain ("feeling really low with this back pain"): acknowledged first. */
  low_mood: patterns,
  /** Doubts the bot will answer ("you can't tell me anything useful", "yes or no"): acknowledged first. */
  sceptic: patterns,
  insult: patterns,
  small_talk: patterns,
  bot_identity: patterns,
  /** Condition article id -> words that name it ("is this sciatica?"). */
  conditions: z.record(z.string(), z.array(z.string().min(1)).min(1)),
  /** Words never used to match a section (too common to mean anything). */
  stop_words: z.array(z.string()),
  /** A word in a question -> the words a section heading or text uses for it. */
  section_words: z.record(z.string(), z.array(z.string().min(1))),
});

export type DirectKind = 'diagnosis' | 'dose' | 'others_prescription' | 'medicine_safety' | 'medicine_mistake';
/** Phrases the conversation acts on (each a list of patterns in the file). */
export const PHRASES = [
  'downplays',
  'declines_help',
  'which_number',
  'filler',
  'check_left',
  'check_why',
  'check_meaning',
  'dose_followup',
  'refuses_going',
  'cost_worry',
  'what_to_do',
  'minimises',
  'check_request',
  'asks_serious',
  'restart_check',
  'pause',
  'resume',
  'answer_occurs',
  'answer_absent',
  'answer_unclear',
  'short_version',
  'points_to',
  'explain_more',
  'denies',
  'worried_question',
  'diagnosis_followup',
  'medicine_caution',
  'medicine_mistake',
  'stop_request',
  'meanwhile',
  'diagnosis_pronoun',
  'what_is_it',
  'asks_definition',
  'if_worse',
  'asks_relief',
  'while_waiting',
  'present_now',
  'fine_now',
  'means_talk',
  'private_area',
  'how_long',
] as const;
export type Phrase = (typeof PHRASES)[number];
export type Tone = 'worry' | 'anger' | 'distress' | 'unheard' | 'lonely' | 'low_mood' | 'exhausted' | 'sceptic' | 'insult' | 'small_talk' | 'bot_identity';
/** Tones acknowledged in one sentence before the answer (the sentence is messages.direct[tone]). */
export type AcknowledgedTone = Extract<Tone, 'worry' | 'anger' | 'distress' | 'unheard' | 'lonely' | 'low_mood' | 'exhausted' | 'sceptic'>;
export const ACKNOWLEDGED_TONES: ReadonlySet<Tone> = new Set<AcknowledgedTone>(['worry', 'anger', 'distress', 'unheard', 'lonely', 'low_mood', 'exhausted', 'sceptic']);

export interface PhraseIntent {
  phrase: Phrase;
  intent: IntentId;
  classifier: 'unplaced' | 'any';
  minConfidence: number;
  inFlow: boolean;
  afterUrgentAdvice: boolean;
  section?: string;
}

export interface Activity {
  id: string;
  /** The words that name it. */
  words: readonly string[];
}

export interface DirectQuestions {
  /** The activity a message asks whether it is all right to do ("can I still go swimming?"), if any. */
  activityAsked(text: string): Activity | undefined;
  /** Article ids searched, in order, for a section naming the activity asked about. */
  activityArticles: readonly string[];
  /** The section answering when none names the activity. */
  activityFallback: { article: string; section: string };
  /** Phrases that say which topic a message asks about, whatever the classifier guessed (in order). */
  phraseIntents: readonly PhraseIntent[];
  /** The direct question this message asks, if any (most specific first). */
  kindOf(text: string): DirectKind | undefined;
  /** The direct questions asked in the message's clauses ("is it sciatica, and how many advil can I take": both). */
  kindsIn(text: string): DirectKind[];
  /** The message cut into its clauses (sentences, and parts joined by ", and", "+", "also"). */
  clausesOf(text: string): string[];
  toneOf(text: string): Tone | undefined;
  /** The message without its worry or anger ("this is useless, just tell me X" -> "tell me X"). */
  withoutTone(text: string): string;
  /** Section ids answering "what points to X" (`answer`) and the one to show next (`then`). */
  pointsToSections: { answer: string; then: string };
  /** Section ids that explain what is happening ("what's going on in there?"), preferred first. */
  explainSections: readonly string[];
  /** The condition article ids the file names words for. */
  conditionIds: readonly string[];
  /** The condition article a message names, if any. */
  conditionNamed(text: string): string | undefined;
  /** Whether a sentence ending in "?" is only a condition's name ("slipped disc?", "sciatica maybe?"), however it is spelt. */
  asksConditionAlone(text: string): boolean;
  /** Whether the message names a medicine (or medicines in general). */
  mentionsMedicine(text: string): boolean;
  /** A plain question about what causes the pain ("what is reason of this pain"). */
  asksHeadline(text: string): boolean;
  /** "Can it wait till after my meeting?", "he doesn't want to go", "should I drive him?" */
  asksAboutGoing(text: string): boolean;
  /** The message without the signs it says are absent ("no numbness, no fever"), for finding a section. */
  withoutDenials(text: string): string;
  /** The message (normalised) without what a phrase matched ("don't give me a hotline, I want X" -> "i want x"). */
  withoutPhrase(phrase: Phrase, text: string): string;
  /** Whether the message says one of the phrases the conversation acts on. */
  says(phrase: Phrase, text: string): boolean;
  /** The content words of a question, each word of a section_words group as the group's first word. */
  contentWords(text: string): string[];
  /** The section_words groups' first words: topics a section is about when its text names them ("surgery", "scan"). */
  sectionConcepts: ReadonlySet<string>;
}

/** Where a message's clauses part: sentence ends, and ", and" / ", also" / " + " / " also " between questions. */
const CLAUSE_BREAK = /[.?!;\n]+|,\s*(?:and|but|also|plus|or)?\b|\s\+\s|\s(?:also|plus|and also)\s/i;

/** Phrases written around a condition's name ({condition}), also matched with misspelt names spelt right. */
const CONDITION_PHRASES: ReadonlySet<Phrase> = new Set<Phrase>(['asks_definition']);

/** A condition's one-word name this long or longer is recognised with up to TYPO_EDITS typos. */
const MIN_TYPO_NAME = 7;
const TYPO_EDITS = 2;

function compile(list: string[]): RegExp[] {
  return list.map((p) => new RegExp(p, 'i'));
}

/** Each pattern list's union (text/regex.ts), made once: one scan tells that none of a list matches (most messages, most lists). */
const unions = new WeakMap<readonly RegExp[], RegExp>();
/** Whether any of `list` matches `text`: the same answer as list.some(r => r.test(text)), several times faster on a miss. */
function someMatch(list: readonly RegExp[], text: string): boolean {
  let union = unions.get(list);
  if (!union) {
    union = unionOf(list);
    unions.set(list, union);
  }
  // The union is only a pre-screen (it matches everything when the list cannot be joined exactly).
  return union.test(text) && list.some((r) => r.test(text));
}

/** Lower case, letters and digits only, single spaces, a space at each end. Memoised: every check of a message (and every article section scored) normalises the same text again. */
export const normaliseForPatterns = memoizeText(
  (text: string): string => ` ${text.toLowerCase().replace(/[’']/g, '').replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim()} `,
  512,
);

export function loadDirectQuestions(path: string): DirectQuestions {
  const parsed = schema.safeParse(parseYaml(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const data = parsed.data;
  const kinds: [DirectKind, RegExp[]][] = [
    ['others_prescription', compile(data.others_prescription)],
    ['dose', compile(data.dose)],
    ['diagnosis', compile(data.diagnosis)],
  ];
  // Small talk is the weakest: an insult or worry in the same message wins.
  const tones: [Tone, RegExp[]][] = [
    ['insult', compile(data.insult)],
    ['lonely', compile(data.lonely)],
    ['low_mood', compile(data.low_mood)],
    ['exhausted', compile(data.exhausted)],
    ['unheard', compile(data.unheard)],
    ['sceptic', compile(data.sceptic)],
    ['anger', compile(data.anger)],
    ['worry', compile(data.worry)],
    ['distress', compile(data.distress)],
    ['bot_identity', compile(data.bot_identity)],
    ['small_talk', compile(data.small_talk)],
  ];
  const headline = compile(data.headline);
  /** The phrase with a word one letter away from a headline word written as that word ("bak" -> "back"). */
  const spellHeadline = (phrase: string): string =>
    phrase.replace(/[a-z]+/g, (token) => {
      if (token.length < 3 || data.headline_spellings.includes(token)) return token;
      return data.headline_spellings.find((word) => token[0] === word[0] && editDistance(token, word, 1) <= 1) ?? token;
    });
  const medicines = data.medicines.map((m) => ` ${m} `);
  const denials = compile(data.denies).map((r) => new RegExp(r.source, 'gi'));
  const conditionWords = Object.values(data.conditions)
    .flat()
    .sort((x, y) => y.length - x.length)
    .map(escapeRegExp)
    .join('|');
  const phrases: Record<Phrase, RegExp[]> = {
    dose_followup: compile(data.dose_followup),
    refuses_going: compile(data.refuses_going),
    cost_worry: compile(data.cost_worry),
    what_to_do: compile(data.what_to_do),
    minimises: compile(data.minimises),
    check_request: compile(data.check_request),
    asks_serious: compile(data.asks_serious),
    restart_check: compile(data.restart_check),
    pause: compile(data.pause),
    filler: compile(data.filler),
    which_number: compile(data.which_number),
    downplays: compile(data.downplays),
    declines_help: compile(data.declines_help),
    check_left: compile(data.check_left),
    check_why: compile(data.check_why),
    check_meaning: compile(data.check_meaning),
    resume: compile(data.resume),
    answer_occurs: compile(data.answer_occurs),
    answer_absent: compile(data.answer_absent),
    answer_unclear: compile(data.answer_unclear),
    short_version: compile(data.short_version),
    points_to: compile(data.points_to),
    explain_more: compile(data.explain_more),
    denies: compile(data.denies),
    worried_question: compile(data.worried_question),
    diagnosis_followup: compile(data.diagnosis_followup),
    medicine_caution: compile(data.medicine_caution),
    medicine_mistake: compile(data.medicine_mistake),
    stop_request: compile(data.stop_request),
    meanwhile: compile(data.meanwhile),
    diagnosis_pronoun: compile(data.diagnosis_pronoun),
    what_is_it: compile(data.what_is_it),
    asks_definition: compile(data.asks_definition.map((p) => p.replaceAll('{condition}', `(?:${conditionWords})`))),
    if_worse: compile(data.if_worse),
    asks_relief: compile(data.asks_relief),
    while_waiting: compile(data.while_waiting),
    present_now: compile(data.present_now),
    fine_now: compile(data.fine_now),
    means_talk: compile(data.means_talk),
    private_area: compile(data.private_area),
    how_long: compile(data.how_long),
  };
  // The same phrases for replacing every occurrence (withoutPhrase), compiled once, not per call.
  const globalPhrases = Object.fromEntries(
    Object.entries(phrases).map(([name, list]) => [name, list.map((r) => new RegExp(r.source, 'gi'))]),
  ) as Record<Phrase, RegExp[]>;
  const aboutGoing = compile(data.about_going);
  const toneOnly = [...compile(data.worry), ...compile(data.anger), ...compile(data.distress), ...compile(data.insult)].map((r) => new RegExp(r.source, 'gi'));
  const conditions = Object.entries(data.conditions).map(([id, words]) => ({ id, words: words.map((w) => ` ${w} `) }));
  // One-word names long enough to be told apart with a typo ("arthritus", "sciatca").
  const typoNames = Object.values(data.conditions).flatMap((words) => words.filter((w) => !w.includes(' ') && w.length >= MIN_TYPO_NAME));
  /** The phrase with a misspelt one-word condition name written as it should be. */
  const spellWord = (token: string): string | undefined =>
    typoNames.find((word) => token[0] === word[0] && editDistance(token, word, TYPO_EDITS) <= TYPO_EDITS);
  /** A name dictated or typed as two words ("arthur itis", "sci atica"): the pair, joined, is one name. */
  const joinSplitNames = (phrase: string): string => {
    const words = phrase.split(' ');
    for (let i = 0; i + 1 < words.length; i++) {
      const [first, second] = [words[i]!, words[i + 1]!];
      if (first.length < 2 || second.length < 2 || typoNames.includes(first) || typoNames.includes(second)) continue;
      const joined = first + second;
      if (joined.length < MIN_TYPO_NAME || !/^[a-z]+$/.test(joined)) continue;
      const name = spellWord(joined);
      if (name) words.splice(i, 2, name);
    }
    return words.join(' ');
  };
  const spellConditions = (phrase: string): string =>
    joinSplitNames(phrase).replace(/[a-z]+/g, (token) => {
      if (token.length < MIN_TYPO_NAME - 1 || typoNames.includes(token)) return token;
      return spellWord(token) ?? token;
    });
  const conditionIn = (phrase: string): string | undefined => {
    const spelt = spellConditions(phrase);
    return conditions.find((c) => c.words.some((w) => spelt.includes(w)))?.id;
  };
  const diagnosisWhenNamed = data.diagnosis_when_named.map((p) => new RegExp(p.replaceAll('{condition}', `(?:${conditionWords})`), 'i'));
  const conditionQuestion = data.condition_question.map((p) => new RegExp(p.replaceAll('{condition}', `(?:${conditionWords})`), 'i'));
  const stop = new Set(data.stop_words);
  // Each word of a group stands for the group's first word (its concept), so a question and a
  // section share a concept once however many of its words either uses ("exercises" and
  // "stretches" in a heading are one match, not seven).
  const concept = new Map<string, string>();
  // Groups' words of more than one word ("below the belt"), longest first: read as the concept
  // before the text is cut into words.
  const multiWord: { phrase: string; concept: string }[] = [];
  for (const [word, alternatives] of Object.entries(data.section_words)) {
    for (const alternative of [word, ...alternatives]) {
      const normal = normaliseForPatterns(alternative).trim();
      if (normal.includes(' ')) multiWord.push({ phrase: ` ${normal} `, concept: word });
      else concept.set(normal, word);
    }
  }
  multiWord.sort((x, y) => y.phrase.length - x.phrase.length);
  // Articles' headings and sections are scored against every follow-up question: each text's
  // words once (frozen: the lists are shared between callers).
  const contentWords = memoizeText((text: string): string[] => {
    let normal = normaliseForPatterns(text);
    const found: string[] = [];
    for (const { phrase, concept: word } of multiWord) {
      if (!normal.includes(phrase)) continue;
      found.push(word);
      normal = normal.replaceAll(phrase, ' ');
    }
    const words = normal
      .trim()
      .split(/\s+/)
      .filter((w) => w.length > 2 && !stop.has(w));
    return Object.freeze([...new Set([...found, ...words.map((w) => concept.get(w) ?? concept.get(w.replace(/s$/, '')) ?? w)])]) as string[];
  }, 2048);
  const kindOf = (text: string): DirectKind | undefined => {
    const phrase = normaliseForPatterns(text);
    const kind = kinds.find(([, list]) => someMatch(list, phrase))?.[0];
    if (kind) return kind;
    // "Please tell me, I have sciatica or no?", "do i hav arthritus": asking whether one has a named condition.
    const spelt = spellConditions(phrase);
    return someMatch(diagnosisWhenNamed, spelt) ? 'diagnosis' : undefined;
  };
  const clausesOf = (text: string): string[] =>
    text
      .split(CLAUSE_BREAK)
      .map((c) => c.trim())
      .filter((c) => /[a-z]/i.test(c));
  const phraseIntents = data.phrase_intents.map(
    (rule): PhraseIntent => ({
      phrase: rule.phrase as Phrase,
      intent: rule.intent as IntentId,
      classifier: rule.classifier,
      minConfidence: rule.min_confidence,
      inFlow: rule.in_flow,
      afterUrgentAdvice: rule.after_urgent_advice,
      ...(rule.section ? { section: rule.section } : {}),
    }),
  );
  const activities = Object.entries(data.activities).map(([id, words]): Activity => ({ id, words }));
  const activityWords = activities
    .flatMap((a) => a.words)
    .sort((x, y) => y.length - x.length)
    .map(escapeRegExp)
    .join('|');
  const asksActivity = data.asks_activity.map((p) => new RegExp(p.replaceAll('{activity}', `(${activityWords})`), 'i'));
  const activityAsked = (text: string): Activity | undefined => {
    const phrase = normaliseForPatterns(text);
    for (const pattern of asksActivity) {
      const match = pattern.exec(phrase);
      if (!match) continue;
      const said = match.slice(1).find((group) => group !== undefined && activities.some((a) => a.words.includes(group.trim())));
      const activity = said && activities.find((a) => a.words.includes(said.trim()));
      if (activity) return activity;
    }
    return undefined;
  };
  return {
    activityAsked,
    activityArticles: data.activity_articles,
    activityFallback: data.activity_fallback,
    phraseIntents,
    kindOf,
    kindsIn(text) {
      const found = [kindOf(text), ...clausesOf(text).map(kindOf)].filter((k): k is DirectKind => k !== undefined);
      return [...new Set(found)];
    },
    clausesOf,
    toneOf(text) {
      const phrase = normaliseForPatterns(text);
      const tone = tones.find(([, list]) => someMatch(list, phrase))?.[0];
      // A whole message in capitals ("WHAT IS WRONG WITH ME") is shouting: acknowledged like anger.
      const letters = text.replace(/[^A-Za-z]/g, '');
      return tone ?? (letters.length >= 8 && letters === letters.toUpperCase() ? 'anger' : undefined);
    },
    withoutTone(text) {
      let phrase = normaliseForPatterns(text);
      for (const pattern of toneOnly) phrase = phrase.replace(pattern, ' ');
      return phrase.trim();
    },
    pointsToSections: data.points_to_sections,
    explainSections: data.explain_sections,
    conditionIds: Object.keys(data.conditions),
    conditionNamed(text) {
      return conditionIn(normaliseForPatterns(text));
    },
    asksConditionAlone(text) {
      const questions = text.match(/[^.?!\n]+\?/g) ?? [];
      return questions.some((question) => someMatch(conditionQuestion, spellConditions(normaliseForPatterns(question))));
    },
    mentionsMedicine(text) {
      const phrase = normaliseForPatterns(text);
      return medicines.some((m) => phrase.includes(m));
    },
    asksHeadline(text) {
      const phrase = normaliseForPatterns(text);
      const spelt = spellHeadline(phrase);
      return someMatch(headline, phrase) || someMatch(headline, spelt);
    },
    asksAboutGoing(text) {
      const phrase = normaliseForPatterns(text);
      return someMatch(aboutGoing, phrase);
    },
    withoutDenials(text) {
      let phrase = normaliseForPatterns(text);
      for (const pattern of denials) phrase = phrase.replace(pattern, ' ');
      return phrase.trim();
    },
    withoutPhrase(phrase, text) {
      let normalised = normaliseForPatterns(text);
      for (const pattern of globalPhrases[phrase]) normalised = normalised.replace(pattern, ' ');
      return normalised.replace(/\s+/g, ' ').trim();
    },
    says(phrase, text) {
      const normalised = normaliseForPatterns(text);
      if (someMatch(phrases[phrase], normalised)) return true;
      // "what is spinal sten oasis": a phrase about a named condition, with the name as it should be spelt.
      return CONDITION_PHRASES.has(phrase) && someMatch(phrases[phrase], spellConditions(normalised));
    },
    contentWords,
    sectionConcepts: new Set(Object.keys(data.section_words)),
  };
}
