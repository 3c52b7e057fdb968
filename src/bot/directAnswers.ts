// Direct questions get direct answers: "do I have sciatica?" (Backline can't tell; what usually
// points to it; the check), dose questions (the leaflet or a pharmacist), someone else's
// prescription (never); follow-ups answered from the matching section of the right article; the
// same question twice gets the next section, never the same reply; the tone of a message.
import type { IntentId } from '../contract.js';
import type { Article, ArticleSection } from '../knowledge/articles.js';
import { ACKNOWLEDGED_TONES, normaliseForPatterns, type AcknowledgedTone, type DirectKind } from '../knowledge/directQuestions.js';
import { CHOICE_VALUES, repeatCurrentQuestion, type TurnDraft } from '../engine/runtime.js';
import { isCheck, nodeAt, urgentAdviceGiven } from '../engine/draft.js';
import { noteRead } from '../engine/paging.js';
import type { Choice } from '../engine/replies.js';
import { REPEAT_MIN_CHARS, saidHash } from './repeats.js';
import { routeIntent } from './flowControl.js';
import { escapeRegExp } from '../text/regex.js';

/** Intents that are about a topic an article answers (a "Did you mean" between two of these makes sense). */
export function isTopicIntent(intent: IntentId): boolean {
  return (
    intent.startsWith('condition.') ||
    intent.startsWith('care.') ||
    intent === 'symptom.leg_raise_pain' ||
    intent === 'causes.overview' ||
    intent === 'triage.start'
  );
}

/** Whether the person is answering a question of a flow (not a menu, not reading). */
export function isAnswering(draft: TurnDraft): boolean {
  const { state, content } = draft;
  if (!state.at || state.page !== undefined) return false;
  const node = nodeAt(content, state.at);
  return 'ask' in node && node.ask !== 'choice';
}

/** An answer from another section ends reading an article page by page ("Tell me more" would repeat). */
function leaveReading(draft: TurnDraft): void {
  if (draft.state.page === undefined) return;
  draft.state.at = undefined;
  draft.state.page = undefined;
}

/** After an aside: back to the question being answered, or what to do next. */
function carryOn(draft: TurnDraft, offerCheck: boolean): void {
  const { content } = draft;
  if (isAnswering(draft)) {
    repeatCurrentQuestion(draft);
    return;
  }
  const { labels } = content.messages;
  const choices: Choice[] = [
    ...(offerCheck ? [{ label: content.messages.safety_net.check_label, value: CHOICE_VALUES.check }] : []),
    { label: labels.main_menu, value: CHOICE_VALUES.menu },
  ];
  draft.say(offerCheck ? content.messages.direct.check_offer : content.messages.direct.more_offer, { choices });
}

/** Worry and anger get a sentence first; insults and small talk a short reply. Returns true when that was all. */
export function answerTone(draft: TurnDraft, text: string, intent: IntentId): boolean {
  const { direct } = draft.content;
  const tone = direct.toneOf(text);
  if (!tone) return false;
  const words = draft.content.messages.direct;
  // A direct question or a follow-up in the same message ("just tell me what I have") is answered after the sentence.
  const asksMore = Boolean(direct.kindOf(text)) || direct.says('points_to', text) || direct.says('short_version', text);
  // "This bot is useless, just tell me what is wrong with my back": the insult heard in a
  // sentence, then the question answered (never only the short reply to an insult).
  if (tone === 'insult' && asksMore) {
    draft.say(words.anger, { acknowledges: true });
    return false;
  }
  if (ACKNOWLEDGED_TONES.has(tone)) {
    draft.say(words[tone as AcknowledgedTone], { acknowledges: true });
    // The rest of the message is answered as usual; a message that is only worry gets the check.
    if ((intent !== 'out_of_scope' && intent !== 'help') || asksMore) return false;
    carryOn(draft, true);
    return true;
  }
  // "Are you a doctor? What's wrong with my back?": who is answering, then the question.
  if (tone === 'bot_identity' && asksMore) {
    draft.say(words.bot_identity);
    return false;
  }
  // Small talk with a real question in it ("hi, what is sciatica") is answered as usual.
  if ((tone === 'small_talk' || tone === 'bot_identity') && isTopicIntent(intent)) return false;
  draft.say(words[tone], tone === 'insult' ? { acknowledges: true } : {});
  if (tone === 'bot_identity' && !isAnswering(draft)) {
    const { labels } = draft.content.messages;
    draft.say(words.more_offer, {
      choices: [
        { label: labels.talk_to_person, value: CHOICE_VALUES.human },
        { label: labels.main_menu, value: CHOICE_VALUES.menu },
      ],
    });
    return true;
  }
  carryOn(draft, false);
  return true;
}

