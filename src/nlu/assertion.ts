// Assertion status of a learned red-flag hit: is the sign reported as the patient's own, now?
// The learned classifier says WHICH sign a sentence talks about; the cues of
// knowledge/red-flags.yaml (negation, hypotheticals, questions, someone else, "all sorted
// now") say HOW it is talked about. Rule-based on purpose: the cues are reviewed data shared
// with the pattern detector (redFlagDetector.cueFacts), not a second list.
//
//   current       the patient's, now: the user's own, or a carer's report about the person
//                 they look after ("my wife can't feel...", "dad's legs both numb")
//   other_person  a stranger's, a relative's history who is not the patient, a pet's
//   hypothetical  "what would it mean if...", "should I worry if I ever..."
//   question      asks what it is or whether it matters, with no report of one's own
//   resolved      said to be over ("that's all sorted now"), for signs that can be over
//   negated       denied ("no numbness down there", "never had cancer")
import type { RedFlagDetector, RedFlagHit, SentenceCueFacts } from './redFlagDetector.js';
import { LEARNED_SIGNS, type LabelledText, type LearnedSign } from './learnedCorpus.js';
import type { AssertionClass } from './assertionModel.js';

export const ASSERTION_STATUSES = ['current', 'other_person', 'hypothetical', 'question', 'resolved', 'negated'] as const;
export type AssertionStatus = (typeof ASSERTION_STATUSES)[number];

export interface Assertion {
  status: AssertionStatus;
  /** The cue behind it, for `backline nlu` and reviews. */
  reason: string;
}

/**
 * The status of a hit of `sign` in sentence `facts` (`next`: the sentence after it;
 * `speakerInMessage`: the message has an I/me/my of the speaker somewhere).
 *
 * Negation is deliberately NOT judged here: the classifier learned it from the corpus's
 * negated near misses, and sentence-level denial cues dropped too many real reports ("no
 * bowel control", "I didn't feel myself wet the bed").
 */
export function assertionOf(
  sign: LearnedSign,
  facts: SentenceCueFacts,
  next: SentenceCueFacts | undefined,
  detector: Pick<RedFlagDetector, 'resolvable' | 'historyOnly'>,
  speakerInMessage = facts.firstPerson,
): Assertion {
  if (facts.hypothetical) return { status: 'hypothetical', reason: 'hypothetical cue' };
  if (facts.asksAbout && facts.indirect && !facts.firstPerson) return { status: 'hypothetical', reason: 'asked about, second-hand' };
  if (facts.asksAbout && facts.indirect && !facts.presentReport) return { status: 'hypothetical', reason: 'hypothetical or second-hand, about oneself' };
  const history = detector.historyOnly.has(sign);
  const someone = facts.someoneElse;
  if (someone) {
    if (facts.generalPeople && facts.asksAbout && !facts.firstPerson) return { status: 'question', reason: `asked about people in general ("${someone.who}")` };
    if (someone.animal) return { status: 'other_person', reason: `about an animal ("${someone.who}")` };
    if (!someone.patient) return { status: 'other_person', reason: `about someone else ("${someone.who}")` };
    if (facts.past && !history) return { status: 'other_person', reason: `someone else's, in the past ("${someone.who}")` };
    // A relative's history is the patient's when the relative is the one with the back pain
    // ("my husband had chemo for bowel cancer", "my dad had cancer, now his back..."), not when
    // the speaker talks about their own back too ("my gran had cancer, how do I stretch my back").
    // A relative's history is the patient's when the speaker says nothing of their own (a
    // carer: "my husband had chemo", "my mum has osteoporosis") or the relative is the one with
    // the back trouble. Treating blood relatives' history as a family history instead was
    // measured: it dropped 2% of the corpus positives (carers' reports) to catch half of the
    // family-history near misses, so it is not done: over-triage is the safe side.
    if (history && speakerInMessage && !facts.patientComplaint) return { status: 'other_person', reason: `someone else's history ("${someone.who}")` };
  }
  if (facts.familyHistory && !facts.patientComplaint) return { status: 'other_person', reason: 'family history' };
  // A question that still tells of the sign now ("is it bad that the right leg has gone numb as
  // well now?") is a report, with or without an "I".
  if (facts.asksAbout && !facts.firstPerson && !facts.presentReport) return { status: 'question', reason: 'asked about, no first person' };
  if (facts.isQuestion && !facts.firstPerson && !someone && !facts.presentReport) return { status: 'question', reason: 'bare question, no first person' };
  // Anything acute can be over ("the numbness went away, all sorted now"); a history stays.
  const resolvable = detector.resolvable.has(sign) || !history;
  if (resolvable && (facts.resolved || (next?.onlyResolved ?? false))) return { status: 'resolved', reason: 'said to be over' };
  return { status: 'current', reason: someone ? `a carer's report ("${someone.who}")` : 'reported' };
}

/**
 * Pattern verdicts that deny the sign outright. Not "negated by <word>" nor "denied after it":
 * measured on the corpus, they also deny real reports whose negation is part of the symptom
 * ("my erection won't happen", "painkillers not working, getting worse"). Not "someone
 * else's" either, which a carer's report overrides.
 */
const DENIALS = ['said to be fine', 'answered no', "someone else's, denied for oneself"];

