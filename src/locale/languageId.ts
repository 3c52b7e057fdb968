// Is a message written in another language than English, and which? Only to answer, in that
// language, that Backline speaks English for now (knowledge/locales/other-languages.yaml).
// A misfire on English (typos, slang, non-native English: "I not understand, please more simple")
// would be worse than a miss, so a Latin-script language needs its own words in the message, more
// of them than English words, and franc (n-gram identification) only chooses between languages
// whose words were found. Measured on the English dev sets and a foreign set in
// tests/unit/languageId.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { franc } from 'franc-min';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { LOCALES_DIR, OTHER_LANGUAGES_FILE } from './packs.js';

/** Scripts a message can be recognised by (Unicode script names, as in \p{Script=...}). */
const SCRIPTS = ['Arabic', 'Cyrillic', 'Han', 'Hebrew', 'Greek', 'Devanagari', 'Hangul', 'Hiragana', 'Katakana', 'Thai'] as const;

const languageSchema = z.strictObject({
  name: z.string().min(1),
  /** ISO 639-3 code franc gives (Latin-script languages). */
  franc: z
    .string()
    .regex(/^[a-z]{3}$/)
    .optional(),
  /** Words of the language that are not English words. */
  words: z.array(z.string().min(1)).optional(),
  /** Said alone, these are enough ("hola", "bom dia"). */
  greetings: z.array(z.string().min(1)).optional(),
  /** Words of the language for the topic (pain, back, leg): a mixed message naming it is answered in English. */
  topic_words: z.array(z.string().min(1)).optional(),
  script: z.enum(SCRIPTS).optional(),
  reply: z.string().min(1),
  /**
   * Crisis help in this language (a crisis said in it: knowledge/crisis.<code>.yaml), with the
   * same placeholders as the English (messages.en.yaml crisis.*). Moves into the language's pack.
   */
  crisis: z
    .strictObject({
      suicide: z.string().min(1),
      self_harm: z.string().min(1),
      overdose: z.string().min(1),
      repeat: z.string().min(1),
      offer: z.string().min(1),
    })
    .optional(),
});

export type CrisisWords = NonNullable<z.infer<typeof languageSchema>['crisis']>;

const fileSchema = z.strictObject({
  english: z.string().min(1),
  english_words: z.array(z.string().min(1)).min(1),
  languages: z.record(z.string().regex(/^[a-z]{2,3}$/), languageSchema),
});

export type OtherLanguagesFile = z.infer<typeof fileSchema>;

export interface OtherLanguages {
  /** The English line said with every reply ("Sorry, I can only chat in English for now..."). */
  english: string;
  identify(text: string): LanguageGuess | undefined;
  /**
   * A message that mixes a language with English ("hola, me duele la espalda when I lift the
   * pierna"), which identify() leaves as English: the language, and whether its words name the topic.
   */
  mixedIn(text: string): { language: string; topic: boolean } | undefined;
  replyIn(language: string): string | undefined;
  /** Crisis help in the language, when the file has it. */
  crisisIn(language: string): CrisisWords | undefined;
}

export interface LanguageGuess {
  /** ISO 639-1 code of the language ("es"). */
  language: string;
  /** How it was recognised. */
  by: 'words' | 'greeting' | 'script';
}

