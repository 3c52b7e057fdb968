// Who the conversation is about: the person typing, or someone they ask for ("my wife has...",
// "my dad's legs...", "no, not me, my wife"). The words are data (knowledge/nlu/patient.yaml);
// this reads one message and says what it tells about the patient, so that questions, advice,
// age and warning signs fit the right person.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { escapeRegExp } from '../text/regex.js';

export type Pronoun = 'she' | 'he' | 'they';

/** Kept in conversation state: small on purpose. */
export interface PatientRef {
  who: 'self' | 'other';
  /** The relation word ("wife"), when the person named one. */
  rel?: string;
  pronoun?: Pronoun;
}

export interface PatientReading {
  /** What this message says about who the patient is, if anything. */
  who?: 'self' | 'other';
  rel?: string;
  pronoun?: Pronoun;
  /** The age of someone else the message names ("my 78 year old mum", "she's 78"). */
  otherAge?: number;
  /** Only a pronoun ("she can't feel...") says it is someone else: weaker than a named relation. */
  byPronoun?: true;
  /** The message hedges ("I think", "maybe", "not sure"). */
  hedged?: true;
  /** Said outright ("not me, my wife", "I'm asking for my dad", "it's my mum"), not just implied. */
  explicit?: true;
}

const words = z.array(z.string().min(1)).min(1);
const patientFileSchema = z.strictObject({
  relations: z.record(z.string().min(1), z.strictObject({ name: z.string().min(1), pronoun: z.enum(['she', 'he', 'they']) })),
  unnamed: z.string().min(1),
  subject_verbs: words,
  body: words,
  other_phrases: words,
  self_phrases: words,
  first_person_complaint: words,
  hedges: words,
  pain_places: words,
  pain_words: words,
  first_person: z.strictObject({
    relation: z.array(z.tuple([z.string().min(1), z.string()])),
    she: z.array(z.tuple([z.string().min(1), z.string()])),
    he: z.array(z.tuple([z.string().min(1), z.string()])),
    they: z.array(z.tuple([z.string().min(1), z.string()])),
  }),
  // Grammar: the small words a message's shape is read with (see the file's last section).
  owners: words,
  denied_owner: words,
  describers: words,
  age: z.strictObject({ years_old: z.string().min(1), after_age: z.string().min(1), own_after_age: z.string().min(1), number_word: z.string().min(1) }),
  age_of: words,
  they_are: words,
  i_am: words,
  asking_for: words,
  just_relation_openers: words,
  just_relation_after: words,
  third_person: z.strictObject({
    subjects: words,
    verbs: words,
    possessives: words,
    body: words,
    pronoun_of: z.record(z.string().min(1), z.enum(['she', 'he', 'they'])),
  }),
  someone: words,
  first_person_clause: words,
  writer_words: words,
  about_writer: words,
  clause_breaks: words,
  possessive: z.strictObject({ she: z.string().min(1), he: z.string().min(1), they: z.string().min(1) }),
});
export type PatientWords = z.infer<typeof patientFileSchema>;

export const PATIENT_FILE = join('knowledge', 'nlu', 'patient.yaml');

export function loadPatientWords(root = '.'): PatientWords {
  return loadPatientWordsFile(join(root, PATIENT_FILE));
}