/**
 * Did the patterns match this sign and find every match denied ("no fever", "my husband has
 * osteoporosis, not me")? Their negation and self-denial rules are precise where they match,
 * the classifier's are not, so a learned hit is then `negated`.
 */
export function deniedByPatterns(sign: LearnedSign, hits: readonly RedFlagHit[]): boolean {
  const own = hits.filter((h) => h.id === sign);
  return own.length > 0 && own.every((h) => h.status === 'negated' && DENIALS.some((d) => h.reason.startsWith(d)));
}

/**
 * What each `kind` of near miss in the paraphrase corpus is: the status the gate should give it
 * (none when the kind is about other words, not how a sign is talked about) and the class the
 * learned assertion model learns it as. One table for both, so they cannot drift apart.
 */
const NEAR_MISS_KINDS: Readonly<Record<string, { status?: AssertionStatus; cls: AssertionClass }>> = {
  hypothetical: { status: 'hypothetical', cls: 'asked' },
  question: { status: 'question', cls: 'asked' },
  medicine_question: { cls: 'asked' },
  stranger: { status: 'other_person', cls: 'other_person' },
  family_history: { status: 'other_person', cls: 'other_person' },
  pet: { status: 'other_person', cls: 'other_person' },
  other_person: { status: 'other_person', cls: 'other_person' },
  resolved: { status: 'resolved', cls: 'resolved' },
  negated: { status: 'negated', cls: 'negated' },
  other_sense: { cls: 'other_sense' },
  idiom: { cls: 'other_sense' },
  eases: { cls: 'other_sense' },
  ordinary: { cls: 'other_sense' },
};

/** The status a near miss of this kind should get (undefined: the kind is about other words, not status). */
export function expectedStatus(kind: string): AssertionStatus | undefined {
  return Object.hasOwn(NEAR_MISS_KINDS, kind) ? NEAR_MISS_KINDS[kind]!.status : undefined;
}

/** The learned assertion model's class for a near miss of this kind (undefined: not used). */
export function classOfKind(kind: string): AssertionClass | undefined {
  return Object.hasOwn(NEAR_MISS_KINDS, kind) ? NEAR_MISS_KINDS[kind]!.cls : undefined;
}

export interface AssertionReport {
  /** Texts with an expected status (positives: current; near misses of a status kind). */
  total: number;
  accuracy: number;
  /**
   * By kind (`positive` for the positives): share with the expected status; for hypothetical
   * and question either of the two counts (both become a question about the sign).
   */
  byKind: Record<string, { total: number; accuracy: number; expected: string }>;
  /** Positives given another status: what the assertion layer would wrongly drop. */
  positivesDropped: string[];
}

/**
 * The status of a sign in a whole message, without knowing its sentence: current if any
 * sentence that could hold it is ("That's all sorted now." holds nothing of its own).
 */
export function messageStatus(sign: LearnedSign, text: string, detector: RedFlagDetector): AssertionStatus {
  const facts = detector.cueFacts(text);
  const speaker = facts.some((f) => f.firstPerson);
  const statuses = facts.flatMap((f, i) => (f.onlyResolved && facts.length > 1 ? [] : [assertionOf(sign, f, facts[i + 1], detector, speaker).status]));
  const status = statuses.includes('current') ? 'current' : (statuses[0] ?? 'current');
  return status === 'current' && deniedByPatterns(sign, detector.explain(text)) ? 'negated' : status;
}

/** Assertion accuracy on the corpus: positives must be current, status near misses their kind. */
export function measureAssertion(set: LabelledText[], detector: RedFlagDetector): AssertionReport {
  const byKind = new Map<string, { total: number; correct: number; expected: string }>();
  const dropped: string[] = [];
  let total = 0;
  let correct = 0;
  for (const t of set) {
    let kind: string;
    let expected: AssertionStatus | undefined;
    let sign: LearnedSign;
    // Crisis texts are the crisis gate's (learnedCorpus.ts NEGATIVE_ONLY_SIGNS): no status to read.
    if (t.source.startsWith('positive:')) {
      if (t.signs.length === 0) continue;
      kind = 'positive';
      expected = 'current';
      sign = t.signs[0]!;
    } else if (t.source.startsWith('near_miss:')) {
      const [, s, k] = t.source.split(':');
      if (!(LEARNED_SIGNS as readonly string[]).includes(s!)) continue;
      kind = k!;
      sign = s as LearnedSign;
      expected = expectedStatus(kind);
    } else continue;
    if (!expected) continue;
    const got = messageStatus(sign, t.text, detector);
    const ok = got === expected || ((expected === 'hypothetical' || expected === 'question') && (got === 'hypothetical' || got === 'question'));
    const entry = byKind.get(kind) ?? { total: 0, correct: 0, expected };
    entry.total++;
    total++;
    if (ok) {
      entry.correct++;
      correct++;
    } else if (kind === 'positive') dropped.push(`${sign}: ${t.text} (${got})`);
    byKind.set(kind, entry);
  }
  const round = (x: number) => Math.round(x * 10000) / 10000;
  return {
    total,
    accuracy: round(total ? correct / total : 0),
    byKind: Object.fromEntries([...byKind].sort().map(([k, v]) => [k, { total: v.total, accuracy: round(v.correct / v.total), expected: v.expected }])),
    positivesDropped: dropped,
  };
}