export interface DirectAnswerOptions {
  /**
   * Short mode, for a diagnosis question beside something else that gets the answer (a warning
   * sign's explanation, another question in the same message): only the plain "can't tell", this
   * line the first time and the short "as I said" after; no article, no offer.
   */
  short?: string;
}

/** Diagnosis, dose and prescription questions. Returns true when answered. */
export function answerDirectQuestion(draft: TurnDraft, text: string, intent: IntentId, options: DirectAnswerOptions = {}): boolean {
  const { content } = draft;
  const kind = directKindInContext(draft, text);
  if (!kind) return false;
  const words = content.messages.direct;
  const asksDiagnosis = kind === 'diagnosis' || content.direct.kindsIn(text).includes('diagnosis');
  if (options.short !== undefined) {
    if (!asksDiagnosis) return false;
    sayCantTellShort(draft, options.short);
    return true;
  }
  // "Is it sciatica or a disc, and how many advil can I take?": the plain "can't tell" in short
  // first, then the other question's answer.
  if (kind !== 'diagnosis' && asksDiagnosis) sayCantTellShort(draft, words.cant_tell_brief);
  if (kind === 'diagnosis' && isAnswering(draft) && isCheck(content, draft.state.at)) {
    // In the middle of a question: the plain answer, short, and the question again.
    draft.say(words.cant_tell_in_check);
    draft.state.lastDirect = kind;
    repeatCurrentQuestion(draft);
    return true;
  }
  // Asked before, just now or earlier in the conversation (the full answer already sent).
  const again = draft.state.lastDirect === kind || (kind !== 'diagnosis' && saidBefore(draft, draft.fill(words[kind])));
  draft.state.lastDirect = kind;
  if (again) {
    // Asked again: the point in short, not the same reply word for word.
    draft.say(words.again[kind]);
    carryOn(draft, kind === 'diagnosis');
    return true;
  }
  switch (kind) {
    case 'dose':
      draft.say(words.dose);
      carryOn(draft, false);
      return true;
    case 'others_prescription':
      draft.say(words.others_prescription);
      carryOn(draft, false);
      return true;
    case 'medicine_safety':
      draft.say(words.medicine_safety);
      carryOn(draft, false);
      return true;
    case 'medicine_mistake':
      draft.say(words.medicine_mistake);
      carryOn(draft, false);
      return true;
    case 'diagnosis': {
      const named = content.direct.conditionNamed(text) ?? conditionInContext(draft);
      // "Do I have it?" with no condition named or in context: about nothing the classifier may guess.
      const pronounOnly = content.direct.clausesOf(text).some((clause) => content.direct.says('diagnosis_pronoun', clause));
      const article =
        named && content.articles.has(named)
          ? content.articles.get(named)
          : intent.startsWith('condition.') && !pronounOnly
            ? content.articles.forIntent(intent)
            : undefined;
      const symptoms = article?.sections.find((s) => s.id === content.direct.pointsToSections.answer);
      // Asked about someone else ("does she have stenosis?"): worded for them.
      const forOther = draft.state.patient?.who === 'other';
      if (article && symptoms) {
        draft.say(draft.fill(forOther ? words.cant_tell_other : words.cant_tell, { condition: article.title.toLowerCase() }));
        for (const message of symptoms.messages) draft.say(message);
        noteRead(draft.state, article.id, article.sections.indexOf(symptoms));
      } else {
        draft.say(forOther ? draft.fill(words.cant_tell_general_other) : words.cant_tell_general);
        draft.say(words.points_to);
      }
      carryOn(draft, true);
      return true;
    }
  }
}

