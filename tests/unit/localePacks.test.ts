// Language packs (knowledge/locales/): the source pack is the content files, other packs override
// numbers, terms and texts by key; `backline check` fails on anything a pack gets wrong.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { inspectContent, loadContent, type LoadedContent } from '../../src/content.js';
import type { EngineContent } from '../../src/engine/runtime.js';
import { chooseLocale, sourceTexts } from '../../src/locale/packs.js';
import { loadHelpLines, resolveHelpNumbers } from '../../src/locale/numbers.js';
import { localWordPattern } from '../../src/locale/localWords.js';

let content: LoadedContent;
beforeAll(() => {
  content = loadContent('.', undefined, { cacheDir: 'data/test-nlu-cache' });
});

/** Every text the bot can say from the keyed content (articles too), in one pack's words. */
function allTexts(engine: EngineContent): string[] {
  const texts = [
    ...sourceTexts({
      messages: engine.messages,
      dialogs: engine.dialogs,
      triageRules: engine.triageRules,
      articles: engine.articles,
      redFlagLabels: new Map(),
      redFlagLabelsOther: new Map(),
      confirmQuestions: new Map(),
    }).values(),
  ].flat();
  for (const article of engine.articles.articles.values()) texts.push(...article.sections.flatMap((s) => s.messages));
  return texts;
}

