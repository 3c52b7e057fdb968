// Translated files in a pack (knowledge/locales/<locale>/articles/..., nlu/...): each falls back to
// the packs it inherits, then to the source language; `backline check` reports what each pack
// covers, and a complete pack (a new language) must cover everything.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inspectContent, loadContent } from '../../src/content.js';
import { coverageLine } from '../../src/locale/packFiles.js';

const NLU_CACHE = { cacheDir: 'data/test-nlu-cache' };
let root: string;
const locales = () => join(root, 'knowledge', 'locales');
const added: string[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'backline-pack-files-'));
  cpSync('knowledge', join(root, 'knowledge'), { recursive: true });
  cpSync('dialogs', join(root, 'dialogs'), { recursive: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  for (const path of added.splice(0)) rmSync(path, { recursive: true, force: true });
});

function put(relative: string, text: string): void {
  const path = join(locales(), relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  added.push(path);
}

/** The source article with every heading translated (keeping its id) and one sentence changed. */
function britishSciatica(): string {
  return readFileSync('knowledge/articles/sciatica.md', 'utf8')
    .replace(/^## (.+)$/gm, (_, heading: string) => `## ${heading} (UK) {#${heading.toLowerCase().replace(/[^a-z0-9]+/g, '-')}}`)
    .replace('It is common.', 'It is common in Britain.');
}

const problemsOf = () => inspectContent(root, undefined, NLU_CACHE).problems.map((p) => p.message);

describe('articles in a pack', () => {
  it('a pack without files reads the source articles, and the report lists them as not translated', () => {
    const loaded = loadContent(root, undefined, NLU_CACHE);
    const gb = loaded.locales.coverage.find((c) => c.locale === 'en-GB')!;
    expect(gb.articles.own).toEqual([]);
    expect(gb.articles.source).toContain('sciatica');
    expect(gb.files.source).toEqual(['nlu/patient.yaml', 'nlu/direct-questions.yaml']);
    expect(coverageLine(gb)).toMatch(/^Language pack en-GB covers: articles 0 of \d+ translated; from the source language: .*sciatica/);
    expect(problemsOf()).toEqual([]);
  });

  it("a pack's article replaces the source's for that pack only, headings keep their section ids, get() and forIntent() agree", () => {
    put('en-GB/articles/sciatica.md', britishSciatica());
    const loaded = loadContent(root, undefined, NLU_CACHE);
    expect(loaded.problems).toEqual([]);
    const gb = loaded.locales.engineFor('en-GB').articles;
    const us = loaded.locales.engineFor('en-US').articles;
    expect(gb.get('sciatica').sections[0]!.messages.join(' ')).toMatch(/It is common in Britain\./);
    expect(gb.get('sciatica').sections[0]!.heading).toBe('What it is (UK)');
    expect(gb.hasSection('sciatica', 'what-it-is')).toBe(true);
    expect(gb.forIntent('condition.sciatica')?.sections[0]!.messages.join(' ')).toMatch(/in Britain/);
    expect(us.get('sciatica').sections[0]!.messages.join(' ')).not.toMatch(/in Britain/);
    // Terms still reach the translated article.
    expect(
      gb
        .get('sciatica')
        .sections.flatMap((s) => s.messages)
        .join('\n'),
    ).toMatch(/Go to A&E now/);
    expect(loaded.locales.coverage.find((c) => c.locale === 'en-GB')!.articles.own).toEqual(['sciatica']);
  });

  it('a translation with other section ids, or of an article the source lacks, is a problem (and not used)', () => {
    put('en-GB/articles/sciatica.md', readFileSync('knowledge/articles/sciatica.md', 'utf8').replace('## What it is', '## Qué es'));
    put('en-GB/articles/lumbago.md', readFileSync('knowledge/articles/sciatica.md', 'utf8').replace('id: sciatica', 'id: lumbago'));
    const problems = problemsOf();
    expect(problems.some((p) => /article "sciatica": section ids qu-es, .* must be the source's: what-it-is,/.test(p))).toBe(true);
    expect(problems.some((p) => p.includes('article "lumbago" is not an article of the source pack (en-US)'))).toBe(true);
    const gb = inspectContent(root, undefined, NLU_CACHE).locales!.engineFor('en-GB').articles;
    expect(gb.get('sciatica').sections[0]!.heading).toBe('What it is');
  });

  it('a pack inherits the files of the packs it builds on (en-IE from en-GB), reported as inherited', () => {
    put('en-GB/articles/sciatica.md', britishSciatica());
    put('en-IE.yaml', 'locale: en-IE\nname: English (Ireland)\ninherits: en-GB\nnumbers: { emergency_number: "112" }\n');
    const loaded = loadContent(root, undefined, NLU_CACHE);
    expect(loaded.problems).toEqual([]);
    expect(loaded.locales.engineFor('en-IE').articles.get('sciatica').sections[0]!.messages.join(' ')).toMatch(/in Britain/);
    const ie = loaded.locales.coverage.find((c) => c.locale === 'en-IE')!;
    expect([ie.articles.own, ie.articles.inherited]).toEqual([[], ['sciatica']]);
  });
});

describe('other patient-facing files in a pack', () => {
  it("a pack's nlu/patient.yaml is read for that pack's conversations", () => {
    const source = readFileSync('knowledge/nlu/patient.yaml', 'utf8');
    put(
      'en-GB/nlu/patient.yaml',
      source.replace('  wife: { name: your wife, pronoun: she }', '  wife: { name: your wife, pronoun: she }\n  missus: { name: your wife, pronoun: she }'),
    );
    const loaded = loadContent(root, undefined, NLU_CACHE);
    expect(loaded.problems).toEqual([]);
    const reading = (locale: string) => loaded.locales.engineFor(locale).patient.read('my missus has terrible back pain');
    expect(reading('en-GB')).toMatchObject({ who: 'other', rel: 'missus', pronoun: 'she' });
    expect(reading('en-US').rel).toBeUndefined();
    expect(loaded.locales.coverage.find((c) => c.locale === 'en-GB')!.files.own).toEqual(['nlu/patient.yaml']);
  });

  it("a broken copy is the pack's problem, and the pack falls back to the source file", () => {
    put('en-GB/nlu/direct-questions.yaml', 'diagnosis: 12\n');
    const problems = inspectContent(root, undefined, NLU_CACHE).problems;
    expect(problems.some((p) => p.file.endsWith(join('en-GB', 'nlu', 'direct-questions.yaml')))).toBe(true);
  });
});

describe('a complete pack (a new language) must translate every article and file', () => {
  it('lists what is missing as a problem; an English variant only gets the list', () => {
    put('es.yaml', 'locale: es\nname: Español\ninherits: en-US\ncomplete: true\ntexts:\n  messages.labels.yes: "Sí"\n');
    put('es/articles/sciatica.md', britishSciatica());
    const problems = problemsOf();
    const missing = problems.find((p) => p.startsWith('complete pack:') && p.includes('files not translated'));
    expect(missing).toMatch(/complete pack: \d+ files not translated \(articles\/about-backline\.md, .*\) in knowledge\/locales\/es\//);
    expect(missing).not.toMatch(/sciatica/);
    expect(problems.some((p) => p.includes('en-GB') && p.includes('not translated'))).toBe(false);
  });
});