/**
 * "Ok but swimming though?", "can I still go to the gym?": the section that names the activity (of
 * the condition being read about, then of the articles about staying active), else the general one
 * about keeping moving; then who can advise. After urgent advice: not now, get seen first. In a
 * flow, the question waiting is asked again. Returns false when the message asks about no activity.
 */
export function answerActivity(draft: TurnDraft, text: string): boolean {
  const { content, state } = draft;
  const activity = content.direct.activityAsked(text);
  if (!activity) return false;
  const words = content.messages.direct;
  if (urgentAdviceGiven(state)) {
    draft.say(words.activity_after_urgent);
    if (isAnswering(draft)) repeatCurrentQuestion(draft);
    return true;
  }
  const found = activitySection(draft, text, activity.words);
  if (found) {
    leaveReading(draft);
    const section = found.article.sections[found.index]!;
    if (sectionShown(draft, found.article, found.index)) {
      draft.say(draft.fill(words.as_i_said, { summary: keyPoint(draft, section.markdown, new Set(activity.words)) }));
    } else {
      const [first, ...rest] = section.messages;
      draft.say(`**${section.heading}**\n\n${first ?? ''}`);
      for (const message of rest) draft.say(message);
    }
    noteRead(state, found.article.id, found.index);
  }
  draft.say(words.activity_advice);
  carryOn(draft, false);
  return true;
}

/** The first section naming one of the words: the condition named or in context's, then the activity articles', else the fallback. */
function activitySection(draft: TurnDraft, text: string, words: readonly string[]): { article: Article; index: number } | undefined {
  const { content } = draft;
  const names = new RegExp(`\\b(?:${words.map(escapeRegExp).join('|')})\\b`, 'i');
  const ids = [content.direct.conditionNamed(text), conditionInContext(draft), ...content.direct.activityArticles].filter(
    (id): id is string => Boolean(id) && content.articles.has(id!),
  );
  for (const id of ids) {
    const article = content.articles.get(id);
    const index = article.sections.findIndex((s) => names.test(s.markdown));
    if (index >= 0) return { article, index };
  }
  const { article: fallbackId, section } = content.direct.activityFallback;
  if (!content.articles.has(fallbackId)) return undefined;
  const article = content.articles.get(fallbackId);
  const index = article.sections.findIndex((s) => s.id === section);
  return index >= 0 ? { article, index } : undefined;
}

/** "... sciatica and what helps?": where a question joined by "and", "but", "or", "also" starts. */
const JOINED_QUESTION = /\s(?:and|but|or|also|plus)\s+(?=(?:what|whats|how|why|when|where|which|who|will|would|should|can|could|is|are|do|does|any)\b)/i;

/** "And will I need surgery": the joining word before a clause's own words. */
const LEADING_JOINER = /^(?:and|but|or|also|plus|so)\s+/i;

/**
 * "Do I have sciatica and what helps the pain?", "is it a disc? will I need surgery?": the other
 * question beside one asking whether one has a condition, for the usual route after a short
 * "can't tell". Undefined when there is none, or when the rest is about the diagnosis itself
 * ("what points to it?") or another direct question (a dose: answerDirectQuestion has both).
 */
export function questionBesideDiagnosis(draft: TurnDraft, text: string): string | undefined {
  const { direct } = draft.content;
  const clauses = direct
    .clausesOf(text)
    .flatMap((clause) => clause.split(JOINED_QUESTION))
    .map((clause) => clause.trim().replace(LEADING_JOINER, ''))
    .filter((clause) => /[a-z]/i.test(clause));
  if (clauses.length < 2) return undefined;
  const asksDiagnosis = (clause: string): boolean => directKindInContext(draft, clause) === 'diagnosis';
  if (!clauses.some(asksDiagnosis)) return undefined;
  const rest = clauses.filter((clause) => !asksDiagnosis(clause));
  if (rest.length === 0 || !rest.some(looksLikeQuestion)) return undefined;
  const aboutDiagnosis = (clause: string): boolean =>
    Boolean(directKindInContext(draft, clause)) ||
    (['points_to', 'what_is_it', 'diagnosis_pronoun', 'diagnosis_followup'] as const).some((phrase) => direct.says(phrase, clause));
  // "Are you a doctor or not? what's wrong with my back": the tone's own answer comes before the plain "can't tell" (answerTone).
  if (rest.some(aboutDiagnosis) || rest.some((clause) => direct.toneOf(clause) !== undefined)) return undefined;
  return rest.join('. ');
}

