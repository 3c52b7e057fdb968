// The tree validator reports problems with file and line; the shipped content has none.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTENT_IDS } from '../../src/contract.js';
import { inspectContent } from '../../src/content.js';
import { checkDialogs, type ArticleIndex } from '../../src/engine/loader.js';
import { loadArticles } from '../../src/knowledge/articles.js';

const articles: ArticleIndex = { has: (id) => id === 'known', hasSection: () => true };
const routes = INTENT_IDS.map((i) => `  ${i}: menu`).join('\n');

function treeDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'backline-dialogs-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const main = (nodes: string) => `id: main\ntitle: t\nstart: menu\nroutes:\n${routes}\nnodes:\n${nodes}`;

describe('dialog validation', () => {
  it('accepts a minimal valid tree', () => {
    const dir = treeDir({ 'main.yaml': main('  menu:\n    ask: choice\n    text: Pick\n    options:\n      - { label: A, goto: menu }\n') });
    expect(checkDialogs(dir, articles).problems).toEqual([]);
  });

  it.each([
    [
      'an unknown node id',
      '  menu:\n    ask: choice\n    text: Pick\n    options:\n      - { label: A, goto: nowhere }\n',
      /unknown node "nowhere"/,
      9 + INTENT_IDS.length,
    ],
    [
      'an unreachable node',
      '  menu:\n    ask: choice\n    text: Pick\n    options:\n      - { label: A, goto: menu }\n  lonely:\n    end: true\n',
      /"lonely" is unreachable/,
      11 + INTENT_IDS.length,
    ],
    [
      'a dead end',
      '  menu:\n    ask: choice\n    text: Pick\n    options:\n      - { label: A, goto: say }\n  say:\n    say: { text: hi }\n',
      /dead end/,
      11 + INTENT_IDS.length,
    ],
    ['an ask without a way forward', '  menu:\n    ask: yes_no\n    text: Sure?\n    yes: menu\n', /no way forward/, 6 + INTENT_IDS.length],
    ['a missing article', '  menu:\n    say: { article: missing }\n    next: menu\n', /missing article "missing"/, 6 + INTENT_IDS.length],
    ['an unknown node kind (a load error, not silent steps)', '  menu:\n    show: choice\n    text: Pick\n', /exactly one of/, 6 + INTENT_IDS.length],
    ['an unknown question kind', '  menu:\n    ask: slider\n    text: Pick\n    next: menu\n', /ask/, 6 + INTENT_IDS.length],
    [
      'a checklist without a "None of these" label',
      '  menu:\n    ask: checklist\n    text: Any?\n    more_text: Others?\n    items:\n      - { evidence: fever, label: Fever }\n      - { evidence: weight_loss, label: Weight loss }\n    next: menu\n',
      /none_label/,
      6 + INTENT_IDS.length,
    ],
    ['an unknown evidence id', '  menu:\n    ask: yes_no\n    evidence: headache\n    text: Sure?\n    next: menu\n', /evidence/, 8 + INTENT_IDS.length],
  ])('reports %s with file and line', (_name, nodes, message, line) => {
    const dir = treeDir({ 'main.yaml': main(nodes) });
    const { problems } = checkDialogs(dir, articles);
    const problem = problems.find((p) => message.test(p.message));
    expect(problem, JSON.stringify(problems)).toBeDefined();
    expect(problem!.file).toBe(join(dir, 'main.yaml'));
    expect(problem!.line).toBeGreaterThanOrEqual(line - 1);
    expect(problem!.line).toBeLessThanOrEqual(line + 1);
  });

  it('reports YAML syntax errors with their line', () => {
    const dir = treeDir({ 'main.yaml': 'id: main\ntitle: [unclosed\n' });
    const { problems } = checkDialogs(dir, articles);
    expect(problems[0]!.line).toBeGreaterThan(0);
  });

  it('a triage questionnaire needs wording for someone else, with known placeholders only', () => {
    const check = (nodes: string) =>
      checkDialogs(
        treeDir({
          'main.yaml': main('  menu:\n    ask: choice\n    text: Pick\n    options:\n      - { label: A, goto: check }\n'),
          'check.yaml': `id: check\ntitle: c\nstart: q\nskip_questions_that_cannot_raise_level: true\nnodes:\n${nodes}`,
        }),
        articles,
      ).problems;
    const missing = check('  q:\n    ask: yes_no\n    evidence: fever\n    text: Fever?\n    next: done\n  done:\n    end: true\n');
    expect(
      missing.some((p) => /"q" in a triage questionnaire needs "text_other"/.test(p.message)),
      JSON.stringify(missing),
    ).toBe(true);
    const unknown = check(
      '  q:\n    ask: yes_no\n    evidence: fever\n    text: Fever?\n    text_other: Does {patient} have a fever, {name}?\n    next: done\n  done:\n    end: true\n',
    );
    expect(
      unknown.some((p) => /unknown placeholder \{name\}/.test(p.message)),
      JSON.stringify(unknown),
    ).toBe(true);
    const fine = check(
      '  q:\n    ask: yes_no\n    evidence: fever\n    text: Fever?\n    text_other: Does {patient} have a fever?\n    next: done\n  done:\n    end: true\n',
    );
    expect(fine.filter((p) => /text_other/.test(p.message))).toEqual([]);
  });

  it('reports an intent without an answer', () => {
    const dir = treeDir({ 'main.yaml': 'id: main\ntitle: t\nstart: menu\nroutes:\n  greeting: menu\nnodes:\n  menu:\n    end: true\n' });
    expect(checkDialogs(dir, articles).problems.some((p) => /intent "help" has no answer/.test(p.message))).toBe(true);
  });
});

describe('shipped content', () => {
  const inspected = inspectContent('.', '911');

  it('has no problems (backline check passes)', () => {
    expect(inspected.problems).toEqual([]);
  });

  it('every article is at reading grade 8 or below', () => {
    for (const r of inspected.readability!) expect(r.grade, r.article).toBeLessThanOrEqual(8);
  });

  it('every article is reachable from at least one intent and one tree', () => {
    const { library } = loadArticles('knowledge/articles');
    const trees = [...inspected.engine!.dialogs.trees.values()];
    const routes = inspected.engine!.dialogs.trees.get('main')!.routes!;
    for (const article of library.articles.values()) {
      const nodeIds = trees.flatMap((t) =>
        Object.entries(t.nodes)
          .filter(([, n]) => 'say' in n && 'article' in n.say && n.say.article === article.id)
          .map(([id]) => `${t.id}.${id}`),
      );
      expect(nodeIds.length, `${article.id} is in no tree`).toBeGreaterThan(0);
      // Reachable from an intent: its own intents, or the route target of one reaches it.
      const byIntent = article.intents.length > 0 || Object.values(routes).some((target) => nodeIds.some((n) => n.endsWith(target) || target === n));
      const viaRedFlagQuestions = inspected.engine!.dialogs.trees.get('main')!.red_flag_questions?.article === article.id;
      expect(byIntent || viaRedFlagQuestions, `${article.id} answers no intent`).toBe(true);
    }
  });

  it('every intent id routes somewhere that exists', () => {
    const routes = inspected.engine!.dialogs.trees.get('main')!.routes!;
    expect(Object.keys(routes).sort()).toEqual([...INTENT_IDS].sort());
  });

  it('no medical content is in the TypeScript: every article cites sources and has a review date', () => {
    const { library } = loadArticles('knowledge/articles');
    for (const article of library.articles.values()) {
      expect(article.sources.length).toBeGreaterThan(0);
      expect(article.lastReviewed).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
