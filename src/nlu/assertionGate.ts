// The message-level assertion gate: after both red-flag detectors have run, decide for each
// detected sign HOW the message talks about it, and so what the bot does with it:
//
//   current                         -> kept (urgent advice, or one confirming question)
//   hypothetical, question          -> an answer about the sign with safety-netting
//   other_person (stranger, pet)    -> an answer about the sign with safety-netting
//   other_person (relative), resolved, negated, other_sense -> nothing
//
// A cauda equina sign is only set aside on a strong cue (a stranger or pet named as its
// subject, an explicit patient who is someone else, a figure of speech, "wore off"); on a weak
// one it stays a confirming question: under-triage is a release blocker, over-triage is not.
//
// The gate reads clauses: the clause that holds the sign (found by the pattern detector run on
// each clause, or the learned model's sentence), the person who is its subject (the last one
// named before the sign in that clause, or earlier in the sentence), and what the clauses
// after it say ("wore off the same day"). The words are data: knowledge/nlu/assertion-cues.yaml.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { isRedFlagId, type RedFlagId } from '../contract.js';
import { escapeRegExp } from '../text/regex.js';
import { deniedByPatterns, type AssertionStatus } from './assertion.js';
import { likeliestSetAside, modelMaySetAside, type AssertionInput, type AssertionModel } from './assertionModel.js';
import type { PatientReader, PatientReading } from './patient.js';
import type { RedFlagDetector } from './redFlagDetector.js';
import type { RedFlagDetection } from './types.js';

export const ASSERTION_CUES_FILE = join('knowledge', 'nlu', 'assertion-cues.yaml');

const fragments = z.array(z.string().min(1));
const cueFileSchema = z.strictObject({
  strangers: fragments,
  story_sources: fragments,
  topic_of: fragments,
  not_theirs: fragments,
  not_theirs_third: fragments,
  writer_aside: fragments,
  reporting: fragments,
  things: fragments,
  animals: fragments,
  relations: fragments,
  self: fragments,
  pronouns: fragments,
  gendered: z.strictObject({ he: fragments, she: fragments, male: fragments, female: fragments }),
  resolved: fragments,
  reactivated: fragments,
  resolvable: z.array(z.string().min(1)),
  eased_still_urgent: z.array(z.string().min(1)),
  eased_long_past: fragments,
  not_since: fragments,
  hypothetical: fragments,
  feared: fragments,
  wondering: fragments,
  asks_about: fragments,
  other_sense: z.record(z.string().min(1), fragments),
  new_onset: fragments,
  said_fine: fragments,
  fine_denies: z.array(z.string().min(1)),
  asking_for: fragments,
  own_complaint: fragments,
  own_explicit: fragments,
  patient_marked: fragments,
  patient_named: fragments,
  negation: fragments,
  acquaintances: fragments,
  denial_list: fragments,
  fine_after: fragments,
  long_ago: fragments,
  owned_after: fragments,
  question_openers: fragments,
  question_frames: fragments,
  asked_by_others: fragments,
  defining: fragments,
  defining_before: fragments,
  own_denied: fragments,
  complaint_words: fragments,
  asked_or_listed: fragments,
  denied_after: fragments,
  // Grammar: the small words a clause's shape is read with (see the file's last section).
  clause_breaks: fragments,
  time_words: fragments,
  fear_breaks: fragments,
  list_joiners: fragments,
  denial_openers: fragments,
  denied_troubles: fragments,
  symptom_no: fragments,
  only_coda: fragments,
  asked_if_fine: fragments,
  used_to_be_fine: fragments,
  asked_ability: fragments,
  preventing: fragments,
  cannot_stop: fragments,
  question_lead: fragments,
  wh_words: fragments,
  question_clause_words: fragments,
  long_ago_signs: z.array(z.string().min(1)),
  subject_place: fragments,
  caring_for_acquaintance: fragments,
  caring_for_stranger: fragments,
  caring_articles: fragments,
  being_one: fragments,
  being_articles: fragments,
  prepositions: fragments,
  preposition_owners: fragments,
  relation_owners: fragments,
  acquaintance_owners: fragments,
  acquaintance_kinds: fragments,
  own_owners: fragments,
  titles: fragments,
  object_pronouns: fragments,
  not_chained: z.array(z.string().min(1)),
  having: fragments,
  their: fragments,
  passing_on: fragments,
  writer: z.strictObject({ in_question: fragments, after_topic: fragments, in_story: fragments, model_feature: fragments }),
  self_in_sign: fragments,
  with_self: fragments,
});
export type AssertionCues = z.infer<typeof cueFileSchema>;

/** Reads and validates the cue file; throws naming the file and entry on a bad one. */
export function parseAssertionCues(yamlText: string, file = ASSERTION_CUES_FILE): CompiledCues {
  const parsed = cueFileSchema.safeParse(parseYaml(yamlText));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return compileCues(parsed.data, file);
}

export function loadAssertionCues(root = '.'): CompiledCues {
  const path = join(root, ASSERTION_CUES_FILE);
  return parseAssertionCues(readFileSync(path, 'utf8'), path);
}

export interface CompiledCues {
  strangers: RegExp;
  storySources: RegExp;
  topicOf: RegExp;
  notTheirs: RegExp;
  /** "not him", "not hers": the patient is a third person, not the one the sign is said of. */
  notTheirsThird: RegExp;
  /** The writer asks if another's sign could be theirs, or says they have none of it. */
  writerAside: RegExp;
  reporting: RegExp;
  things: RegExp;
  animals: RegExp;
  relation: RegExp;
  self: RegExp;
  pronoun: RegExp;
  /** A he-word, a she-word; a person's word that says male, female (the whole mention's last words). */
  gender: { he: RegExp; she: RegExp; male: RegExp; female: RegExp };
  resolved: RegExp;
  reactivated: RegExp;
  resolvable: ReadonlySet<string>;
  /** Signs still urgent when said to have eased, unless long past (easedLongPast). */
  easedStillUrgent: ReadonlySet<string>;
  easedLongPast: RegExp;
  /** Not come back since (cues.not_since): over only when the message puts the episode long past. */
  notSince: RegExp;
  hypothetical: RegExp;
  feared: RegExp;
  wondering: RegExp;
  asksAbout: RegExp;
  otherSense: Map<string, RegExp>;
  newOnset: RegExp;
  saidFine: RegExp;
  fineDenies: ReadonlySet<string>;
  askingFor: RegExp;
  ownComplaint: RegExp;
  ownExplicit: RegExp;
  patientMarked: RegExp;
  /** "its mum im asking about", "its my mother in law with the bad back": the one group that matched is the patient. */
  patientNamed: RegExp;
  negation: RegExp;
  acquaintances: RegExp;
  denialList: RegExp;
  fineAfter: RegExp;
  longAgo: RegExp;
  ownedAfter: RegExp;
  questionOpener: RegExp;
  questionFrames: RegExp;
  askedByOthers: RegExp;
  defining: RegExp;
  definingBefore: RegExp;
  ownDenied: RegExp;
  complaintWords: string;
  askedOrListed: RegExp;
  deniedAfter: RegExp;
  /** Contrast words that split a sentence into clauses. */
  clauseBreak: RegExp;
  timeWords: RegExp;
  fearBreak: RegExp;
  /** A clause that opens with a denial ... */
  denialOpening: RegExp;
  /** ... of a trouble, not of a function. */
  deniedTrouble: RegExp;
  symptomNo: RegExp;
  onlyCoda: RegExp;
  askedIfFine: RegExp;
  usedToBeFine: RegExp;
  askedAbility: RegExp;
  preventing: RegExp;
  cannotStop: RegExp;
  whOpening: RegExp;
  questionClause: RegExp;
  longAgoSigns: ReadonlySet<string>;
  subjectPlace: RegExp;
  caredForAcquaintance: RegExp;
  caredForStranger: RegExp;
  beingOne: RegExp;
  prepositionBefore: RegExp;
  objectPronoun: RegExp;
  notChained: ReadonlySet<string>;
  /** The relation words, longest first: "my mother in laws" -> "mother in law". */
  relationWords: readonly string[];
  /** Through someone's words ("says"): the parts of relationWithComplaint's pattern. */
  passingOn: string;
  having: string;
  their: string;
  writer: { inQuestion: RegExp; afterTopic: RegExp; inStory: RegExp; modelFeature: RegExp };
  /** The writer named in the sign's own words ("on my back"). */
  selfInSign: RegExp;
  /** What joins the writer and someone named with them ("me and my partner"), the whole text between. */
  withSelf: RegExp;
}