/** The short "can't tell" before the other question of the message is answered (about the condition it names, if any). */
export function sayCantTellBeside(draft: TurnDraft, text: string): void {
  const { content } = draft;
  const words = content.messages.direct;
  if (draft.state.lastDirect === 'diagnosis') {
    draft.say(words.again.diagnosis);
    return;
  }
  const named = content.direct.conditionNamed(text) ?? conditionInContext(draft);
  const article = named && content.articles.has(named) ? content.articles.get(named) : undefined;
  draft.say(article ? draft.fill(words.cant_tell_beside, { condition: article.title.toLowerCase() }) : draft.fill(words.cant_tell_beside_general));
  draft.state.lastDirect = 'diagnosis';
}

/** The plain "can't tell" alone: `line` the first time, the short "as I said" after. */
function sayCantTellShort(draft: TurnDraft, line: string): void {
  draft.say(draft.state.lastDirect === 'diagnosis' ? draft.content.messages.direct.again.diagnosis : draft.fill(line));
  draft.state.lastDirect = 'diagnosis';
}

/**
 * The direct question a message asks, with what the conversation is about: "can I take more?"
 * after a medicine was named is a dose question; "I'm also pregnant" or "with her blood pressure
 * tablets" with a medicine named (now or just before) asks whether it is safe for that person;
 * "so google is right?" or "does she have it then?" with a condition just named or read about
 * asks whether one has it.
 */
export function directKindInContext(draft: TurnDraft, text: string): DirectKind | undefined {
  const { direct } = draft.content;
  const kind = direct.kindOf(text);
  const medicineNear = Boolean(draft.state.medicineTurns) || direct.mentionsMedicine(text);
  // An extra dose taken by mistake (crisis help, read before this, covers drowsiness and overdose).
  if (medicineNear && direct.says('medicine_mistake', text)) return 'medicine_mistake';
  if (medicineNear && kind !== 'others_prescription' && direct.says('medicine_caution', text)) return 'medicine_safety';
  if (kind) return kind;
  if (draft.state.medicineTurns && direct.says('dose_followup', text)) return 'dose';
  if ((conditionInContext(draft) || draft.state.lastDirect === 'diagnosis') && direct.says('diagnosis_followup', text)) return 'diagnosis';
  // "Do I have it?", "does she have that then?" (alone or as one of several questions): about the
  // condition in context if there is one, else the general "can't tell".
  const clauses = direct.clausesOf(text);
  if (clauses.some((clause) => direct.says('diagnosis_pronoun', clause))) return 'diagnosis';
  // "Back hurts when I lift my leg. What is it": a "what is it" of its own beside a description of the pain.
  if (clauses.length > 1 && clauses.some((clause) => direct.says('what_is_it', clause)) && draft.content.patient.describesPain(text)) return 'diagnosis';
  // "Felt a pop, now pain shoots down my leg. Slipped disc?": a condition's name asked on its own, beside the pain.
  if (clauses.length > 1 && direct.asksConditionAlone(text) && draft.content.patient.describesPain(text)) return 'diagnosis';
  return undefined;
}

/** The condition article the conversation is about: the article last shown, when it is a condition's. */
function conditionInContext(draft: TurnDraft): string | undefined {
  const last = draft.state.lastArticle;
  return last && draft.content.direct.conditionIds.includes(last) ? last : undefined;
}

/** Whether this reply was already sent in the conversation (word for word). */
function saidBefore(draft: TurnDraft, text: string): boolean {
  return text.length >= REPEAT_MIN_CHARS && (draft.state.said ?? []).includes(saidHash(text));
}

/** How many messages after one that names a medicine an amount question is taken to be about it. */
const MEDICINE_CONTEXT_TURNS = 3;

/** Counts down the medicine context, and starts it again when this message names a medicine. */
export function noteMedicine(draft: TurnDraft, text: string): void {
  const { state, content } = draft;
  if (content.direct.mentionsMedicine(text)) state.medicineTurns = MEDICINE_CONTEXT_TURNS;
  else if (state.medicineTurns && state.medicineTurns > 1) state.medicineTurns -= 1;
  else delete state.medicineTurns;
}