/** Words as people type them: lower case, accents kept, typographic apostrophes made plain. */
export function wordsOf(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/[’‘`]/g, "'")
      .replace(/https?:\/\/\S+|\S+@\S+/g, ' ')
      .match(/\p{L}+(?:'\p{L}+)*/gu) ?? []
  );
}

/** Two different words of the language at least, and more of them than English words (a repeated
 * "mi" in Jamaican patois is one word, not three). */
const MIN_WORDS = 2;
/** Share of letters in one script for a message to be in it. */
const MIN_SCRIPT_SHARE = 0.5;
/** Greetings count alone in messages this short (in words). */
const GREETING_MAX_WORDS = 3;

export function createLanguageIdentifier(data: OtherLanguagesFile): OtherLanguages {
  const english = new Set(data.english_words.map((w) => w.toLowerCase()));
  const latin = Object.entries(data.languages).filter(([, l]) => l.words && l.franc);
  const wordSets = new Map(latin.map(([code, l]) => [code, new Set(l.words!.map((w) => w.toLowerCase()))]));
  const greetings = new Map(Object.entries(data.languages).map(([code, l]) => [code, new Set((l.greetings ?? []).map((g) => wordsOf(g).join(' ')))]));
  const byScript = new Map(
    Object.entries(data.languages)
      .filter(([, l]) => l.script)
      .map(([code, l]) => [l.script!, code]),
  );
  const scriptPatterns = SCRIPTS.map((script) => ({ script, pattern: new RegExp(`\\p{Script=${script}}`, 'gu') }));

  function byLetters(text: string): LanguageGuess | undefined {
    const letters = (text.match(/\p{L}/gu) ?? []).length;
    if (letters === 0) return undefined;
    for (const { script, pattern } of scriptPatterns) {
      const count = (text.match(pattern) ?? []).length;
      if (count / letters >= MIN_SCRIPT_SHARE) {
        const language = byScript.get(script) ?? (script === 'Hiragana' || script === 'Katakana' ? byScript.get('Han') : undefined);
        // A script we have no reply for still gets the English line (language "und").
        return { language: language ?? 'und', by: 'script' };
      }
    }
    return undefined;
  }

  function identify(text: string): LanguageGuess | undefined {
    const scripted = byLetters(text);
    if (scripted) return scripted;
    const words = wordsOf(text);
    if (words.length === 0) return undefined;
    const englishCount = words.filter((w) => english.has(w)).length;
    if (words.length <= GREETING_MAX_WORDS && englishCount === 0) {
      const said = words.join(' ');
      for (const [code, set] of greetings) {
        if ([...set].some((g) => said === g || said.startsWith(`${g} `) || said.endsWith(` ${g}`))) return { language: code, by: 'greeting' };
      }
    }
    const hits = new Map<string, number>();
    for (const [code, set] of wordSets) hits.set(code, new Set(words.filter((w) => set.has(w))).size);
    const candidates = [...hits].filter(([, n]) => n >= MIN_WORDS && n > englishCount);
    if (candidates.length === 0) return undefined;
    if (candidates.length === 1) return { language: candidates[0]![0], by: 'words' };
    // Several languages share words ("que", "con", "de"): franc decides among them, else the most words.
    const codeOf = new Map(latin.map(([code, l]) => [l.franc!, code]));
    const guess = franc(text, { only: candidates.map(([code]) => data.languages[code]!.franc!), minLength: 1 });
    const chosen = codeOf.get(guess) ?? [...candidates].sort((a, b) => b[1] - a[1])[0]![0];
    return { language: chosen, by: 'words' };
  }

  const topicSets = new Map(latin.map(([code, l]) => [code, new Set((l.topic_words ?? []).map((w) => w.toLowerCase()))]));

  function mixedIn(text: string): { language: string; topic: boolean } | undefined {
    if (identify(text)) return undefined;
    const words = wordsOf(text);
    if (!words.some((w) => english.has(w))) return undefined;
    let best: { language: string; count: number } | undefined;
    for (const [code, set] of wordSets) {
      const count = new Set(words.filter((w) => set.has(w))).size;
      if (count >= MIN_WORDS && (!best || count > best.count)) best = { language: code, count };
    }
    if (!best) return undefined;
    const topic = topicSets.get(best.language);
    return { language: best.language, topic: words.some((w) => topic?.has(w)) };
  }

  return {
    english: data.english,
    identify,
    mixedIn,
    replyIn: (language) => data.languages[language]?.reply,
    crisisIn: (language) => data.languages[language]?.crisis,
  };
}

export function loadOtherLanguages(root: string): OtherLanguages {
  const file = join(root, LOCALES_DIR, OTHER_LANGUAGES_FILE);
  const parsed = fileSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const data = parsed.data;
  // A word of another language that is also an English word would make English look foreign.
  const english = new Set(data.english_words.map((w) => w.toLowerCase()));
  for (const [code, language] of Object.entries(data.languages)) {
    const shared = (language.words ?? []).filter((w) => english.has(w.toLowerCase()));
    if (shared.length > 0) throw new Error(`${file}: languages.${code}.words has English words: ${shared.join(', ')}`);
    if (language.words && !language.franc) throw new Error(`${file}: languages.${code} has words but no franc code`);
  }
  return createLanguageIdentifier(data);
}

/** The whole reply: the language's own line (when we have it), then the English one. */
export function otherLanguageReply(languages: OtherLanguages, guess: LanguageGuess): string {
  const own = languages.replyIn(guess.language);
  return own ? `${own}\n\n${languages.english}` : languages.english;
}
