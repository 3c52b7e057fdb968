// Language identification for the "I speak English" reply (src/locale/languageId.ts), measured:
// every English dev-set text must stay English (a misfire answers a patient in the wrong
// language), and the foreign set of tests/locale/other-languages.yaml must be recognised.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadOtherLanguages, otherLanguageReply, wordsOf } from '../../src/locale/languageId.js';

const languages = loadOtherLanguages('.');

function devTexts(): string[] {
  const files = readdirSync('tests').filter((f) => /^nlu-(dev|heldout).*\.yaml$/.test(f));
  expect(files.length).toBeGreaterThanOrEqual(6);
  return files.flatMap((f) =>
    (parse(readFileSync(`tests/${f}`, 'utf8')) as { text?: string }[]).map((item) => item?.text).filter((t): t is string => typeof t === 'string'),
  );
}

describe('English stays English', () => {
  it('no text of the English dev and held-out sets is called another language', () => {
    const texts = devTexts();
    expect(texts.length).toBeGreaterThan(2000);
    const misfires = texts.map((text) => ({ text, guess: languages.identify(text) })).filter((m) => m.guess);
    expect(misfires).toEqual([]);
  });

  it.each([
    'I not understand, please more simple',
    'my back is kaput',
    'Hola! my back hurts when I lift my leg',
    'gracias for the help',
    'merci, bye',
    'mi back is paining since 2 days',
    'de nada',
    'ciao',
    'ok',
    'pls',
    'numb down there, wtf',
    'Me leg is killing me innit',
    'dey pain me for back when i raise leg',
    'name@example.com',
    'https://www.nhs.uk/conditions/sciatica/',
    '38',
    '',
  ])('%j is not another language', (text) => {
    expect(languages.identify(text)).toBeUndefined();
  });
});

describe('other languages are recognised', () => {
  const foreign = parse(readFileSync('tests/locale/other-languages.yaml', 'utf8')) as { language: string; text: string }[];

  it('every message of the foreign set, in its language', () => {
    expect(foreign.length).toBeGreaterThanOrEqual(45);
    const wrong = foreign.map((item) => ({ ...item, got: languages.identify(item.text)?.language })).filter((item) => item.got !== item.language);
    expect(wrong).toEqual([]);
  });

  it('the reply is in the language, with the emergency number placeholder, then in English', () => {
    const reply = otherLanguageReply(languages, languages.identify('Hola, me duele la espalda cuando levanto la pierna')!);
    expect(reply).toMatch(/^Lo siento, por ahora Backline solo habla inglés\. Si es una emergencia, llame al \{emergency_number\}\./);
    expect(reply).toMatch(/I can only chat in English for now\. In an emergency, call \{emergency_number\}\.$/);
    // A script we have no reply for: the English line alone.
    expect(otherLanguageReply(languages, languages.identify('안녕하세요, 허리가 아파요')!)).toBe(languages.english);
  });

  it('words are read with accents and apostrophes as typed', () => {
    expect(wordsOf("J’ai mal au DOS, c'est grave?")).toEqual(["j'ai", 'mal', 'au', 'dos', "c'est", 'grave']);
  });
});

describe('the data is checked', () => {
  it('the loader refuses a language word that is also an English word', () => {
    const root = mkdtempSync(join(tmpdir(), 'backline-languages-'));
    try {
      mkdirSync(join(root, 'knowledge', 'locales'), { recursive: true });
      const file = join(root, 'knowledge', 'locales', 'other-languages.yaml');
      const good = 'english: "x"\nenglish_words: [me, no]\nlanguages:\n  es: { name: Spanish, franc: spa, words: [duele, espalda], reply: "y" }\n';
      writeFileSync(file, good);
      expect(loadOtherLanguages(root).identify('me duele la espalda')?.language).toBe('es');
      writeFileSync(file, good.replace('words: [duele, espalda]', 'words: [me, duele, espalda]'));
      expect(() => loadOtherLanguages(root)).toThrow(/languages\.es\.words has English words: me/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