/** A heading (or a keyword the article declares for the section) that names what was asked counts most; words in the text less. */
function sectionScore(draft: TurnDraft, words: Set<string>, section: ArticleSection, text: string): number {
  const { direct } = draft.content;
  const inHeading = direct.contentWords(section.heading).filter((w) => words.has(w)).length;
  // A topic of section_words ("surgery", "scan") named in the text counts as two common words.
  const inBody = direct
    .contentWords(section.markdown)
    .filter((w) => words.has(w))
    .reduce((n, w) => n + (direct.sectionConcepts.has(w) ? 2 : 1), 0);
  return (inHeading + Math.min(keywordsIn(section, text), 2)) * 3 + Math.min(inBody, 2);
}

/** How many of a section's declared keywords (front matter `section_keywords`) the message says, as whole words. */
function keywordsIn(section: ArticleSection, text: string): number {
  if (section.keywords.length === 0 || !text) return 0;
  const phrase = normaliseForPatterns(text);
  return section.keywords.filter((keyword) => phrase.includes(` ${normaliseForPatterns(keyword).trim()} `)).length;
}

/**
 * "I'm 74 and on a pension, physio costs a fortune. What can I do at home?": the question's own
 * sentences are what it asks about (the others say who and why); the whole message when all or
 * none of its sentences are questions.
 */
