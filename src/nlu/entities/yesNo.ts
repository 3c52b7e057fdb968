// Yes / no / unsure. recognizers-text-choice knows the common words but misses "nah", "n",
// "not really", "dunno", and reads "not sure" as yes (it finds "sure"). The phrase lists in
// answer-words.yaml are matched first, longest phrase wins; a recognizer hit only counts
// where no listed phrase already covers its words.
import { findBooleans } from './models.js';
import { tokenIndexAt, tokenOffsets, tokensOf } from './text.js';
import { vocabulary, type YesNo } from './vocabulary.js';

/** Enough for "yes... no... yes"; each round costs about 0.1 ms. */
const MAX_RECOGNIZER_ROUNDS = 3;

export interface YesNoHit {
  value: YesNo;
  /** Token range [first, last] in the normalised reply. */
  firstToken: number;
  lastToken: number;
}

/** Every yes/no/unsure phrase in the reply, in order. */
export function findYesNo(text: string): YesNoHit[] {
  const vocab = vocabulary();
  const tokens = tokensOf(text);
  if (tokens.length === 0) return [];

  const whole = vocab.wholeAnswers.get(tokens.join(' '));
  if (whole) return [{ value: whole, firstToken: 0, lastToken: tokens.length - 1 }];

  const found: YesNoHit[] = [];
  const covered = new Array<boolean>(tokens.length).fill(false);
  for (let i = 0; i < tokens.length;) {
    let matched = 0;
    for (let n = Math.min(vocab.yesNoLongestPhrase, tokens.length - i); n >= 1; n--) {
      const kind = vocab.yesNoPhrases.get(tokens.slice(i, i + n).join(' '));
      if (kind === undefined) continue;
      if (kind !== 'neutral') found.push({ value: kind, firstToken: i, lastToken: i + n - 1 });
      covered.fill(true, i, i + n);
      matched = n;
      break;
    }
    i += matched || 1;
  }

  // The recognizer adds what the lists do not have (its own words, emoji). It reports only
  // its best hit, so words already read are blanked out and it is asked again.
  const offsets = tokenOffsets(tokens);
  let masked = tokens.map((token, i) => (covered[i] ? ' '.repeat(token.length) : token)).join(' ');
  for (let round = 0; round < MAX_RECOGNIZER_ROUNDS && /\S/.test(masked); round++) {
    const hit = findBooleans(masked)[0];
    if (!hit) break;
    found.push({
      value: hit.resolution?.value === true ? 'yes' : 'no',
      firstToken: tokenIndexAt(offsets, hit.start),
      lastToken: tokenIndexAt(offsets, hit.end),
    });
    masked = masked.slice(0, hit.start) + ' '.repeat(hit.end + 1 - hit.start) + masked.slice(hit.end + 1);
  }
  return found.sort((a, b) => a.firstToken - b.firstToken);
}

/**
 * Any hedge makes the answer unsure; so does a reply with both yes and no in it ("yes and
 * no", "no... yes"). Triage treats unsure as yes, so a mixed reply errs on the safe side.
 */
export function recognizeYesNo(text: string): YesNo | undefined {
  const values = new Set(findYesNo(text).map((hit) => hit.value));
  if (values.size === 0) return undefined;
  if (values.has('unsure') || values.size > 1) return 'unsure';
  return values.has('yes') ? 'yes' : 'no';
}

/** The answer a phrase is, when every word of it is part of an answer ("Not sure", "No"); else undefined. */
export function answerPhraseValue(text: string): YesNo | undefined {
  const tokens = tokensOf(text);
  const hits = findYesNo(text);
  const covered = new Array<boolean>(tokens.length).fill(false);
  for (const hit of hits) covered.fill(true, hit.firstToken, hit.lastToken + 1);
  if (tokens.length === 0 || !covered.every(Boolean)) return undefined;
  return recognizeYesNo(text);
}
