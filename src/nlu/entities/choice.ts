// Which of the offered options a typed reply means. In order:
//  1. exact: the reply equals a label or synonym, ignoring case, punctuation and filler
//     words ("sciatica please", "tell me about sciatica");
//  2. yes/no: options that are themselves answers ("Yes", "No", "Not sure") take "yeah", "nah";
//  3. ordinal: "the second one", "2", "the last one" (see ordinal.ts);
//  4. fuzzy: misspelt words ("sciatca", "piriformis sindrome"), see `fuzzyMatch`.
// A reply that reads as a question ("what is sciatica?") is never matched by 4: it goes to
// the intent classifier, which can answer it.
import { findPosition } from './ordinal.js';
import { editDistance, tokensOf } from './text.js';
import { vocabulary, type YesNo } from './vocabulary.js';
import { answerPhraseValue, recognizeYesNo } from './yesNo.js';

export interface ChoiceMatch {
  index: number;
  how: 'exact' | 'ordinal' | 'fuzzy';
}

/** Meaningful words: filler dropped, unless that leaves nothing. */
function contentTokens(tokens: string[]): string[] {
  const filler = vocabulary().choiceFiller;
  const content = tokens.filter((t) => !filler.has(t));
  return content.length > 0 ? content : tokens;
}

/** Edits allowed for a typo in a word of this length: none for short words, where one edit is another word. */
function allowedEdits(length: number): number {
  if (length <= 3) return 0;
  if (length <= 7) return 1;
  return 2;
}

interface PhraseScore {
  matched: number;
  complete: boolean;
  edits: number;
}

/**
 * Token-level fuzzy match of a reply against one option phrase. Each phrase word may pair
 * with one reply word within `allowedEdits`. Accepted when
 *  - every phrase word is found and they make up at least half the reply's words, or
 *  - the reply is nothing but phrase words (at least 4 letters of them: "piriformis",
 *    "stenosis"), a partial match that only stands if no other option matches too.
 */
function scorePhrase(reply: string[], phrase: string[]): PhraseScore | undefined {
  const used = new Array<boolean>(reply.length).fill(false);
  let matched = 0;
  let edits = 0;
  let matchedLetters = 0;
  for (const word of [...phrase].sort((a, b) => b.length - a.length)) {
    const limit = allowedEdits(word.length);
    let best = -1;
    let bestDistance = limit + 1;
    reply.forEach((candidate, i) => {
      if (used[i]) return;
      const distance = editDistance(word, candidate, limit);
      if (distance < bestDistance && (distance === 0 || candidate.length > 3)) {
        best = i;
        bestDistance = distance;
      }
    });
    if (best < 0) continue;
    used[best] = true;
    matched++;
    edits += bestDistance;
    matchedLetters += word.length;
  }
  if (matched === 0) return undefined;
  const complete = matched === phrase.length;
  const replyCovered = matched / reply.length;
  if (complete && replyCovered >= 0.5) return { matched, complete, edits };
  if (replyCovered === 1 && matchedLetters >= 4) return { matched, complete, edits };
  return undefined;
}

function better(a: PhraseScore, b: PhraseScore): boolean {
  if (a.matched !== b.matched) return a.matched > b.matched;
  if (a.complete !== b.complete) return a.complete;
  return a.edits < b.edits;
}

function fuzzyMatch(replyTokens: string[], options: string[][][]): number | undefined {
  const reply = contentTokens(replyTokens);
  const scored: { index: number; score: PhraseScore }[] = [];
  options.forEach((phrases, index) => {
    let best: PhraseScore | undefined;
    for (const phrase of phrases) {
      const score = scorePhrase(reply, contentTokens(phrase));
      if (score && (!best || better(score, best))) best = score;
    }
    if (best) scored.push({ index, score: best });
  });
  scored.sort((a, b) => (better(a.score, b.score) ? -1 : better(b.score, a.score) ? 1 : 0));
  const [top, second] = scored;
  if (!top) return undefined;
  if (second) {
    // Conservative: a partial match, or a tie on words found, between two options is no match.
    if (!top.score.complete) return undefined;
    if (top.score.matched === second.score.matched && top.score.complete === second.score.complete) return undefined;
  }
  return top.index;
}

/**
 * Whether an option phrase is itself an answer ("No", "Not sure"). Option phrases come from the
 * dialogs (a fixed set), and each costs several recognizer passes, so their values are kept,
 * keyed by the exact phrase. Only option phrases go in, never what a person typed.
 */
const optionAnswers = new Map<string, YesNo | undefined>();
const MAX_OPTION_ANSWERS = 5_000;
function optionAnswer(phrase: string): YesNo | undefined {
  if (optionAnswers.has(phrase)) return optionAnswers.get(phrase);
  const value = answerPhraseValue(phrase);
  if (optionAnswers.size >= MAX_OPTION_ANSWERS) optionAnswers.clear();
  optionAnswers.set(phrase, value);
  return value;
}

/** An option phrase's words, kept per exact phrase like `optionAnswer` (never for what a person typed). */
const optionTokenLists = new Map<string, readonly string[]>();
function optionTokens(phrase: string): string[] {
  let tokens = optionTokenLists.get(phrase);
  if (!tokens) {
    tokens = Object.freeze(tokensOf(phrase));
    if (optionTokenLists.size >= MAX_OPTION_ANSWERS) optionTokenLists.clear();
    optionTokenLists.set(phrase, tokens);
  }
  return tokens as string[];
}

function only(indexes: Set<number>): number | undefined {
  return indexes.size === 1 ? [...indexes][0] : undefined;
}

export function matchChoice(text: string, labels: string[], synonyms?: string[][]): ChoiceMatch | undefined {
  const replyTokens = tokensOf(text);
  if (replyTokens.length === 0 || labels.length === 0) return undefined;
  const options = labels.map((label, i) => [label, ...(synonyms?.[i] ?? [])].map(optionTokens).filter((tokens) => tokens.length > 0));

  const reply = replyTokens.join(' ');
  const replyContent = contentTokens(replyTokens).join(' ');
  const exact = new Set<number>();
  options.forEach((phrases, index) => {
    for (const phrase of phrases) {
      if (phrase.join(' ') === reply || contentTokens(phrase).join(' ') === replyContent) exact.add(index);
    }
  });
  if (exact.size > 0) {
    const index = only(exact);
    return index === undefined ? undefined : { index, how: 'exact' };
  }

  const polarity = recognizeYesNo(text);
  if (polarity) {
    const answering = new Set<number>();
    options.forEach((phrases, index) => {
      if (phrases.some((phrase) => optionAnswer(phrase.join(' ')) === polarity)) answering.add(index);
    });
    const index = only(answering);
    if (index !== undefined) return { index, how: 'exact' };
  }

  const position = findPosition(text);
  if (position) {
    const index = position.position > 0 ? position.position - 1 : labels.length + position.position;
    return index >= 0 && index < labels.length ? { index, how: 'ordinal' } : undefined;
  }

  if (/\?\s*$/.test(text) || vocabulary().questionStarts.has(replyTokens[0]!)) return undefined;
  const index = fuzzyMatch(replyTokens, options);
  return index === undefined ? undefined : { index, how: 'fuzzy' };
}