function questionSentences(text: string): string {
  const sentences = text
    .split(/(?<=[.?!])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const questions = sentences.filter(looksLikeQuestion);
  return questions.length > 0 && questions.length < sentences.length ? questions.join(' ') : text;
}

/** Whether a clause of the message (or the whole of it) asks what a condition is ("what is stenosis?", "... arthritis. What is that?"). */
export function asksDefinition(draft: TurnDraft, text: string): boolean {
  const { direct } = draft.content;
  return direct.says('asks_definition', text) || direct.clausesOf(text).some((clause) => direct.says('asks_definition', clause));
}

/** Less than a whole point of score: it only breaks ties. */
const HEADING_EXTRA_WEIGHT = 0.1;

/** How many content words of a heading the question did not ask about. */
function headingExtra(draft: TurnDraft, asked: Set<string>, heading: string): number {
  const { direct } = draft.content;
  return direct.contentWords(heading).filter((w) => !asked.has(w) && direct.contentWords(w).every((synonym) => !asked.has(synonym))).length;
}

/**
 * A follow-up after an article ("and what about surgery?", "is an MRI needed?"): the best
 * matching section of the article just read or of the article for the intent, and never the
 * opening of a new topic (that is the usual route). The section just shown is not sent again:
 * "As I said" with the key point, then the next section.
 */
export function answerFollowUp(draft: TurnDraft, text: string, intent: IntentId): boolean {
  const { state, content } = draft;
  // Signs listed as absent ("no numbness, no fever") say nothing about what is asked.
  const words = new Set(content.direct.contentWords(content.direct.withoutDenials(questionSentences(text))));
  if (words.size === 0) return false;
  const forIntent = content.articles.forIntent(intent);
  // "What is stenosis exactly?": the opening, by the usual route (or "As I said" and the next section).
  if (forIntent && content.direct.conditionNamed(text) === forIntent.id && asksDefinition(draft, text)) return false;
  const last = state.lastArticle && content.articles.has(state.lastArticle) ? content.articles.get(state.lastArticle) : undefined;
  // The topic asked about first, then the article just read, then any other: a section whose
  // heading names what was asked wins; in a tie, the conversation's own context.
  // A question that names a new topic ("what is sciatica" after the disc article) is about that
  // topic only: one of its sections, or its opening by the usual route.
  const namesNewTopic =
    forIntent && (content.direct.contentWords(forIntent.title).some((w) => words.has(w)) || content.direct.conditionNamed(text) === forIntent.id);
  const ordered = (namesNewTopic ? [forIntent] : [forIntent, last, ...content.articles.articles.values()]).filter((a): a is Article => Boolean(a));
  const candidates = [...new Map(ordered.map((a) => [a.id, a])).values()];
  let best: { article: Article; index: number; score: number } | undefined;
  for (const article of candidates) {
    const inContext = article.id === forIntent?.id || article.id === last?.id;
    // A condition nobody named or read about is not the answer to a general question
    // ("how long does it take to heal?" is not about arachnoiditis).
    if (!inContext && article.intents.some((i) => i.startsWith('condition.'))) continue;
    // Words that name the article's own topic ("home" for home care) pick the article, not a section.
    const topic = new Set(content.direct.contentWords(article.title));
    const asked = new Set([...words].filter((w) => !topic.has(w)));
    article.sections.forEach((section, index) => {
      // Keywords the article declares count in the conversation's context only ("sitting on my
      // wallet" about piriformis is not the prevention article's section on sitting).
      const score = sectionScore(draft, asked, section, inContext ? text : '');
      // Outside the conversation's context, only a heading that names what was asked counts;
      // inside it, a heading or two words asked in the text (one common word is not a match).
      if (score < (inContext ? 2 : 3)) return;
      // In a tie, the heading with fewer words that were not asked about is the more specific one.
      const total = (score > 0 && inContext ? score + 1 : score) - HEADING_EXTRA_WEIGHT * Math.min(headingExtra(draft, asked, section.heading), 4);
      if (score > 0 && (!best || total > best.score)) best = { article, index, score: total };
    });
  }
  if (!best) return false;
  const found = best as { article: Article; index: number; score: number };
  const isNewTopicOpening = found.article.id !== state.lastArticle && found.index === 0;
  if (isNewTopicOpening) return false;
  if (found.article.id === state.lastArticle && found.index === state.lastSection) {
    // The same follow-up again: the key point, in short.
    draft.say(draft.fill(content.messages.direct.as_i_said, { summary: keyPoint(draft, found.article.sections[found.index]!.markdown, words) }));
    carryOn(draft, true);
    return true;
  }
  sendSectionAside(draft, found.article, found.index, words);
  return true;
}

/** The key point of a section for a question: its first sentence with a word asked about, else its first sentence. */
function keyPoint(draft: TurnDraft, markdown: string, words?: Set<string>): string {
  const plain = markdown
    .replace(/\*\*/g, '')
    .replace(/^[-*] +/gm, '')
    .trim();
  const sentences = plain
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const asked = words && sentences.find((sentence) => draft.content.direct.contentWords(sentence).some((w) => words.has(w)));
  const chosen = asked ?? sentences[0];
  if (!chosen) return plain;
  // "Sciatica can hurt a lot." says little alone: with the sentence after it.
  const next = sentences[sentences.indexOf(chosen) + 1];
  return chosen.length < KEY_POINT_MIN_CHARS && next ? `${chosen} ${next}` : chosen;
}
/** A key point shorter than this takes the next sentence too. */
const KEY_POINT_MIN_CHARS = 30;

/**
 * The same question about the article just read: "As I said" with its key point, then the next
 * section not yet shown (or only the key point when all were).
 */
export function repeatArticle(draft: TurnDraft, article: Article): boolean {
  const { state, content } = draft;
  leaveReading(draft);
  draft.say(draft.fill(content.messages.direct.as_i_said, { summary: article.summary }));
  const next = (state.read?.[article.id] ?? (state.lastArticle === article.id ? (state.lastSection ?? 0) : -1)) + 1;
  if (next < article.sections.length) sendSectionAside(draft, article, next);
  else carryOn(draft, true);
  return true;
}

/** Whether a section was already sent in this conversation (any of its messages, as sent). */
function sectionShown(draft: TurnDraft, article: Article, index: number): boolean {
  const said = draft.state.said ?? [];
  const section = article.sections[index]!;
  const forms = [`**${section.heading}**\n\n${section.messages[0] ?? ''}`, ...section.messages];
  return forms.some((text) => {
    const filled = draft.fill(text);
    return filled.length >= REPEAT_MIN_CHARS && said.includes(saidHash(filled));
  });
}

/**
 * A section as an aside. One already sent (a question asked again later in the conversation,
 * "will I need surgery?" after other topics): "As I said" with its key point, not the same
 * section word for word.
 */
/** One section of the intent's article, by id, as an aside (false when there is no such section). */
export function answerSection(draft: TurnDraft, intent: IntentId, sectionId: string): boolean {
  const article = draft.content.articles.forIntent(intent);
  const index = article ? article.sections.findIndex((s) => s.id === sectionId) : -1;
  if (!article || index < 0) return false;
  sendSectionAside(draft, article, index);
  return true;
}

function sendSectionAside(draft: TurnDraft, article: Article, index: number, asked?: Set<string>): void {
  const section = article.sections[index]!;
  leaveReading(draft);
  if (sectionShown(draft, article, index)) {
    draft.say(draft.fill(draft.content.messages.direct.as_i_said, { summary: keyPoint(draft, section.markdown, asked) }));
    noteRead(draft.state, article.id, index);
    carryOn(draft, true);
    return;
  }
  const [first, ...rest] = section.messages;
  draft.say(`**${section.heading}**\n\n${first ?? ''}`);
  for (const message of rest) draft.say(message);
  noteRead(draft.state, article.id, index);
  carryOn(draft, true);
}

/** The condition a follow-up is about: the one it names, else the condition article last read. */
function conditionInTopic(draft: TurnDraft, text: string, intent: IntentId): Article | undefined {
  const { content, state } = draft;
  const named = content.direct.conditionNamed(text);
  if (named && content.articles.has(named)) return content.articles.get(named);
  const last = state.lastArticle && content.articles.has(state.lastArticle) ? content.articles.get(state.lastArticle) : undefined;
  if (last?.intents.some((i) => i.startsWith('condition.'))) return last;
  return intent.startsWith('condition.') ? content.articles.forIntent(intent) : undefined;
}

/**
 * Follow-ups resolved against the conversation's topic (the article last read): "what points
 * to X?" / "signs it's X" from X's typical symptoms, "short version" with the key point, and a
 * question the classifier could not place ("it can be cured totally?") from the matching section
 * of the article last read. Returns true when answered.
 */
export function answerAboutTopic(draft: TurnDraft, text: string, decision: { intent: IntentId; ambiguous: boolean }): boolean {
  const { content, state } = draft;
  const { direct } = content;
  const words = content.messages.direct;
  if (direct.says('points_to', text)) {
    const article = conditionInTopic(draft, text, decision.intent);
    const sections = direct.pointsToSections;
    const symptoms = article?.sections.find((s) => s.id === sections.answer);
    if (!article || !symptoms) {
      draft.say(words.cant_tell_general);
      draft.say(words.points_to);
      carryOn(draft, true);
      return true;
    }
    const index = article.sections.indexOf(symptoms);
    if (state.lastArticle === article.id && state.lastSection === index) {
      // Just shown: the key point, then what else tells the conditions apart.
      draft.say(draft.fill(words.as_i_said, { summary: keyPoint(draft, symptoms.markdown) }));
      const next = article.sections.findIndex((s, i) => i > index && s.id === sections.then);
      if (next > 0) sendSectionAside(draft, article, next);
      else carryOn(draft, true);
      return true;
    }
    leaveReading(draft);
    draft.say(draft.fill(words.points_to_intro, { condition: article.title.toLowerCase() }));
    for (const message of symptoms.messages) draft.say(message);
    noteRead(state, article.id, index);
    carryOn(draft, true);
    return true;
  }
  // "Qué es sciatica?" heard between two topics: what the condition it names is (its opening by
  // the usual route, or "As I said" and the next section), never a "Did you mean".
  const defined = direct.conditionNamed(text);
  const definedArticle = defined && content.articles.has(defined) ? content.articles.get(defined) : undefined;
  const definedIntent = definedArticle?.intents[0] as IntentId | undefined;
  if (definedArticle && definedIntent && (decision.ambiguous || decision.intent !== definedIntent) && asksDefinition(draft, text)) {
    if (state.lastArticle === definedArticle.id || state.read?.[definedArticle.id] !== undefined) return repeatArticle(draft, definedArticle);
    leaveReading(draft);
    routeIntent(draft, definedIntent);
    return true;
  }
  const last = state.lastArticle && content.articles.has(state.lastArticle) ? content.articles.get(state.lastArticle) : undefined;
  if (direct.says('short_version', text)) {
    const article = last ?? content.articles.forIntent(decision.intent) ?? content.articles.forIntent('causes.overview');
    if (!article) return false;
    leaveReading(draft);
    draft.say(draft.fill(words.in_short, { summary: article.summary }));
    carryOn(draft, false);
    return true;
  }
  // "So what's actually going on in there?" after an article: the section of it that explains
  // (when just shown, its key point, then the next section).
  if (last && direct.says('explain_more', text)) {
    const index = last.sections.findIndex((s) => direct.explainSections.includes(s.id));
    const furthest = state.read?.[last.id] ?? -1;
    const shown = index >= 0 && (index <= furthest || index === state.lastSection);
    if (index >= 0 && !shown) {
      sendSectionAside(draft, last, index);
      return true;
    }
    if (index >= 0) {
      draft.say(draft.fill(words.as_i_said, { summary: keyPoint(draft, last.sections[index]!.markdown) }));
      const next = Math.max(index, furthest) + 1;
      if (next < last.sections.length) sendSectionAside(draft, last, next);
      else carryOn(draft, true);
      return true;
    }
    return repeatArticle(draft, last);
  }
  // A question the classifier could not place ("Is need MRI picture?", "which doctor I must go
  // for this back problem?"): the matching section of the article just read, else a section of
  // any article whose heading names what was asked; never "outside what I can help with".
  const unplaced = decision.intent === 'out_of_scope' || decision.intent === 'help' || decision.ambiguous;
  if (!unplaced) return false;
  const found = last ? bestSectionOf(draft, last, text) : undefined;
  if (!found || !last) return looksLikeQuestion(text) && answerFollowUp(draft, text, decision.intent);
  if (found.index === state.lastSection) {
    draft.say(draft.fill(words.as_i_said, { summary: keyPoint(draft, last.sections[found.index]!.markdown, found.asked) }));
    carryOn(draft, true);
    return true;
  }
  sendSectionAside(draft, last, found.index, found.asked);
  return true;
}

/** "Is need MRI picture?", "which doctor I must go": a question, not a remark ("I feel fine though"). */
export function looksLikeQuestion(text: string): boolean {
  return text.includes('?') || QUESTION_START.test(text.trim());
}
const QUESTION_START = /^(?:what|whats|what's|why|how|when|where|which|who|is|are|am|do|does|did|can|could|should|would|will|may|might|must|need|any)\b/i;

/** The section of `article` that best matches a question (its own topic words aside), if any. */
function bestSectionOf(draft: TurnDraft, article: Article, text: string): { index: number; score: number; asked: Set<string> } | undefined {
  const { direct } = draft.content;
  const asked = new Set(direct.contentWords(direct.withoutDenials(questionSentences(text))));
  for (const w of direct.contentWords(article.title)) asked.delete(w);
  if (asked.size === 0) return undefined;
  let best: { index: number; score: number; asked: Set<string> } | undefined;
  article.sections.forEach((section, index) => {
    const score = sectionScore(draft, asked, section, text);
    if (score > 0 && (!best || score > best.score)) best = { index, score, asked };
  });
  return best;
}

/**
 * A section whose heading names what a question asks about ("what is cauda equina?": "Saddle
 * numbness and cauda equina syndrome"), in any article: for a short aside in the middle of a
 * flow, better than the opening of whatever article the classifier guessed.
 */
export function sectionNamedBy(draft: TurnDraft, text: string): { heading: string; messages: readonly string[] } | undefined {
  const { direct } = draft.content;
  const asked = new Set(direct.contentWords(direct.withoutDenials(questionSentences(text))));
  if (asked.size === 0) return undefined;
  let best: { section: { heading: string; messages: readonly string[] }; score: number } | undefined;
  for (const article of draft.content.articles.articles.values()) {
    for (const section of article.sections) {
      // A keyword the article declares for the section names it as well as two heading words.
      const named = direct.contentWords(section.heading).filter((w) => asked.has(w)).length + MIN_HEADING_WORDS * Math.min(keywordsIn(section, text), 1);
      if (named >= MIN_HEADING_WORDS && (!best || named > best.score)) best = { section, score: named };
    }
  }
  return best?.section;
}
/** Heading words a question must name for a section to answer it as an aside. */
const MIN_HEADING_WORDS = 2;