/** UK services and numbers that must never reach a US reply. */
const UK_TERMS = /A&E|\bGP\b|\bNHS\b|\b999\b|\b111\b|Samaritans|116 123|(doctor's|GP) surgery/;
/** UK spellings and words, checked in the keyed texts (the articles are not keyed yet). */
const UK_WORDS = /\bcentre\b|\bA&E\b/;

describe('the packs', () => {
  it('en-US is the default and the source; en-GB inherits it', () => {
    expect(content.locales.defaultLocale).toBe('en-US');
    expect([...content.locales.engines.keys()].sort()).toEqual(['en-GB', 'en-US']);
    expect(content.engine.locale).toBe('en-US');
  });

  it('en-US says 911, 988 and the emergency room, and no UK term anywhere (messages, dialogs, triage, articles)', () => {
    const us = content.locales.engineFor('en-US');
    expect([us.emergencyNumber, us.crisisLine, us.poisonLine]).toEqual(['911', '988', '1-800-222-1222']);
    const offending = allTexts(us).filter((t) => UK_TERMS.test(t.replace(/https?:\/\/\S+/g, '')));
    expect(offending).toEqual([]);
    const keyed = [...sourceTexts({ ...us, redFlagLabels: new Map(), redFlagLabelsOther: new Map(), confirmQuestions: new Map() }).values()].flat();
    expect(keyed.filter((t) => UK_WORDS.test(t))).toEqual([]);
    expect(us.triageRules.outcomes.emergency.title).toBe('Go to the emergency room (ER) now');
    expect(us.triageRules.outcomes.consultation_24.advice).toMatch(/your doctor's office; if you can't get an appointment today, go to an urgent care center/);
  });

  it('en-GB says 999, Samaritans on 116 123, NHS 111, A&E and GP, and no US term', () => {
    const gb = content.locales.engineFor('en-GB');
    expect([gb.emergencyNumber, gb.crisisLine, gb.poisonLine]).toEqual(['999', '116 123', '111']);
    expect(gb.triageRules.outcomes.emergency.title).toBe('Go to A&E now');
    expect(gb.triageRules.outcomes.consultation_24.title).toBe('See a GP today');
    expect(gb.triageRules.outcomes.consultation_24.advice).toMatch(/your GP surgery; .*call NHS 111/);
    expect(gb.messages.crisis.suicide).toMatch(/Samaritans on \{crisis_line\}/);
    expect(gb.messages.safety_net.card).toMatch(/go to A&E now/);
    const us = /\b911\b|\b988\b|\bER\b|emergency room|urgent care center|doctor's office|call or text/;
    expect(allTexts(gb).filter((t) => us.test(t))).toEqual([]);
  });

  it('no text of any pack keeps a term placeholder', () => {
    for (const engine of content.locales.engines.values()) {
      const left = allTexts(engine).filter((t) => /\{(emergency_department|doctor|doctors_office|urgent_care)\}/.test(t));
      expect(left, engine.locale).toEqual([]);
    }
  });

  it('lists the keys en-GB overrides', () => {
    expect(content.locales.overrides.get('en-US')).toEqual([]);
    expect(content.locales.overrides.get('en-GB')).toEqual([
      'messages.crisis.overdose',
      'messages.crisis.repeat',
      'messages.crisis.self_harm',
      'messages.crisis.suicide',
      'messages.reprompt.contact',
      'messages.triage.urgent_reminder_cost',
    ]);
  });

  it('keys every dialog text by tree, node and field, and every option by its target', () => {
    const keys = [
      ...sourceTexts({ ...content.engine, redFlagLabels: new Map([['fever', 'a fever']]), redFlagLabelsOther: new Map(), confirmQuestions: new Map() }).keys(),
    ];
    expect(keys).toContain('dialogs.red_flags.q_saddle.text');
    expect(keys).toContain('dialogs.red_flags.q_saddle.text_other');
    expect(keys).toContain('dialogs.main.title');
    expect(keys).toContain('messages.crisis.suicide');
    expect(keys).toContain('messages.commands.menu');
    expect(keys).toContain('triage.rules.injury.reason');
    expect(keys).toContain('triage.outcomes.emergency.advice');
    expect(keys).toContain('red_flags.fever.label');
    expect(keys.some((k) => /^dialogs\.education\.[a-z_]+\.options\.see_doctor\.label$/.test(k))).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('words that differ by country are terms, in the questions too', () => {
  it('the confirming questions and checklist items use the pack words (poop / poo, prednisone / prednisolone)', () => {
    const us = content.locales.engineFor('en-US');
    const gb = content.locales.engineFor('en-GB');
    expect(us.confirmQuestion('bowel_dysfunction')).toMatch(/when you need to poop\?/);
    expect(gb.confirmQuestion('bowel_dysfunction')).toMatch(/when you need to poo\?/);
    expect(us.confirmQuestion('osteoporosis_risk')).toMatch(/such as prednisone/);
    expect(gb.confirmQuestion('osteoporosis_risk')).toMatch(/such as prednisolone/);
    const item = (e: typeof us) => {
      const node = e.dialogs.trees.get('red_flags')!.nodes.q_risk_signs as { items: { evidence: string; text_other?: string }[] };
      return node.items.find((i) => i.evidence === 'osteoporosis_risk')!.text_other;
    };
    expect(item(us)).toMatch(/such as prednisone for/);
    expect(item(gb)).toMatch(/such as prednisolone for/);
    expect(us.messages.check.advice_stands).toMatch(/go to the emergency room \(ER\) straight away/);
    expect(gb.messages.check.advice_stands).toMatch(/go to A&E straight away/);
    expect(us.messages.direct.cant_tell).toMatch(/physical therapist/);
  });

  it('checklist texts have keys: items by evidence id, and the simpler and "none" wordings', () => {
    const keys = [...sourceTexts({ ...content.engine, redFlagLabels: new Map(), redFlagLabelsOther: new Map(), confirmQuestions: new Map() }).keys()];
    for (const key of [
      'dialogs.red_flags.q_risk_signs.items.osteoporosis_risk.label',
      'dialogs.red_flags.q_risk_signs.items.osteoporosis_risk.text_other',
      'dialogs.red_flags.q_risk_signs.items.osteoporosis_risk.synonyms',
      'dialogs.red_flags.q_risk_signs.none_label',
      'dialogs.red_flags.q_risk_signs.more_text',
      'dialogs.red_flags.q_bowel.simple',
      'dialogs.red_flags.q_bowel.simple_other',
    ])
      expect(keys).toContain(key);
  });

  it('a local word matches as a word: ER not in "order", poo not in "poop", A&E and 999 as written', () => {
    expect(localWordPattern('ER').test('the emergency room (ER) now')).toBe(true);
    expect(localWordPattern('ER').test('in order to')).toBe(false);
    expect(localWordPattern('poo').test('when you need to poop')).toBe(false);
    expect(localWordPattern('poo').test('Poo or pee')).toBe(true);
    expect(localWordPattern('A&E').test('go to A&E.')).toBe(true);
    expect(localWordPattern('999').test('call 9999')).toBe(false);
  });
});

describe('choosing a pack for an activity', () => {
  const packs = ['en-US', 'en-GB', 'es'];
  it('takes the exact locale in any case or separator, then the language alone, then the default', () => {
    expect(chooseLocale(packs, 'en-GB', 'en-US')).toBe('en-GB');
    expect(chooseLocale(packs, 'en-gb', 'en-US')).toBe('en-GB');
    expect(chooseLocale(packs, 'en_GB', 'en-US')).toBe('en-GB');
    expect(chooseLocale(packs, 'es-MX', 'en-US')).toBe('es');
    expect(chooseLocale(packs, 'en-AU', 'en-GB')).toBe('en-GB');
    expect(chooseLocale(packs, 'fr-FR', 'en-US')).toBe('en-US');
    expect(chooseLocale(packs, undefined, 'en-GB')).toBe('en-GB');
    expect(chooseLocale(packs, '', 'en-US')).toBe('en-US');
  });

  it('engineFor falls back to the default pack', () => {
    expect(content.locales.engineFor('de-DE').locale).toBe('en-US');
    expect(content.locales.engineFor('EN-GB').emergencyNumber).toBe('999');
  });
});

describe('numbers: the environment wins in every pack, with the lines that go with it', () => {
  it('EMERGENCY_NUMBER alone brings its crisis and poison lines', () => {
    const gb = { emergency_number: '999', crisis_line: '116 123', poison_line: '111' };
    const lines = loadHelpLines('.');
    expect(resolveHelpNumbers(gb, {}, lines)).toEqual(gb);
    expect(resolveHelpNumbers(gb, { emergencyNumber: '911' }, lines)).toEqual({ emergency_number: '911', crisis_line: '988', poison_line: '1-800-222-1222' });
    expect(resolveHelpNumbers(gb, { emergencyNumber: '112' }, lines)).toEqual({ emergency_number: '112', crisis_line: '116 123', poison_line: '112' });
    // A number we know nothing about: the emergency number itself, never a foreign line.
    expect(resolveHelpNumbers(gb, { emergencyNumber: '123' }, lines)).toEqual({ emergency_number: '123', crisis_line: '123', poison_line: '123' });
    expect(resolveHelpNumbers(gb, { emergencyNumber: '911', crisisLine: '555' }, lines)).toEqual({
      emergency_number: '911',
      crisis_line: '555',
      poison_line: '1-800-222-1222',
    });
  });

  it('loadContent with EMERGENCY_NUMBER=112 says 112 in every pack', () => {
    const eu = loadContent('.', '112', { cacheDir: 'data/test-nlu-cache' });
    for (const engine of eu.locales.engines.values()) expect([engine.emergencyNumber, engine.crisisLine, engine.poisonLine]).toEqual(['112', '116 123', '112']);
  });

  it('config: LOCALE picks the pack and its numbers; the environment wins; a LOCALE without a pack is refused', () => {
    const base = { NODE_ENV: 'test', STORAGE: 'memory' };
    const us = loadConfig(base);
    expect([us.LOCALE, us.EMERGENCY_NUMBER, us.CRISIS_LINE, us.POISON_LINE]).toEqual(['en-US', '911', '988', '1-800-222-1222']);
    expect(us.helpNumberOverrides).toEqual({ emergencyNumber: undefined, crisisLine: undefined, poisonLine: undefined });
    const gb = loadConfig({ ...base, LOCALE: 'en-GB' });
    expect([gb.EMERGENCY_NUMBER, gb.CRISIS_LINE, gb.POISON_LINE]).toEqual(['999', '116 123', '111']);
    const pinned = loadConfig({ ...base, LOCALE: 'en-GB', EMERGENCY_NUMBER: '112' });
    expect([pinned.EMERGENCY_NUMBER, pinned.CRISIS_LINE]).toEqual(['112', '116 123']);
    expect(pinned.helpNumberOverrides.emergencyNumber).toBe('112');
    expect(() => loadConfig({ ...base, LOCALE: 'fr-FR' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, LOCALE: 'english' })).toThrow(/LOCALE/);
  });
});

describe('the words follow the emergency number (knowledge/locales/help-lines.yaml)', () => {
  const base = { NODE_ENV: 'test', STORAGE: 'memory' };
  const picked = (env: Record<string, string>) => {
    const c = loadConfig({ ...base, ...env });
    return [c.LOCALE, c.EMERGENCY_NUMBER, c.CRISIS_LINE, c.POISON_LINE, c.localeWarnings.length];
  };

  it('LOCALE unset: 999 gives en-GB words, 911 en-US, both without a warning', () => {
    expect(picked({ EMERGENCY_NUMBER: '999' })).toEqual(['en-GB', '999', '116 123', '111', 0]);
    expect(picked({ EMERGENCY_NUMBER: '911' })).toEqual(['en-US', '911', '988', '1-800-222-1222', 0]);
    expect(picked({})).toEqual(['en-US', '911', '988', '1-800-222-1222', 0]);
  });

  it('112 without an international English pack: en-US words, and a warning that says so', () => {
    const eu = loadConfig({ ...base, EMERGENCY_NUMBER: '112' });
    expect([eu.LOCALE, eu.EMERGENCY_NUMBER, eu.CRISIS_LINE]).toEqual(['en-US', '112', '116 123']);
    expect(eu.localeWarnings).toEqual([expect.stringMatching(/EMERGENCY_NUMBER=112: no en pack .*the words are en-US's/)]);
    for (const w of eu.localeWarnings) expect(w.length).toBeLessThanOrEqual(160);
  });

  it('a number not in the table keeps the default words, with a warning; a set LOCALE silences it', () => {
    const other = loadConfig({ ...base, EMERGENCY_NUMBER: '119' });
    expect([other.LOCALE, other.CRISIS_LINE]).toEqual(['en-US', '119']);
    expect(other.localeWarnings).toEqual([expect.stringMatching(/119 is not listed .* Set LOCALE/)]);
    expect(loadConfig({ ...base, EMERGENCY_NUMBER: '119', LOCALE: 'en-GB' }).localeWarnings).toEqual([]);
  });

  it('LOCALE and EMERGENCY_NUMBER that disagree refuse to start, naming both and the fix', () => {
    expect(() => loadConfig({ ...base, LOCALE: 'en-US', EMERGENCY_NUMBER: '999' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, LOCALE: 'en-US', EMERGENCY_NUMBER: '999' })).toThrow(
      /LOCALE=en-US and EMERGENCY_NUMBER=999 disagree: 999 goes with the words of en-GB .*Set LOCALE to one of en-GB, or unset LOCALE/,
    );
    expect(() => loadConfig({ ...base, LOCALE: 'en-GB', EMERGENCY_NUMBER: '911' })).toThrow(/disagree/);
    // 112 is dialled in the UK too: en-GB words with 112 are right.
    expect(picked({ LOCALE: 'en-GB', EMERGENCY_NUMBER: '112' })).toEqual(['en-GB', '112', '116 123', '112', 0]);
  });

  it('a number whose packs do not exist (000, en-AU) is refused rather than given US or UK services', () => {
    expect(() => loadConfig({ ...base, EMERGENCY_NUMBER: '000' })).toThrow(/000 goes with the words of en-AU .*add knowledge\/locales\/en-AU\.yaml/);
    expect(() => loadConfig({ ...base, EMERGENCY_NUMBER: '000', LOCALE: 'en-GB' })).toThrow(/disagree/);
  });

  it('a conversation in another pack only gets the packs that fit the number', () => {
    const uk = loadContent('.', '999', { cacheDir: 'data/test-nlu-cache', locale: 'en-GB' });
    expect(uk.locales.engineFor('en-US').locale).toBe('en-GB');
    expect(uk.locales.engineFor('en-US').triageRules.outcomes.emergency.title).toBe('Go to A&E now');
    const open = loadContent('.', undefined, { cacheDir: 'data/test-nlu-cache' });
    expect(open.locales.engineFor('en-GB').locale).toBe('en-GB');
  });
});

describe('backline check on packs', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'backline-packs-'));
    cpSync('knowledge', join(root, 'knowledge'), { recursive: true });
    cpSync('dialogs', join(root, 'dialogs'), { recursive: true });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const gbPack = (extra: string) => `locale: en-GB
name: English (United Kingdom)
inherits: en-US
numbers: { emergency_number: "999", crisis_line: "116 123", poison_line: "111" }
terms: { emergency_department: "A&E", doctor: "GP", doctors_office: "your GP surgery", urgent_care: "call NHS 111" }
${extra}`;
  const problemsWith = (file: string, text: string): string[] => {
    writeFileSync(join(root, 'knowledge', 'locales', file), text);
    return inspectContent(root, undefined, { cacheDir: 'data/test-nlu-cache' }).problems.map((p) => p.message);
  };

  it('terms reach the articles, through get() and forIntent() too', () => {
    // The article's urgent line is written with the term (knowledge/articles/arachnoiditis.md).
    expect(readFileSync(join(root, 'knowledge', 'articles', 'arachnoiditis.md'), 'utf8')).toMatch(
      /Go to \{emergency_department\} now, or call \{emergency_number\}/,
    );
    const loaded = loadContent(root, undefined, { cacheDir: 'data/test-nlu-cache' });
    const text = (locale: string) =>
      loaded.locales
        .engineFor(locale)
        .articles.get('arachnoiditis')
        .sections.flatMap((s) => s.messages)
        .join('\n');
    expect(text('en-GB')).toMatch(/Go to A&E now, or call \{emergency_number\}/);
    expect(text('en-US')).toMatch(/Go to the emergency room \(ER\) now/);
    expect(loaded.locales.engineFor('en-GB').articles.forIntent('condition.arachnoiditis')?.body).toMatch(/Go to A&E now/);
  });

  it('the real packs pass', () => {
    expect(inspectContent('.', undefined, { cacheDir: 'data/test-nlu-cache' }).problems).toEqual([]);
  });

  it('fails on a key the source does not have', () => {
    const problems = problemsWith('en-GB.yaml', gbPack('texts:\n  messages.crisis.sucide: "Call {crisis_line}."\n'));
    expect(problems.some((p) => p.includes('"messages.crisis.sucide" is not a key of the source pack'))).toBe(true);
  });

  it('fails on placeholders that differ from the source text', () => {
    const problems = problemsWith('en-GB.yaml', gbPack('texts:\n  messages.crisis.repeat: "Please call {crisis_line} now."\n'));
    expect(
      problems.some((p) => p.includes('"messages.crisis.repeat" has placeholders {crisis_line} but the source has {crisis_line}, {emergency_number}')),
    ).toBe(true);
  });

  it('fails on a phrase list given as one text', () => {
    const problems = problemsWith('en-GB.yaml', gbPack('texts:\n  messages.commands.menu: "menu"\n'));
    expect(problems.some((p) => p.includes('must be a list'))).toBe(true);
  });

  it('fails on a term the source pack does not have', () => {
    const problems = problemsWith('en-GB.yaml', gbPack('').replace('urgent_care: "call NHS 111"', 'urgent_care: "call NHS 111", chemist: "chemist"'));
    expect(problems.some((p) => p.includes('terms.chemist is not a term of the source pack'))).toBe(true);
  });

  it('fails on a complete pack with keys missing, and on a pack that inherits nothing that exists', () => {
    writeFileSync(join(root, 'knowledge', 'locales', 'en-GB.yaml'), gbPack(''));
    const es = `locale: es
name: Español
inherits: en-US
complete: true
texts:
  messages.labels.yes: "Sí"
`;
    const problems = problemsWith('es.yaml', es);
    expect(problems.some((p) => /complete pack: \d+ keys missing \(messages\.labels\.no/.test(p))).toBe(true);
    const orphan = problemsWith('es.yaml', es.replace('inherits: en-US', 'inherits: es-ES'));
    expect(orphan.some((p) => p.includes('inherits "es-ES", which has no pack'))).toBe(true);
    rmSync(join(root, 'knowledge', 'locales', 'es.yaml'));
  });

  it('the lines by emergency number are data: config reads them from CONTENT_DIR, check fails on a bad line', () => {
    const file = join(root, 'knowledge', 'locales', 'help-lines.yaml');
    const original = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, original.replace('poison_line: "1-800-222-1222"', 'poison_line: "1-800-222-1223"'));
      const config = loadConfig({ NODE_ENV: 'test', STORAGE: 'memory', CONTENT_DIR: root, EMERGENCY_NUMBER: '911' });
      expect([config.CRISIS_LINE, config.POISON_LINE]).toEqual(['988', '1-800-222-1223']);
      writeFileSync(file, original.replace('poison_line: "111"', 'poison_line: "call NHS"'));
      expect(problemsWith('en-GB.yaml', gbPack('')).some((p) => p.includes('help-lines.yaml') && p.includes('numbers.999.poison_line'))).toBe(true);
      expect(() => loadConfig({ NODE_ENV: 'test', STORAGE: 'memory', CONTENT_DIR: root })).toThrow(/EMERGENCY_NUMBER: .*help-lines\.yaml/);
      rmSync(file);
      expect(problemsWith('en-GB.yaml', gbPack('')).some((p) => p.includes('help-lines.yaml: missing'))).toBe(true);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('fails when an en-US text holds a UK-only word, and an en-GB text a US-only one (but not in phrase lists or links)', () => {
    const messages = join(root, 'knowledge', 'messages.en.yaml');
    const redFlags = join(root, 'knowledge', 'red-flags.yaml');
    const originals = [messages, redFlags].map((f) => [f, readFileSync(f, 'utf8')] as const);
    try {
      writeFileSync(
        messages,
        originals[0]![1].replace(
          'go to {emergency_department} straight away, or call {emergency_number}.',
          'go to A&E straight away, or call {emergency_number}.',
        ),
      );
      writeFileSync(redFlags, originals[1]![1].replace('when you need to {poo}?', 'when you need to poo?'));
      const problems = problemsWith(
        'en-GB.yaml',
        readFileSync('knowledge/locales/en-GB.yaml', 'utf8').replace('texts:', 'texts:\n  messages.reprompt.choice: "Call 911 or ask for the ER."'),
      );
      expect(problems.some((p) => /^en-US messages\.(red_flag|check)\.[a-z_]+: "A&E" is a word of en-GB only/.test(p))).toBe(true);
      expect(problems.some((p) => /^en-US red_flags\.bowel_dysfunction\.question: "poo" is a word of en-GB only/.test(p))).toBe(true);
      expect(problems.some((p) => /^en-GB messages\.reprompt\.choice: "911" is a word of en-US only/.test(p))).toBe(true);
      expect(problems.some((p) => /^en-GB messages\.reprompt\.choice: "ER" is a word of en-US only/.test(p))).toBe(true);
      // The same pack's own words are fine, and so are the synonyms people may type.
      expect(problems.some((p) => p.startsWith('en-GB') && p.includes('"A&E"'))).toBe(false);
      expect(problems.some((p) => p.includes('.synonyms:'))).toBe(false);
    } finally {
      for (const [f, text] of originals) writeFileSync(f, text);
      writeFileSync(join(root, 'knowledge', 'locales', 'en-GB.yaml'), readFileSync('knowledge/locales/en-GB.yaml', 'utf8'));
    }
  });

  it('112 with an international English pack (en) takes it, without a warning', () => {
    const file = join(root, 'knowledge', 'locales', 'en.yaml');
    writeFileSync(
      file,
      'locale: en\nname: English (international)\ninherits: en-US\nnumbers: { emergency_number: "112", crisis_line: "116 123", poison_line: "112" }\n',
    );
    try {
      const eu = loadConfig({ NODE_ENV: 'test', STORAGE: 'memory', CONTENT_DIR: root, EMERGENCY_NUMBER: '112' });
      expect([eu.LOCALE, eu.localeWarnings]).toEqual(['en', []]);
    } finally {
      rmSync(file);
    }
  });

  it('fails on a broken reason in a pack (the rendering check runs on every pack)', () => {
    const problems = problemsWith(
      'en-GB.yaml',
      gbPack('texts:\n  triage.rules.injury.reason: "Your pain started after {flags}. A doctor should check for a broken bone."\n'),
    );
    expect(problems.some((p) => p.startsWith('en-GB reason injury [significant_trauma]: doubled phrase "started after"'))).toBe(true);
    expect(problems.some((p) => p.startsWith('en-US'))).toBe(false);
  });
});