/** Longest first, so that an alternation takes "mother in law" before "mother". */
const byLength = (list: readonly string[]) => [...list].sort((a, b) => b.length - a.length);

function compileCues(cues: AssertionCues, file: string): CompiledCues {
  const check = (where: string, list: readonly string[]) => {
    for (const [i, f] of list.entries()) {
      try {
        new RegExp(f);
      } catch (error) {
        throw new Error(`${file}: ${where}[${i}]: ${(error as Error).message}`, { cause: error });
      }
    }
    return list.join('|');
  };
  const compile = (where: string, list: readonly string[], flags = '') => new RegExp(`(?<![a-z0-9])(?:${check(where, list)})(?![a-z0-9])`, flags);
  /** A whole word or phrase after a space or the start: "(?:^| )(?:a|b)(?= |$)". */
  const words = (where: string, list: readonly string[], flags = '') => new RegExp(`(?:^| )(?:${check(where, list)})(?= |$)`, flags);
  /** Words at the end of the text before a person ("care for a "): "(?:^| )(?:care for|...)( (?:an|a))? ?$". */
  const before = (where: string, list: readonly string[], articles: readonly string[]) =>
    new RegExp(`(?:^| )(?:${check(where, list)})( (?:${articles.join('|')}))? ?$`);
  const questionLead = `(?:(?:${check('question_lead', cues.question_lead)}) )*`;
  const ownOwners = check('own_owners', cues.own_owners);
  return {
    clauseBreak: new RegExp(`[,:()]+|\\s+-\\s+|\\b(?:${check('clause_breaks', cues.clause_breaks)})\\b`, 'i'),
    timeWords: words('time_words', cues.time_words, 'g'),
    fearBreak: words('fear_breaks', cues.fear_breaks),
    denialOpening: new RegExp(`^(?:(?:${check('list_joiners', cues.list_joiners)}) )?(?:${check('denial_openers', cues.denial_openers)})(?= |$)`),
    deniedTrouble: words('denied_troubles', cues.denied_troubles),
    symptomNo: words('symptom_no', cues.symptom_no),
    onlyCoda: new RegExp(`^(?:${check('only_coda', cues.only_coda)})(?= |$)`),
    askedIfFine: new RegExp(`(?:^| )(?:${check('asked_if_fine', cues.asked_if_fine)})`),
    usedToBeFine: new RegExp(`(?:^| )(?:${check('used_to_be_fine', cues.used_to_be_fine)})`),
    askedAbility: words('asked_ability', cues.asked_ability),
    preventing: new RegExp(`(?:^| )(?:${check('preventing', cues.preventing)})`),
    cannotStop: new RegExp(`(?:^| )(?:${check('cannot_stop', cues.cannot_stop)})`),
    whOpening: new RegExp(`^${questionLead}(?:${check('wh_words', cues.wh_words)})(?= |$)`),
    questionClause: new RegExp(`^${questionLead}(?:${check('question_clause_words', cues.question_clause_words)})(?= |$)`),
    longAgoSigns: new Set(cues.long_ago_signs),
    subjectPlace: new RegExp(check('subject_place', cues.subject_place)),
    caredForAcquaintance: before('caring_for_acquaintance', cues.caring_for_acquaintance, cues.caring_articles),
    caredForStranger: before('caring_for_stranger', cues.caring_for_stranger, cues.caring_articles),
    beingOne: before('being_one', cues.being_one, cues.being_articles),
    prepositionBefore: new RegExp(`(?:^| )(?:${check('prepositions', cues.prepositions)})(?: (?:${check('preposition_owners', cues.preposition_owners)}))? ?$`),
    objectPronoun: new RegExp(`^(?:${check('object_pronouns', cues.object_pronouns)})$`),
    notChained: new Set(cues.not_chained),
    relationWords: byLength(cues.relations),
    passingOn: check('passing_on', cues.passing_on),
    having: check('having', cues.having),
    their: check('their', cues.their),
    selfInSign: words('self_in_sign', cues.self_in_sign),
    withSelf: new RegExp(`^ (?:${check('with_self', cues.with_self)}) $`),
    writer: {
      inQuestion: words('writer.in_question', cues.writer.in_question),
      afterTopic: words('writer.after_topic', cues.writer.after_topic),
      inStory: words('writer.in_story', cues.writer.in_story),
      modelFeature: words('writer.model_feature', cues.writer.model_feature),
    },
    strangers: compile('strangers', cues.strangers, 'g'),
    storySources: compile('story_sources', cues.story_sources),
    topicOf: new RegExp(cues.topic_of.map((h) => `(?:${h})`).join('|')),
    notTheirs: compile('not_theirs', cues.not_theirs),
    notTheirsThird: compile('not_theirs_third', cues.not_theirs_third),
    writerAside: compile('writer_aside', cues.writer_aside),
    reporting: new RegExp(`^s? (?:[a-z]+ ){0,2}(?:${cues.reporting.join('|')})(?: |$)`),
    things: new RegExp(`^(?:${cues.things.join('|')})$`),
    animals: compile('animals', cues.animals, 'g'),
    // "my husbands mum", and a bare relation opening the clause ("grandma has osteoporosis").
    relation: compile(
      'relations',
      byLength(cues.relations).map((r) => `(?:(?:${check('relation_owners', cues.relation_owners)}) (?:[a-z]+ )?|^)(?:${r})s?`),
      'g',
    ),
    self: compile('self', cues.self, 'g'),
    pronoun: compile('pronouns', cues.pronouns, 'g'),
    gender: {
      he: new RegExp(`^(?:${cues.gendered.he.join('|')})$`),
      she: new RegExp(`^(?:${cues.gendered.she.join('|')})$`),
      male: new RegExp(`(?:^| )(?:${byLength(cues.gendered.male).join('|')})s?$`),
      female: new RegExp(`(?:^| )(?:${byLength(cues.gendered.female).join('|')})s?$`),
    },
    resolved: compile('resolved', cues.resolved),
    reactivated: compile('reactivated', cues.reactivated),
    resolvable: new Set(cues.resolvable),
    easedStillUrgent: new Set(cues.eased_still_urgent),
    easedLongPast: compile('eased_long_past', cues.eased_long_past),
    notSince: compile('not_since', cues.not_since),
    hypothetical: new RegExp(cues.hypothetical.map((h) => `(?:${h})`).join('|')),
    feared: new RegExp(cues.feared.map((h) => `(?:${h})`).join('|')),
    wondering: new RegExp(cues.wondering.map((h) => `(?:${h})`).join('|')),
    asksAbout: new RegExp(cues.asks_about.map((h) => `(?:${h})`).join('|')),
    otherSense: new Map(Object.entries(cues.other_sense).map(([sign, list]) => [sign, compile(`other_sense.${sign}`, list)])),
    newOnset: compile('new_onset', cues.new_onset),
    fineDenies: new Set(cues.fine_denies),
    saidFine: new RegExp(`(?:${cues.said_fine.join('|')})$`),
    negation: compile('negation', cues.negation),
    askingFor: compile(
      'asking_for',
      cues.asking_for.map((a) => `${a} (?:${ownOwners}) (?:${byLength(cues.relations).join('|')})`),
    ),
    ownComplaint: compile('own_complaint', cues.own_complaint),
    ownExplicit: compile('own_explicit', cues.own_explicit),
    patientMarked: compile('patient_marked', cues.patient_marked),
    patientNamed: compile(
      'patient_named',
      cues.patient_named.map((p) => p.replaceAll('{rel}', `(?:(?:${ownOwners}) )?(${[...byLength(cues.relations), ...cues.titles].join('|')})s?`)),
    ),
    acquaintances: compile(
      'acquaintances',
      cues.acquaintances.map(
        (a) =>
          `(?:(?:${check('acquaintance_owners', cues.acquaintance_owners)}) |^)(?:(?:${check('acquaintance_kinds', cues.acquaintance_kinds)}) )?(?:${a})s?`,
      ),
      'g',
    ),
    denialList: compile('denial_list', cues.denial_list),
    fineAfter: compile('fine_after', cues.fine_after),
    longAgo: compile('long_ago', cues.long_ago),
    ownedAfter: new RegExp(cues.owned_after.map((h) => `(?:${h})`).join('|')),
    questionOpener: new RegExp(`^${questionLead}(?:${cues.question_openers.join('|')})(?![a-z0-9])`),
    questionFrames: compile('question_frames', cues.question_frames, 'g'),
    askedByOthers: compile('asked_by_others', cues.asked_by_others),
    defining: new RegExp(cues.defining.map((h) => `(?:${h})`).join('|')),
    definingBefore: new RegExp(cues.defining_before.map((h) => `(?:${h})`).join('|')),
    ownDenied: new RegExp(cues.own_denied.map((h) => `(?:${h})`).join('|')),
    complaintWords: `(?:${cues.complaint_words.join('|')})`,
    askedOrListed: compile('asked_or_listed', cues.asked_or_listed),
    deniedAfter: compile('denied_after', cues.denied_after),
  };
}