/** The same file at another path (a language pack's copy: src/locale/packFiles.ts). */
export function loadPatientWordsFile(path: string): PatientWords {
  const parsed = patientFileSchema.safeParse(parseYaml(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${path}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

function normalise(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/[’'`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()} `;
}

const alternation = (list: readonly string[]) =>
  list
    .map((w) => escapeRegExp(normalise(w).trim()))
    .sort((a, b) => b.length - a.length)
    .join('|');
/** An age in years, captured (AGE) or not (AGE_ANY). */
const AGE = '(1[01][0-9]|120|[1-9][0-9]?)';
const AGE_ANY = '(?:1[01][0-9]|120|[1-9][0-9]?)';

export interface PatientReader {
  /** The possessive word for the patient's pronoun ("her"), for wording about them. */
  possessiveOf(pronoun: Pronoun): string;
  /** What one message says about who the patient is. */
  read(text: string): PatientReading;
  /** The message describes back or leg pain (the writer's or the patient's). */
  describesPain(text: string): boolean;
  /**
   * The text of an age answer with the writer's own age taken out when they ask for someone
   * else ("I'm 40, she's 78" -> "she's 78"; "I'm 40" -> "").
   */
  ageAnswerFor(text: string, who: 'self' | 'other' | undefined): string;
  /**
   * The text of a duration answer about someone else without the writer's own ("she's had it
   * 3 weeks, I've had mine for years" -> "she's had it 3 weeks"); unchanged if nothing is left.
   */
  durationAnswerFor(text: string, who: 'self' | 'other' | undefined): string;
  /** The text gives the writer's own age ("I'm 40"). */
  saysOwnAge(text: string): boolean;
  /** How the bot names the patient: "your wife", or "the person you're asking for". */
  nameOf(patient: PatientRef | undefined): string;
  /**
   * A report about someone else retold as the writer's own, so the red-flag detector (which
   * drops other people's symptoms as family history) reads the patient's signs.
   */
  toFirstPerson(text: string, patient: PatientRef): string;
}

export function createPatientReader(data: PatientWords): PatientReader {
  const rel = alternation(Object.keys(data.relations));
  /** A list of whole words or regular-expression fragments, as written, in order. */
  const raw = (list: readonly string[]) => list.join('|');
  const owners = raw(data.owners);
  const yearsOld = data.age.years_old;
  const relMention = new RegExp(
    `(?<!(?:${raw(data.denied_owner)}) )(?:${owners}) (?:${AGE_ANY} ?${yearsOld} |(?:${raw(data.describers)}) )?(${rel})(s)?(?= )`,
    'g',
  );
  const subjectVerb = new RegExp(`^ (?:(?:${alternation(data.subject_verbs)})|(?:s )?(?:${alternation(data.body)})|(?:has|have|is) been) `);
  const possessiveBody = new RegExp(`^ (?:${alternation(data.body)}) `);
  const otherPhrase = new RegExp(` (?:${alternation(data.other_phrases)}) `);
  const selfPhrase = new RegExp(` (?:${alternation(data.self_phrases)}) `);
  const askingFor = new RegExp(` (?:${raw(data.asking_for)}) (?:${owners}) (?:${AGE_ANY} ?${yearsOld} )?(${rel})s? `);
  const justRelation = new RegExp(`^ (?:(?:${raw(data.just_relation_openers)}) )*(?:${owners}) (${rel}) (?:(?:${raw(data.just_relation_after)}) )?$`);
  const firstPerson = new RegExp(` (?:${alternation(data.first_person_complaint)}) `);
  const third = data.third_person;
  const thirdPerson = new RegExp(` (${raw(third.subjects)}) (?:${raw(third.verbs)}) | (${raw(third.possessives)}) (?:${raw(third.body)}) `);
  const relAge = new RegExp(
    `(?:${owners}) ${AGE} ?${yearsOld} (?:${rel})| (?:${rel})s? (?:${raw(data.age_of)}) ${AGE}(?: |$)| (?:${raw(data.they_are)}) ${AGE}${data.age.after_age} `,
  );
  const ownAge = new RegExp(` (?:${raw(data.i_am)}) (?:${AGE_ANY}|${data.age.number_word})${data.age.own_after_age}(?= )`, 'g');
  const painPlace = new RegExp(` (?:${alternation(data.pain_places)}) `);
  const painWord = new RegExp(` (?:${alternation(data.pain_words)}) `);
  const someone = new RegExp(` (?:${raw(data.someone)}) `);
  const firstPersonClause = new RegExp(` (?:${raw(data.first_person_clause)}) `);
  const writerWords = new RegExp(` (?:${raw(data.writer_words)}) `);
  const aboutWriterWords = new RegExp(` (?:${raw(data.about_writer)}) `);
  const clauseBreak = new RegExp(`[,.;!?]+|\\b(?:${raw(data.clause_breaks)})\\b`, 'i');
  const hedge = new RegExp(` (?:${alternation(data.hedges)}) `);

  const read = (text: string): PatientReading => {
    const t = normalise(text);
    const reading: PatientReading = hedge.test(t) ? { hedged: true } : {};
    const mentions = [...t.matchAll(relMention)].map((m) => ({ rel: m[1]!, end: m.index! + m[0].length, possessive: Boolean(m[2]) }));
    const named = (relation: string | undefined): Pick<PatientReading, 'rel' | 'pronoun'> => {
      if (!relation) return {};
      const entry = data.relations[relation];
      return entry ? { rel: relation, pronoun: entry.pronoun } : {};
    };
    const ageMatch = relAge.exec(t);
    const age = ageMatch ? Number(ageMatch.slice(1).find((g) => g !== undefined)) : undefined;
    if (age !== undefined) reading.otherAge = age;

    if (selfPhrase.test(t) && !otherPhrase.test(t)) return { ...(reading.hedged ? { hedged: true as const } : {}), who: 'self' };
    const asked = askingFor.exec(t) ?? justRelation.exec(t);
    if (asked) return { ...reading, who: 'other', explicit: true, ...named(asked[1]) };
    const ownComplaint = firstPerson.test(t);
    // "My husband has osteoporosis, not me. How do I stop my back pain?" is about the writer.
    if (otherPhrase.test(t) && !ownComplaint) return { ...reading, who: 'other', explicit: true, ...named(mentions[0]?.rel) };
    // Words about the writer besides the "my" of "my dad": then a relative is family history,
    // unless the message goes on about their body ("now his back hurts").
    const withoutRelations = t.replace(relMention, ' ');
    const writerToo = writerWords.test(withoutRelations);
    // "... is mine serious?", "my own back": the writer asks about themselves.
    const aboutWriter = aboutWriterWords.test(t);
    const theirBody = thirdPerson.test(t) && !aboutWriter;
    const subject = mentions.find((m) => {
      const after = t.slice(m.end);
      return m.possessive ? possessiveBody.test(after) || subjectVerb.test(after) : subjectVerb.test(after);
    });
    if (subject && !ownComplaint && (!writerToo || theirBody)) return { ...reading, who: 'other', ...named(subject.rel) };
    const pronoun = thirdPerson.exec(t);
    if (pronoun && !ownComplaint && !aboutWriter && (mentions.length > 0 || !writerToo)) {
      const word = (pronoun[1] ?? pronoun[2])!;
      const fromPronoun: Pronoun = third.pronoun_of[word] ?? 'they';
      const relation = mentions[0]?.rel;
      return { ...reading, who: 'other', ...(relation ? named(relation) : { pronoun: fromPronoun, byPronoun: true as const }) };
    }
    return reading;
  };

  return {
    read,
    possessiveOf: (pronoun) => data.possessive[pronoun],
    describesPain(text) {
      const t = normalise(text);
      return painPlace.test(t) && painWord.test(t) && someone.test(t);
    },
    durationAnswerFor(text, who) {
      if (who !== 'other') return text;
      const clauses = text
        .split(clauseBreak)
        .map((c) => c.trim())
        .filter(Boolean);
      const theirs = clauses.filter((clause) => !firstPersonClause.test(normalise(clause)));
      return theirs.length > 0 && theirs.length < clauses.length ? theirs.join(', ') : text;
    },
    saysOwnAge(text) {
      ownAge.lastIndex = 0;
      return ownAge.test(normalise(text));
    },
    ageAnswerFor(text, who) {
      if (who !== 'other') return text;
      const t = normalise(text);
      const theirs = relAge.exec(t);
      if (theirs) return String(theirs.slice(1).find((g) => g !== undefined));
      return t.replace(ownAge, ' ').trim();
    },
    toFirstPerson(text, patient) {
      // Punctuation stays: "numb down below?" must stay a question for the detector.
      let t = ` ${text.toLowerCase().replace(/[’'`]/g, '')} `;
      const apply = (pairs: [string, string][], rel?: string) => {
        for (const [from, to] of pairs) {
          const source = rel === undefined ? from : from.replaceAll('{rel}', rel);
          t = t.replace(new RegExp(`(?<![a-z0-9])(?:${source})(?![a-z0-9])`, 'g'), to);
        }
      };
      if (patient.rel) apply(data.first_person.relation, escapeRegExp(patient.rel));
      apply(data.first_person[patient.pronoun ?? 'they']);
      return t.trim();
    },
    nameOf(patient) {
      if (!patient || patient.who === 'self') return 'you';
      return (patient.rel && data.relations[patient.rel]?.name) || data.unnamed;
    },
  };
}

/** Placeholders for wording about someone else: {patient}, {patient_cap}, {their}. */
export function patientPlaceholders(reader: PatientReader, patient: PatientRef | undefined): Record<string, string> {
  const name = reader.nameOf(patient);
  return { patient: name, patient_cap: name.charAt(0).toUpperCase() + name.slice(1), their: reader.possessiveOf(patient?.pronoun ?? 'they') };
}
