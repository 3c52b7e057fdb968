// Every triage reason and outcome is rendered with every label it can take, in every pack
// (src/locale/render.ts, run by `backline check`), and a broken sentence is found.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContent, type LoadedContent } from '../../src/content.js';
import { flagSetsOf, renderProblems, renderTriageTexts, sentenceProblems } from '../../src/locale/render.js';

let content: LoadedContent;
beforeAll(() => {
  content = loadContent('.', undefined, { cacheDir: 'data/test-nlu-cache' });
});

describe('sentenceProblems', () => {
  it('finds the doubled phrase of the old trauma reason', () => {
    expect(sentenceProblems('Your pain started after pain that started after a fall, accident or blow. A doctor should check.')).toContain(
      'doubled phrase "started after"',
    );
    expect(sentenceProblems('Your pain started after an injury and you told me about pain that started after a fall.')).toContain(
      'doubled phrase "started after"',
    );
  });

  it('finds leftover placeholders, empty parts and doubled words', () => {
    expect(sentenceProblems('Call {emergency_number} now.')).toEqual(['leftover placeholder {emergency_number}']);
    expect(sentenceProblems('Go to {emergency_department} now.')).toEqual(['leftover placeholder {emergency_department}']);
    expect(sentenceProblems('{count|request|requests} left')).toEqual(['leftover placeholder {count|request|requests}']);
    expect(sentenceProblems('You told me about . A doctor should look.')).toContain('an empty part');
    expect(sentenceProblems('You told me about , and a fever.')).toContain('an empty part');
    expect(sentenceProblems('Why:\n- \n- a fever')).toContain('an empty list item');
    expect(sentenceProblems('Please see see a doctor.')).toContain('doubled word "see see"');
  });

  it('passes good sentences, and shared words between list items when asked to', () => {
    expect(sentenceProblems('You told me about a fever, chills or feeling hot and unwell. A doctor should look at this soon.')).toEqual([]);
    expect(sentenceProblems('Call 999 now. If you cannot, call 999.')).toEqual([]);
    const list = 'You told me about new problems with your bladder and new problems controlling your bowels.';
    expect(sentenceProblems(list)).toContain('doubled phrase "new problems"');
    expect(sentenceProblems(list, false)).toEqual([]);
  });
});

describe('rendering every reason and outcome', () => {
  it('a rule fires with its `all` and each `any` alone, and with all of them', () => {
    const rule = content.engine.triageRules.rules.find((r) => r.id === 'injury_with_nerve_signs')!;
    const sets = flagSetsOf(rule);
    expect(sets[0]).toEqual(['significant_trauma', rule.any![0]]);
    expect(sets).toHaveLength(rule.any!.length + 1);
    expect(sets.at(-1)).toEqual(['significant_trauma', ...rule.any!]);
  });

  it('renders every rule, level and label set in every pack, for the person and for someone else', () => {
    for (const engine of content.locales.engines.values()) {
      const rendered = renderTriageTexts(engine);
      const rules = engine.triageRules.rules;
      const reasons = rules.reduce((n, r) => n + flagSetsOf(r).length, 0);
      expect(rendered.filter((r) => r.what.startsWith('reason'))).toHaveLength(reasons * 3);
      expect(rendered.filter((r) => r.what.startsWith('outcome'))).toHaveLength(5 * 3);
      expect(
        rendered.filter((r) => r.what.includes('(for wife)') && r.what.startsWith('outcome')).every((r) => /This advice is for your wife/.test(r.text)),
      ).toBe(true);
    }
  });

  it('the reasons and outcomes of both packs have no problem', () => {
    expect(renderProblems(content.locales.engines)).toEqual([]);
  });

  it('the trauma reasons read as whole sentences', () => {
    const us = renderTriageTexts(content.locales.engineFor('en-US'));
    expect(us.find((r) => r.what === 'reason injury [significant_trauma]')!.text).toBe(
      'You told me about pain that started after a fall, accident or blow. A doctor should check for a broken bone or other injury.',
    );
    expect(us.find((r) => r.what === 'reason injury_with_nerve_signs [significant_trauma, bladder_dysfunction]')!.text).toBe(
      'You told me about pain that started after a fall, accident or blow and new problems with your bladder. After an injury, this can mean the nerves or the spine are hurt.',
    );
  });

  it('lists follow the pack: "a, b, and c" in en-US, "a, b and c" in en-GB', () => {
    const find = (locale: string) =>
      renderTriageTexts(content.locales.engineFor(locale)).find(
        (r) => r.what === 'reason needs_assessment_soon [weight_loss, night_pain, inflammatory_pattern, pain_worsening]',
      )!.text;
    expect(find('en-US')).toMatch(/when you move, and pain that keeps/);
    expect(find('en-GB')).toMatch(/when you move and pain that keeps/);
  });
});