export function normaliseForCues(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’'`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** A clause of a message, in order; `sentence` says which sentence it is part of. */
interface Clause {
  text: string;
  sentence: number;
  /** The raw sentence ended with "?" */
  question: boolean;
}

/** Sentences, then clauses at commas and contrast words ("but", "though", "however"). */
export function splitClauses(text: string, cues: Pick<CompiledCues, 'clauseBreak'>): Clause[] {
  const out: Clause[] = [];
  const sentences = text.split(/(?<=[.!?;\n])\s*|\n+/).filter((s) => /[a-z0-9]/i.test(s));
  sentences.forEach((sentence, i) => {
    const question = /\?\s*$/.test(sentence);
    for (const part of sentence.split(cues.clauseBreak)) {
      const t = normaliseForCues(part);
      if (t) out.push({ text: t, sentence: i, question });
    }
  });
  return out;
}

/** Where a sign is: its clause, where in it it starts, and the words that matched (when the patterns found it). */
type Place = { clause: number; at: number; matched?: string };
type Owner = {
  kind: 'self' | 'relation' | 'acquaintance' | 'stranger' | 'animal' | 'pronoun';
  who: string;
  index: number;
  /** Found through this he/she/him/her. */
  through?: string;
  /** Named in an earlier clause; the sign's own clause names nobody before it. */
  far?: true;
  /** The writer, named in the sign's own words ("dropped a pallet on my back"). */
  inSign?: true;
};

/**
 * Who the patient is, as the gate reads it: the patient reader's reading, and whether the
 * patient was picked out as the relative the back trouble is said of ("my mum had cancer years
 * ago and now my husband has back pain": the husband).
 */
type GateReading = PatientReading & {
  byComplaint?: true;
  /** The writer said in words that the back trouble is their own ("mine is just a sore back"). */
  saidOwn?: true;
};

/** The relation the back or leg trouble is said of ("my husband has back pain", "dads back"), if one. */
function relationWithComplaint(message: string, cues: CompiledCues, alone = false): string | undefined {
  cues.relation.lastIndex = 0;
  const named = [...message.matchAll(cues.relation)].map((m) => m[0]);
  if (new Set(named.map((n) => relationWord(n, cues))).size < (alone ? 1 : 2)) return undefined;
  for (const who of named) {
    const rel = relationWord(who, cues);
    // Not through a report of someone else's words ("my mum says grandmas got new back pain").
    const said = new RegExp(
      `(?:^| )${who}s?(?: (?:(?!(?:${cues.passingOn})(?= ))[a-z]+ ){0,3}(?:${cues.having}))? (?:[a-z]+ )?(?:(?:${cues.their}) )?${cues.complaintWords}(?= |$)`,
    );
    if (said.test(message)) return rel;
  }
  return undefined;
}

/** Is this word (the patient reader's relation) someone the writer knows, not family ("neighbour")? */
function acquaintanceWord(word: string, cues: CompiledCues): boolean {
  cues.acquaintances.lastIndex = 0;
  return cues.acquaintances.test(`my ${word}`);
}

/** Every person named in a clause, in order. */
function peopleIn(clause: string, cues: CompiledCues): Owner[] {
  const found: Owner[] = [];
  const scan = (re: RegExp, kind: Owner['kind']) => {
    re.lastIndex = 0;
    for (const m of clause.matchAll(re)) found.push({ kind, who: m[0], index: m.index! });
  };
  scan(cues.strangers, 'stranger');
  scan(cues.animals, 'animal');
  scan(cues.relation, 'relation');
  scan(cues.self, 'self');
  scan(cues.pronoun, 'pronoun');
  scan(cues.acquaintances, 'acquaintance');
  // "I care for a lady", "asking for a friend", "as a kid": the person cared for, or nobody.
  for (const o of found) {
    const before = clause.slice(0, o.index);
    if (o.kind === 'acquaintance') {
      if (cues.caredForAcquaintance.test(before)) o.kind = 'relation';
      continue;
    }
    if (o.kind !== 'stranger' && o.kind !== 'animal') continue;
    if (cues.caredForStranger.test(before)) o.kind = 'relation';
    else if (cues.beingOne.test(before)) o.kind = 'self';
    // A stranger or animal is only the subject near the clause start or after a conjunction:
    // "tripped over the dog", "feels like someone else's" are not theirs.
    else if (!cues.subjectPlace.test(before)) o.kind = 'pronoun';
  }
  // An owner of a thing ("tripped over my sons scooter") is not who the clause is about; of a
  // body part ("my sons back") they are.
  for (const o of found) {
    if (o.kind !== 'relation' || !o.who.endsWith('s')) continue;
    const next = clause.slice(o.index + o.who.length).match(/^ ([a-z]+)/)?.[1];
    if (next !== undefined && cues.things.test(next)) o.kind = 'pronoun';
  }
  // A longer match at the same place wins (a stranger's "my husbands mate" over "my husbands").
  found.sort((a, b) => a.index - b.index || b.who.length - a.who.length);
  return found.filter((o, i) => !found.slice(0, i).some((p) => o.index >= p.index && o.index < p.index + p.who.length));
}

/** The relation word of a mention: the longest relation it ends with, else its last word ("my husbands mum" -> "mum", "my mother in laws" -> "mother in law"). */
const relationWord = (who: string, cues: Pick<CompiledCues, 'relationWords'>) => {
  const words = who.replace(/s$/, '');
  const rel = cues.relationWords.find((r) => words === r || words.endsWith(` ${r}`));
  return (rel ?? words.split(' ').at(-1)!).replace(/s$/, '');
};
/** "my husbands mum": a relative's relative (not "my mother in law", one relation of several words). */
const isChained = (who: string, cues: Pick<CompiledCues, 'relationWords' | 'notChained'>) =>
  who
    .slice(0, who.length - relationWord(who, cues).length)
    .split(' ')
    .some((w) => w.length > 2 && w.endsWith('s') && !cues.notChained.has(w));

export interface GateVerdict {
  status: AssertionStatus | 'other_sense';
  /** Strong: a cue that sets even a cauda equina sign aside. */
  strong: boolean;
  reason: string;
}

export interface AssertionGate {
  /**
   * The verdict on one detected sign in a message (`learnedSentence`: where the learned model
   * found it): the rules', combined with the learned assertion model's when there is one.
   */
  judge(sign: string, text: string, learnedSentence?: number, retold?: string): GateVerdict;
  /** The rules' verdict alone, and what the learned assertion model reads of the sign's place. */
  describe(sign: string, text: string, learnedSentence?: number, retold?: string): { verdict: GateVerdict; input: AssertionInput };
  /** The detection with each sign moved by its verdict (see the header). */
  /**
   * `retold`: the message as patient.ts retold it in the first person (`text` is then the
   * writer's own words): a sign the patterns found only in the retelling is read in the
   * clause of the writer's words it came from.
   */
  apply(detection: RedFlagDetection, text: string, learnedSentences?: ReadonlyMap<string, number>, retold?: string): RedFlagDetection;
}

const CURRENT: GateVerdict = { status: 'current', strong: false, reason: 'reported' };

export function createAssertionGate(options: {
  cues: CompiledCues;
  detector: Pick<RedFlagDetector, 'explain' | 'cueFacts'>;
  patient: Pick<PatientReader, 'read'>;
  caudaEquina: readonly RedFlagId[];
  /** The learned assertion model and its thresholds (assertionTraining.ts); without it, the rules alone. */
  learned?: {
    model: AssertionModel;
    thresholds: { setAsideAlone: number; setAsideAloneCaudaEquina?: number; answerAloneCaudaEquina?: number; disagreeCaudaEquina: number };
  };
}): AssertionGate {
  const { cues, detector, patient } = options;
  const caudaEquina = new Set<string>(options.caudaEquina);
  // The patterns' reading of each clause and of the message, kept for the message being judged:
  // every detected sign looks at the same clauses, so each text runs through the patterns once.
  type Explained = ReturnType<RedFlagDetector['explain']>;
  let explainedFor: string | undefined;
  const explained = new Map<string, Explained>();
  const explain = (part: string): Explained => {
    let hits = explained.get(part);
    if (!hits) explained.set(part, (hits = detector.explain(part)));
    return hits;
  };
  const startMessage = (text: string): void => {
    if (explainedFor === text) return;
    explainedFor = text;
    explained.clear();
  };

  /**
   * Which clauses hold the sign and where in each it starts: the patterns on each clause, else
   * the learned model's sentence (its clauses, position unknown), else none.
   */
  const holding = (sign: string, clauses: Clause[], learnedSentence: number | undefined, text?: string, retold?: string): Place[] => {
    const byPatterns = clauses.flatMap((c, i) => {
      const hit = explain(c.text).find((h) => h.id === sign && h.status !== 'explained' && h.status !== 'negated');
      if (!hit) return [];
      const at = c.text.indexOf(hit.matched);
      return [{ clause: i, at: at >= 0 ? at : c.text.length, matched: hit.matched }];
    });
    if (byPatterns.length > 0) return byPatterns;
    // The patterns on the whole message: place the match in the clause that holds it.
    const message = clauses.map((c) => c.text).join(' ');
    const starts: number[] = [];
    clauses.reduce((at, c) => (starts.push(at), at + c.text.length + 1), 0);
    // The written message too: its commas are gone from the joined clauses, and a hit that only
    // a comma leaves unsure ("no numbness down below, peein normal": the "no" may carry over it)
    // is a denial once they are gone, so it would have no place and escape its clause's reading.
    const whole = [...explain(message), ...(text === undefined ? [] : explain(text))].filter(
      (h) => h.id === sign && (h.status === 'flag' || h.status === 'possible'),
    );
    const placed = whole.flatMap((h) => {
      const at = message.indexOf(h.matched);
      if (at < 0) return [];
      let k = -1;
      starts.forEach((st, j) => {
        if (st <= at) k = j;
      });
      return k >= 0 ? [{ clause: k, at: at - starts[k]!, matched: h.matched }] : [];
    });
    if (placed.length > 0) return placed;
    // Found only in the first-person retelling of a carer's report ("my wife has no feeling down
    // there, she's fine otherwise" -> "i have no feeling down there..."): the retelling swaps
    // words, never punctuation, so its clauses are the writer's clauses one for one. The sign
    // is read in the writer's clause, where "she", "my wife" and the denials still are.
    if (retold !== undefined) {
      const theirs = splitClauses(retold, cues);
      if (theirs.length === clauses.length) {
        const mapped = holding(sign, theirs, undefined).flatMap((p) => {
          const own = clauses[p.clause]!.text;
          const mine = theirs[p.clause]!.text;
          // The swapped words come before the sign, so its distance from the clause's end holds.
          const at = Math.max(0, Math.min(own.length, own.length - (mine.length - p.at)));
          return [{ clause: p.clause, at, ...(p.matched && own.includes(p.matched) ? { matched: p.matched } : {}) }];
        });
        if (mapped.length > 0) return mapped;
      }
    }
    if (learnedSentence !== undefined && learnedSentence >= 0) {
      // The sentence's first clause (its subject); the clauses after it are read for "all sorted".
      const first = clauses.findIndex((c) => c.sentence === learnedSentence);
      if (first >= 0) return [{ clause: first, at: clauses[first]!.text.length }];
    }
    return [];
  };

  /** Whose sign it is: the last person named before it in its clause, else earlier in the sentence. */
  const ownerOf = (clauses: Clause[], place: Place): Owner | undefined => {
    const subject = subjectOf(clauses, place);
    // The sign's own words name the writer ("my colleague dropped a pallet on my back"): theirs,
    // whoever did it; not an animal's doing ("the puppy wet my bed"). Not at the start of the
    // sign's words (the writer's own "my legs" reads as before), nor beside someone else in them
    // ("both of my mums legs").
    const own = place.matched === undefined ? null : cues.selfInSign.exec(place.matched);
    if (own && own.index > 0 && subject?.kind !== 'animal' && !peopleIn(place.matched!, cues).some((p) => p.kind !== 'self' && p.kind !== 'pronoun'))
      return { kind: 'self', who: own[0].trim(), index: place.at + own.index, inSign: true };
    return subject;
  };

  /** The subject of the sign's clause: the last person named before it, else earlier in the sentence. */
  const subjectOf = (clauses: Clause[], place: Place): Owner | undefined => {
    const i = place.clause;
    for (let k = i; k >= 0 && clauses[k]!.sentence === clauses[i]!.sentence; k--) {
      const people = peopleIn(clauses[k]!.text, cues).filter((p) => k < i || p.index <= place.at);
      // A question opens a new subject ("my son wants to know: why do doctors ask about..."):
      // the people before it are not the sign's.
      if (people.length === 0 && cues.questionClause.test(clauses[k]!.text)) return undefined;
      if (people.length === 0) continue;
      // A pronoun stands for the last person named before it in the sentence whose word does
      // not say the other sex ("my husband ... our daughter ... he cant": the husband), if any.
      const last = people[people.length - 1]!;
      if (last.kind !== 'pronoun') {
        // Someone who passes the news on ("my sister rang to say dads back is bad and both his
        // legs..."), with nobody else named before the sign: whose it is, is not known.
        const after = k === i ? clauses[k]!.text.slice(last.index + last.who.length, place.at) : clauses[k]!.text.slice(last.index + last.who.length);
        if (cues.reporting.test(after)) return undefined;
        // The writer and someone together ("me and my partner both have HIV"): the writer's too.
        const before = people.at(-2);
        const joint =
          before?.kind === 'self' &&
          (last.kind === 'relation' || last.kind === 'acquaintance') &&
          cues.withSelf.test(clauses[k]!.text.slice(before.index + before.who.length, last.index));
        const owner = joint ? before : last;
        return k < i ? { ...owner, far: true } : owner;
      }
      // The nearest person a he or she can stand for, not one named as the object of a
      // preposition ("digging with our grandson, harry, hes lost...").
      const fits = (p: Owner) => p.kind !== 'pronoun' && p.kind !== 'self' && agrees(last.who, p.who);
      const candidates = [...people.slice(0, -1)].reverse().map((p) => ({ p, text: clauses[k]!.text }));
      for (let j = k - 1; j >= 0 && clauses[j]!.sentence === clauses[i]!.sentence; j--)
        candidates.push(
          ...peopleIn(clauses[j]!.text, cues)
            .reverse()
            .map((p) => ({ p, text: clauses[j]!.text })),
        );
      const objectOf = (c: { p: Owner; text: string }) => cues.prepositionBefore.test(c.text.slice(0, c.p.index));
      // Nobody else: the he or she itself (read as the patient, the safe side).
      const found = candidates.find((c) => fits(c.p) && !objectOf(c));
      return found ? { ...found.p, through: last.who } : last;
    }
    return undefined;
  };

  /** The message names this person's back or legs ("now his back hurts", "mums legs"): they may be the patient. */
  const theirComplaint = (message: string, who: string): boolean => {
    const rel = relationWord(who, cues);
    return new RegExp(`(?:^| )(?:(?:${cues.their})|${escapeRegExp(rel)}s) (?:[a-z]+ )?${cues.complaintWords}(?= |$)`).test(message);
  };

  /** Can this he/she stand for this person? Unless their word says the other sex. */
  const agrees = (pronoun: string, who: string): boolean => {
    const g = cues.gender;
    if (g.he.test(pronoun)) return !g.female.test(who);
    if (g.she.test(pronoun)) return !g.male.test(who);
    return true;
  };

  /** Says it came back, not asking how to stop it coming back. */
  // "tips to stop it coming back" asks how to prevent it, "?" or not; "cant stop it coming back" says it does.
  const recurs = (c: Clause): boolean => cues.reactivated.test(c.text) && !(cues.preventing.test(c.text) && (c.question || !cues.cannotStop.test(c.text)));

  /**
   * Does a clause after clause `i` (in its sentence or the next) say the sign is happening
   * (cues.ownedAfter)? Read with the rest of its sentence: commas split "I stand there for ages
   * and nothing comes, since Monday" into clauses that say it only together.
   */
  const ownedAfterFrom = (clauses: Clause[], i: number): boolean => {
    const last = clauses[i]!.sentence + 1;
    return clauses.some((c, k) => {
      if (k <= i || c.sentence > last) return false;
      const rest = clauses
        .slice(k)
        .filter((d) => d.sentence === c.sentence)
        .map((d) => d.text)
        .join(' ');
      // Denied, planned or said to be fine ("mine's normal as far as I know"): no report.
      if (cues.deniedAfter.test(c.text) || cues.saidFine.test(c.text)) return false;
      // Why one asks ("I'm just curious", "I'm asking for my exam") is no report: its "I'm" is no
      // "I'm 38.9". What follows it may be ("I'm just curious because mine have since Monday").
      const wonder = cues.wondering.exec(c.text);
      if (wonder) {
        const after = c.text.slice(wonder.index + wonder[0].length).trim();
        return !cues.deniedAfter.test(after) && !cues.saidFine.test(after) && cues.ownedAfter.test(after);
      }
      return cues.ownedAfter.test(c.text) || cues.ownedAfter.test(rest);
    });
  };

  const judgeClause = (sign: string, clauses: Clause[], place: Place, reading: GateReading, message: string): GateVerdict => {
    const i = place.clause;
    const clause = clauses[i]!;
    const sentence = clauses
      .filter((c) => c.sentence === clause.sentence)
      .map((c) => c.text)
      .join(' ');
    // The sentence up to the clause that holds the sign: an "if" before it reaches it.
    const upTo = clauses
      .filter((c, k) => c.sentence === clause.sentence && k <= i)
      .map((c) => c.text)
      .join(' ');
    const ce = caudaEquina.has(sign);
    // Other senses and figures of speech ("nearly wet myself laughing", "leg day").
    const senses = [cues.otherSense.get('any'), cues.otherSense.get(sign)].filter((r): r is RegExp => r !== undefined);
    if (senses.some((r) => r.test(sentence)) && !(ce && cues.newOnset.test(sentence) && !cues.otherSense.get('any')!.test(sentence))) {
      return { status: 'other_sense', strong: true, reason: 'another sense of the words' };
    }
    // A list of denials holding the sign ("no fever, no pee problem", "weeing fine pooing fine",
    // "nothing sudden"), unless a "no" is part of a symptom ("no control, no feeling").
    // Only the clause that holds the sign: "no fever, no bladder problems, but I can't feel my
    // bum" denies the first two, not the third. A sign the patterns did not place (the learned
    // model's sentence) is denied by a list anywhere in its sentence, unless it is cauda equina.
    // A list anywhere in the sentence only when every clause of it is a denial or "fine" ("no diet,
    // no gym, but 10kg gone" denies the diet, not the loss).
    // ("no fever, no chills, just a stiff back": the "just ..." coda is the writer's own complaint).
    const sentenceDenied = clauses
      .filter((c) => c.sentence === clause.sentence)
      .every((c) => cues.negation.test(c.text) || cues.saidFine.test(c.text) || cues.onlyCoda.test(c.text));
    const denial = cues.denialList.test(clause.text) || (!place.matched && !ce && cues.denialList.test(sentence) && sentenceDenied);
    if (denial && !cues.symptomNo.test(clause.text) && !clause.question) return { status: 'negated', strong: true, reason: 'a list of denials' };
    // A list of denials over several clauses ("no numb down there, no pee problem, no fever",
    // "bladder fine, bowels fine"): the clause that holds the sign denies it, and so does another
    // clause of its sentence.
    const denies = (t: string) =>
      !cues.symptomNo.test(t) &&
      ((cues.denialOpening.test(t) && cues.deniedTrouble.test(t)) || (cues.saidFine.test(t) && !cues.negation.test(t.split(' ').slice(-4).join(' '))));
    if (!clause.question && denies(clause.text) && clauses.some((c, k) => k !== i && c.sentence === clause.sentence && denies(c.text)))
      return { status: 'negated', strong: true, reason: 'a list of denials over its clauses' };
    // Asked about or listed by someone, then denied ("the GP asked if he had any numbness ... and
    // he said no to both", "doctor asked if she had lost weight, she hasnt", "the handout lists
    // fever ... I've got none of those"): the denial after the sign, in its clause, the clauses
    // after it or the next sentence, answers the asking.
    // Not when what was asked is an ability ("asked if he could control his bladder, he said
    // no"): a "no" to that is the sign itself.
    if ((cues.askedOrListed.test(upTo) || cues.askedOrListed.test(sentence)) && !cues.askedAbility.test(sentence)) {
      const rest = [
        clause.text.slice(place.at),
        ...clauses
          .slice(i + 1)
          .filter((c) => c.sentence <= clause.sentence + 1)
          .map((c) => c.text),
      ];
      // Not when it then came ("I said no, but now it is, the right started this afternoon").
      if (
        rest.some((t) => cues.deniedAfter.test(t)) &&
        !clauses.slice(i).some((c) => recurs(c)) &&
        !clauses.slice(i + 1).some((c) => c.sentence <= clause.sentence + 1 && cues.ownedAfter.test(c.text) && !cues.deniedAfter.test(c.text))
      )
        return { status: 'negated', strong: true, reason: 'asked about, then denied' };
    }
    // Over straight after by itself ("fine after a walk", "gone as soon as I stood up"), or
    // settled by treatment ("the exercises have settled it", "cleared with antibiotics"). Not
    // for inflammatory back pain, which is the pain that gets better once moving.
    // An emergency sign beyond the back that has eased is still urgent, unless long past.
    const canBeOver = cues.resolvable.has(sign) && !(cues.easedStillUrgent.has(sign) && !cues.easedLongPast.test(message));
    if (canBeOver && sign !== 'inflammatory_pattern') {
      // The clause that holds it and the ones after it ("numb after the flight, fine after a
      // walk"), never one before it ("went away after a walk but now I can't pee").
      const here = clauses.slice(i).filter((c) => c.sentence <= clause.sentence + 1);
      if (here.some((c) => cues.fineAfter.test(c.text)) && !clauses.slice(i).some((c) => recurs(c)))
        return { status: 'resolved', strong: !ce || !cues.newOnset.test(sentence.replace(cues.timeWords, ' ')), reason: 'over straight after, by itself' };
    }
    // Long ago and over: an injury, fever or faint in childhood or decades back.
    if (cues.longAgoSigns.has(sign) && cues.longAgo.test(sentence)) return { status: 'resolved', strong: true, reason: 'long ago' };
    // Said to be fine in its own clause ("legs both fine", "peein normal").
    const prev = i > 0 && clauses[i - 1]!.sentence === clause.sentence && clause.text.split(' ').length <= 3 ? clauses[i - 1]!.text : '';
    // In a question ("is that normal?") the part is asked about, not said to be fine.
    const fineText =
      clause.question || cues.askedIfFine.test(clause.text) || cues.usedToBeFine.test(clause.text)
        ? ''
        : cues.saidFine.test(clause.text)
          ? clause.text
          : prev && cues.saidFine.test(prev)
            ? prev
            : '';
    // A negation right before "fine" ("not working normal", "feel no good") says the opposite.
    if (fineText && cues.fineDenies.has(sign) && !cues.negation.test(fineText.split(' ').slice(-4).join(' ')))
      return { status: 'negated', strong: true, reason: 'said to be fine' };
    // Asked about, then said to be happening ("is it serious if my leg gives way? it's happened
    // three times today", "is it normal for both legs? because mine has since yesterday"): a report.
    const reportedAfter = ownedAfterFrom(clauses, i);
    // ... or a question or "if" that still tells of it now ("do I need A&E if I can't control my
    // bowels since yesterday?", "is it bad that the right leg has gone numb as well now?"): the
    // detectors' cues.present_report, with no "ever" or "what if".
    // (Read only when a hypothetical or question branch would set the sign aside.)
    const present = (): boolean => detector.cueFacts(sentence).some((f) => f.presentReport);
    // What is it, asked or told of the asker, in a message that only wonders or says the asker
    // has none ("what does saddle anaesthesia mean, ... i dont have it, im just curious", "she
    // asks what 'foot drop' means ... he says his foot is normal"): an answer with safety-netting.
    if (
      place.matched &&
      cues.definingBefore.test(clause.text.slice(0, place.at)) &&
      (cues.wondering.test(message) || cues.ownDenied.test(message)) &&
      !reportedAfter &&
      !present()
    )
      return { status: 'question', strong: true, reason: 'a question about what it is, none of its own' };
    // Hypotheticals and questions about the sign.
    if ((cues.hypothetical.test(clause.text) || cues.hypothetical.test(upTo)) && !reportedAfter && !present())
      return { status: 'hypothetical', strong: true, reason: 'an if' };
    // A fear of what may come, before the sign in its clause, with no reason or report between.
    const fear = cues.feared.exec(clause.text);
    if (fear && !reportedAfter && fear.index < place.at) {
      const between = clause.text.slice(fear.index + fear[0].length, place.matched ? place.at : clause.text.length);
      if (!cues.fearBreak.test(between)) return { status: 'hypothetical', strong: true, reason: 'a fear of what may come' };
    }
    // Whose is it?
    const owner = ownerOf(clauses, place);
    // Only wondering: nobody's report in the sentence (a carer's report about the patient is one).
    // (Not when a report follows: "I'm just curious because my foot has slapped since Monday".)
    if (owner === undefined && !cues.ownComplaint.test(sentence) && cues.wondering.test(message) && !reportedAfter && !present())
      return { status: 'hypothetical', strong: true, reason: 'only wondering' };
    const story = cues.storySources.test(sentence);
    // The topic of a programme or an article ("watched a programme about spinal tumours").
    // Not when the writer then says it of themselves ("a video about cauda equina ... realised my bums been numb").
    const restOfSentence = [
      clause.text.slice(place.at),
      ...clauses
        .slice(i + 1)
        .filter((c) => c.sentence === clause.sentence)
        .map((c) => c.text),
    ].join(' ');
    if (place.matched && cues.topicOf.test(clause.text.slice(0, place.at)) && !reportedAfter && !cues.writer.afterTopic.test(restOfSentence))
      return { status: 'other_person', strong: true, reason: 'the topic of something seen or read' };
    if (owner?.kind === 'animal') return { status: 'other_person', strong: true, reason: `an animal's ("${owner.who}")` };
    // A story ("the leaflet said", "on TV") only when the sentence holds no report of the writer's own.
    if (owner?.kind === 'stranger' || (story && owner === undefined && !cues.writer.inStory.test(sentence))) {
      return { status: 'other_person', strong: true, reason: `someone else's story ("${owner?.who ?? 'a story'}")` };
    }
    // Someone the writer knows (a neighbour, a mate) is not the patient when the writer has the
    // back trouble or asks for a relative; a message only about them is a carer's report.
    if (owner?.kind === 'acquaintance') {
      const own = cues.ownComplaint.test(message);
      // A relative's friend ("dads friend from the pub ... so dad wants to know"): not the
      // patient when the relative is named again on their own, as the one the message is about.
      const root = isChained(owner.who, cues) ? owner.who.split(' ')[0]!.replace(/s$/, '') : undefined;
      const rootWord = new RegExp(`(?:^| )${root}s?(?= |$)`, 'g');
      const at = clause.text.indexOf(owner.who);
      // Not when the relative is named between the friend and the sign ("mums neighbour found mum ... she'd wet herself").
      const rootAgain =
        root !== undefined &&
        at >= 0 &&
        at < place.at &&
        !rootWord.test(clause.text.slice(at + owner.who.length, place.at)) &&
        [...message.matchAll(rootWord)].length >= 2;
      if (own || rootAgain || (reading.who === 'other' && reading.rel && reading.rel !== relationWord(owner.who, cues)))
        return { status: 'other_person', strong: own || Boolean(reading.explicit), reason: `someone the writer knows ("${owner.who}")` };
    }
    // (Not a sign whose own words name the writer: "helping my mate move ... it came down on me".)
    if (owner?.kind === 'self' && !owner.inSign && reading.who === 'other' && reading.explicit) {
      // Strong only when the writer said so in words ("I'm asking for my sister"): the patient
      // reader also takes "helping my brother move" for it, and a cauda equina sign in the
      // writer's own words must then still get a question.
      return { status: 'other_person', strong: !ce || cues.askingFor.test(message), reason: "the writer's own, but they ask for someone else" };
    }
    // A relative or someone the writer knows has it, and the writer asks whether it could be
    // theirs too ("my mum has osteoporosis, is it genetic?", "could that happen to me?") or says
    // they have none of it ("I don't have it, just wondering"): the sign is that person's. Not
    // when the message says what the patient was ("I'm asking for my dad"), nor when it names that
    // person's back or legs ("now his back hurts"): then they may be the patient.
    if (
      (owner?.kind === 'relation' || owner?.kind === 'acquaintance') &&
      !(owner.through !== undefined && cues.objectPronoun.test(owner.through)) &&
      !reading.explicit &&
      cues.writerAside.test(message) &&
      !theirComplaint(message, owner.who)
    )
      return { status: 'other_person', strong: !ce, reason: `someone else's ("${owner.who}"), the writer asks about their own` };
    if (owner?.kind === 'relation') {
      const rel = relationWord(owner.who, cues);
      const patientRel = reading.rel;
      const chained = isChained(owner.who, cues); // "my husbands mum"
      if (reading.who === 'self')
        return { status: 'other_person', strong: Boolean(reading.saidOwn), reason: `a relative's ("${owner.who}"), the writer is the patient` };
      // "a post fell and hit him": a him or her the patient could be too is not clearly someone else's.
      // So is a relative named clauses before the sign in a sentence that names the patient too
      // ("my dad was helping my brother, darren, put up a fence when a post fell and hit him").
      const unclear =
        (owner.through !== undefined && cues.objectPronoun.test(owner.through) && agrees(owner.through, patientRel ?? '')) ||
        (owner.far === true && patientRel !== undefined && new RegExp(`(?:^| )${patientRel}s?(?= |$)`).test(sentence));
      // "nan is the one with the osteoporosis, not him": said outright of a relative who is not
      // the patient, with the patient unnamed.
      if (!unclear && patientRel === undefined && clauses.some((c) => c.sentence === clause.sentence && cues.notTheirsThird.test(c.text)))
        return { status: 'other_person', strong: true, reason: `said not to be the patient's ("${owner.who}")` };
      if (
        !unclear &&
        reading.who === 'other' &&
        patientRel &&
        rel !== patientRel &&
        (chained || !owner.who.startsWith('my ') || reading.explicit || reading.byComplaint)
      ) {
        // "its his right leg thats weak, not hers": said outright not to be the patient's.
        const denied = clauses.some((c) => c.sentence === clause.sentence && cues.notTheirs.test(c.text));
        return {
          status: 'other_person',
          strong: chained || Boolean(reading.explicit) || denied,
          reason: `not the patient's ("${owner.who}"; the patient: ${patientRel})`,
        };
      }
    }
    // A question about the sign with nobody's report in it: asked (a "?" or a question's
    // opening) with nobody named as having it. The words about the asking itself ("when should
    // I worry", "asking for my mum") are not a report of one's own. A question that defines the
    // sign ("what is foot drop", "why do they ask about...") is strong: an answer, with
    // safety-netting, even for a cauda equina sign.
    // The question starts at its wh- clause when words come before it ("my son wants to know: why...").
    const sentenceStart = clauses.findIndex((c) => c.sentence === clause.sentence);
    let qStart = sentenceStart;
    for (let k = i; k > sentenceStart; k--)
      if (cues.questionClause.test(clauses[k]!.text)) {
        qStart = k;
        break;
      }
    const firstClause = clauses[qStart]!.text;
    const asked = clauses
      .slice(qStart)
      .filter((c) => c.sentence === clause.sentence)
      .map((c) => c.text)
      .join(' ');
    // Without a "?" only a wh- opening asks ("what is foot drop and when should I worry"): "is pain
    // in both leg" is a report in non-native English.
    const asking = clause.question || (cues.questionOpener.test(firstClause) && cues.whOpening.test(firstClause));
    const byOthers = cues.askedByOthers.exec(clause.text);
    const unframed = asked.replace(cues.questionFrames, ' ').replace(cues.askedByOthers, ' ');
    if (
      asking &&
      !reportedAfter &&
      (cues.asksAbout.test(asked) || cues.questionOpener.test(firstClause)) &&
      !cues.writer.inQuestion.test(unframed) &&
      // Only the asking names the writer ("why do doctors ask if I'm numb"): the frame is taken out above.
      (owner === undefined || (owner.kind === 'self' && byOthers !== null && owner.index > byOthers.index)) &&
      !present()
    ) {
      const defining = cues.defining.test(clause.text) || cues.defining.test(upTo);
      return { status: 'question', strong: defining, reason: defining ? 'a question about what it is' : 'a question about it' };
    }
    // Said to be over, in this clause or the ones after it (this sentence and the next).
    if (canBeOver) {
      const after = clauses.slice(i, clauses.length).filter((c) => c.sentence <= clause.sentence + 1);
      // The negation must be outside the "over" words themselves ("no problems since").
      const at = after.findIndex((c) => cues.resolved.test(c.text) && !cues.negation.test(c.text.replace(cues.resolved, ' ')));
      // Coming back, or starting after a fine spell, anywhere later in the message undoes "over".
      const later = clauses.slice(i + at);
      if (at >= 0 && !later.some((c) => recurs(c))) {
        return { status: 'resolved', strong: !ce || !cues.newOnset.test(sentence), reason: 'said to be over' };
      }
    }
    // An episode the message puts long past ("in 2009", "years ago", "last year", "as a kid")
    // and says has not come back since ("been fine since", "never happened since"). Both, since
    // "one accident on Sunday, nothing since" is a cauda equina report.
    if (canBeOver && (cues.easedLongPast.test(message) || cues.longAgo.test(message))) {
      const after = clauses.slice(i, clauses.length).filter((c) => c.sentence <= clause.sentence + 1);
      const at = after.findIndex((c) => cues.notSince.test(c.text));
      if (at >= 0 && !clauses.slice(i + at).some((c) => recurs(c)))
        return { status: 'resolved', strong: !ce || !cues.newOnset.test(sentence.replace(cues.timeWords, ' ')), reason: 'long past, not since' };
    }
    return { status: 'current', strong: false, reason: `reported (by ${owner ? `"${owner.who}"` : 'nobody named'} in "${clause.text}")` };
  };

  /** What the learned assertion model reads of the place the verdict came from. */
  const inputAt = (sign: string, clauses: Clause[], place: Place | undefined, reading: GateReading, message: string): AssertionInput => {
    const i = place?.clause ?? -1;
    const clause = i >= 0 ? clauses[i]! : undefined;
    const sentenceOf = (c: Clause) => clauses.filter((d) => d.sentence === c.sentence);
    const sentenceClauses = clause ? sentenceOf(clause) : clauses;
    const sentence = sentenceClauses.map((c) => c.text).join(' ');
    const rest = clause ? clauses.filter((c) => c.sentence !== clause.sentence).map((c) => c.text) : [];
    const before = clause
      ? clauses
          .filter((c) => c.sentence === clause.sentence - 1)
          .map((c) => c.text)
          .join(' ')
      : '';
    const after = clause
      ? clauses
          .filter((c) => c.sentence === clause.sentence + 1)
          .map((c) => c.text)
          .join(' ')
      : '';
    const flags: string[] = [];
    const add = (name: string, on: boolean) => {
      if (on) flags.push(name);
    };
    // The sign's own words masked: the model reads how it is talked about, not which sign it is
    // (the detectors have said that), so it learns context cues rather than symptom words.
    const mask = (t: string) => (place?.matched && place.matched.length > 2 ? t.split(place.matched).join(' zsignz ') : t);
    const clauseText = mask(clause?.text ?? sentence);
    const upTo = clause
      ? clauses
          .filter((c, k) => c.sentence === clause.sentence && k <= i)
          .map((c) => c.text)
          .join(' ')
      : sentence;
    const owner = place ? ownerOf(clauses, place) : undefined;
    add(`owner_${owner?.kind ?? 'none'}`, true);
    add('question_mark', clause?.question ?? clauses.some((c) => c.question));
    add('hypothetical', cues.hypothetical.test(clauseText) || cues.hypothetical.test(upTo));
    add('wondering', cues.wondering.test(message));
    add('asks_about', cues.asksAbout.test(sentence));
    add('story', cues.storySources.test(sentence));
    add('said_fine', cues.saidFine.test(clauseText));
    add('negation', cues.negation.test(clauseText));
    add('denial_list', cues.denialList.test(sentence));
    add('resolved_here', cues.resolved.test(sentence));
    add('resolved_after', cues.resolved.test(after));
    add('fine_after', cues.fineAfter.test(sentence) || cues.fineAfter.test(after));
    add('reactivated', rest.some((r) => cues.reactivated.test(r)) || cues.reactivated.test(sentence));
    add('new_onset', cues.newOnset.test(sentence));
    add(
      'other_sense',
      [cues.otherSense.get('any'), cues.otherSense.get(sign)].some((r) => r?.test(sentence) ?? false),
    );
    add('long_ago', cues.longAgo.test(sentence));
    add('own_complaint', cues.ownComplaint.test(message));
    add(`patient_${reading.who ?? 'unknown'}`, true);
    add('first_person', cues.writer.modelFeature.test(sentence));
    return { sign, clause: clauseText, sentence: mask(sentence), context: [before, after].filter(Boolean).join(' '), cues: flags };
  };

  /**
   * Rules and learned model together, so that a real report is never silenced by one of them:
   *   rules current, model sure it is not (p(current) below setAsideAlone, or
   *     setAsideAloneCaudaEquina: at most 0.05% of the out-of-fold positives fall there) and the
   *     message does not say it came back: set aside as the model says, weakly, so a cauda
   *     equina sign gets one neutral confirming question, never silence;
   *   a cauda equina sign the rules set aside on a strong cue, model sure it is current
   *     (p(current) >= disagreeCaudaEquina): one neutral confirming question, never silence;
   *   otherwise rules set it aside: the rules' verdict. Letting the model overrule them was measured
   *     (knowledge/nlu/assertion-model.json, `overrule`): on the development sets it took back
   *     no real report and raised false alarms (relatives' history, "same for years"), so it
   *     is not done.
   */
  const judge = (sign: string, text: string, learnedSentence?: number, retold?: string): GateVerdict => {
    const { verdict, input } = describe(sign, text, learnedSentence, retold);
    const learned = options.learned;
    if (!learned) return verdict;
    const ce = caudaEquina.has(sign);
    if (verdict.status !== 'current' && !(ce && verdict.strong)) return verdict;
    const p = learned.model.probabilities(input);
    const pCurrent = p[0]!;
    if (verdict.status !== 'current') {
      // A cauda equina sign the rules set aside on a strong cue while the model is sure it is
      // current: one neutral confirming question, never silence.
      if (pCurrent < learned.thresholds.disagreeCaudaEquina) return verdict;
      return { ...verdict, strong: false, reason: `${verdict.reason}; the learned model disagrees (p(current) ${pCurrent.toFixed(3)})` };
    }
    const bar = ce ? (learned.thresholds.setAsideAloneCaudaEquina ?? 0) : learned.thresholds.setAsideAlone;
    if (pCurrent >= bar || !modelMaySetAside(input)) return verdict;
    const aside = likeliestSetAside(p);
    // Very sure, for a cauda equina sign (0.025% of the out-of-fold positives fall there): an
    // answer about it with safety-netting, not a confirming question, and never silence.
    if (ce && pCurrent < (learned.thresholds.answerAloneCaudaEquina ?? 0))
      return {
        status: 'question',
        strong: true,
        reason: `the learned model, sure: ${aside.status} (p(current) ${pCurrent.toFixed(4)}); answered with safety-netting`,
      };
    const status = aside.status === 'asked' ? 'question' : aside.status;
    return { status, strong: false, reason: `the learned model: ${aside.status} (p(current) ${pCurrent.toFixed(4)})` };
  };

  const describe = (sign: string, text: string, learnedSentence?: number, retold?: string): { verdict: GateVerdict; input: AssertionInput } => {
    startMessage(text);
    const clauses = splitClauses(text, cues);
    if (clauses.length === 0) return { verdict: CURRENT, input: { sign, clause: '', sentence: '', context: '', cues: [] } };
    const message = normaliseForCues(text);
    let reading: GateReading = patient.read(text);
    // "I had cancer myself, but this is about my husband": said outright, whatever else.
    const askedFor = cues.askingFor.exec(message);
    const named = cues.patientNamed.exec(message);
    if (askedFor) reading = { ...reading, who: 'other', explicit: true, rel: relationWord(askedFor[0], cues) };
    // "its mum im asking about", "its my mother in law with the bad back": that one is the patient.
    else if (named)
      reading = {
        ...reading,
        who: 'other',
        explicit: true,
        rel: relationWord(
          named.slice(1).find((g) => g !== undefined)!,
          cues,
        ),
      };
    else if (cues.ownExplicit.test(message)) reading = { ...reading, who: 'self', explicit: true, saidOwn: true };
    else if (reading.who === undefined && cues.ownComplaint.test(message)) reading = { ...reading, who: 'self', explicit: true };
    else if (cues.patientMarked.test(message)) {
      // "my husband has sciatica, he's the one I'm asking about": the last relative named before it.
      const at = message.search(cues.patientMarked);
      cues.relation.lastIndex = 0;
      const named = [...message.slice(0, at).matchAll(cues.relation)].map((m) => m[0]);
      if (named.length > 0) reading = { ...reading, who: 'other', explicit: true, rel: relationWord(named.at(-1)!, cues) };
    } else {
      // Two relatives named, the back trouble said of one of them: that one is the patient.
      // One relative with the back trouble is enough when the reader took an acquaintance for the
      // patient ("our neighbour fell off a roof ... my husband is worried his back pain...").
      const acquainted = reading.rel !== undefined && acquaintanceWord(reading.rel, cues);
      const complained = relationWithComplaint(message, cues, acquainted);
      if (complained && (reading.rel !== complained || acquainted)) reading = { ...reading, who: 'other', rel: complained, byComplaint: true };
    }
    // The patterns found it only denied ("no numbness or tingling in either leg"): negated,
    // whatever the learned model says (its negation is its weak point).
    const where = holding(sign, clauses, learnedSentence, text, retold);
    const input = inputAt(sign, clauses, where[0], reading, message);
    if (isRedFlagId(sign) && deniedByPatterns(sign, explain(text)))
      return { verdict: { status: 'negated', strong: true, reason: 'the patterns found it denied' }, input };
    const places = where.length > 0 ? where : clauses.map((c, i) => ({ clause: i, at: c.text.length }));
    const verdicts = places.map((place) => judgeClause(sign, clauses, place, reading, message));
    // Current if any clause that holds it is (unless it was only found in the whole message).
    if (where.length === 0) {
      const notCurrent = verdicts.filter((v) => v.status !== 'current');
      // Without a place for the sign, only a cue the whole message shares sets it aside.
      return { verdict: notCurrent.length === verdicts.length ? notCurrent[0]! : CURRENT, input };
    }
    const k = verdicts.findIndex((v) => v.status === 'current');
    return { verdict: verdicts[k >= 0 ? k : 0]!, input: k > 0 ? inputAt(sign, clauses, where[k], reading, message) : input };
  };

  /** Does a clause after the one that holds the sign say it is happening (cues.ownedAfter)? */
  const reportedAfterQuestion = (sign: string, text: string, inQuestion = false): boolean => {
    startMessage(text);
    const clauses = splitClauses(text, cues);
    const where = holding(sign, clauses, undefined);
    const first = where[0]?.clause ?? clauses.findIndex((c) => explain(c.text).some((h) => h.id === sign));
    if (first < 0 || (inQuestion && !clauses[first]!.question)) return false;
    return ownedAfterFrom(clauses, first);
  };

  return {
    judge,
    describe,
    apply(detection, text, learnedSentences, retold) {
      const flags = new Set(detection.flags);
      const possible = new Set(detection.possible);
      const questions = new Set(detection.isQuestionAbout);
      // Asked about, then said to be happening ("is it bad if both legs go numb? mine have since
      // this morning"): the detectors heard a question; it holds a report of one's own now, so
      // urgent advice at once (a red flag at any point; a confirming question first was
      // under-triage on the session 8 question sets).
      // So is an unsure sign asked about in a question ("does having HIV make back pain more
      // serious? I've got it").
      for (const sign of detection.isQuestionAbout) if (reportedAfterQuestion(sign, text)) flags.add(sign);
      for (const sign of detection.possible) if (reportedAfterQuestion(sign, text, true)) flags.add(sign);
      for (const sign of [...detection.flags, ...detection.possible]) {
        const verdict = judge(sign, text, learnedSentences?.get(sign), retold);
        if (verdict.status === 'current') continue;
        const ce = caudaEquina.has(sign);
        flags.delete(sign);
        possible.delete(sign);
        if (ce && !verdict.strong) {
          possible.add(sign); // unsure who or whether: one neutral confirming question
          continue;
        }
        const asked = verdict.status === 'hypothetical' || verdict.status === 'question' || (verdict.status === 'other_person' && verdict.strong && ce);
        if (asked) questions.add(sign);
      }
      const keep = <T extends string>(list: readonly T[], set: Set<string>) => list.filter((f) => set.has(f));
      const order = [...detection.flags, ...detection.possible, ...detection.isQuestionAbout];
      const uniq = <T extends string>(list: T[]) => [...new Set(list)];
      const flagList = uniq(keep(order, flags));
      const possibleList = uniq(keep(order, possible)).filter((f) => !flags.has(f));
      return {
        ...detection,
        flags: flagList,
        possible: possibleList,
        isQuestionAbout: uniq(keep(order, questions)).filter((f) => !flags.has(f) && !possible.has(f)),
      };
    },
  };
}
