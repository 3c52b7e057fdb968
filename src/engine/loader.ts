// Loads dialogs/*.yaml, validates each tree against the schema, then checks the graph across
// all trees. Every problem is reported with file and line so a content author can fix it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { INTENT_IDS, isIntentId } from '../contract.js';
import { isAsk, treeSchema, type DialogNode, type Tree } from './schema.js';

/** Placeholders `text_other` may use (see src/nlu/patient.ts). */
const PATIENT_PLACEHOLDERS: readonly string[] = ['patient', 'patient_cap', 'their'];

export const ENTRY_TREE = 'main';

export interface ContentProblem {
  file: string;
  line: number;
  message: string;
}

export class ContentError extends Error {
  constructor(readonly problems: ContentProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'));
  }
}

export interface DialogSet {
  trees: Map<string, Tree>;
}

interface LoadedTree {
  tree: Tree;
  file: string;
  lineOf: (path: (string | number)[]) => number;
}

/** What the graph check needs to know about knowledge articles. */
export interface ArticleIndex {
  has(articleId: string): boolean;
  hasSection(articleId: string, sectionId: string): boolean;
}

export function lineFinder(doc: Document, lineCounter: LineCounter) {
  return (path: (string | number)[]): number => {
    // Walk down as far as the path exists and report the deepest key found.
    let node: unknown = doc.contents;
    let offset = 0;
    for (const segment of path) {
      if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as { range?: [number, number] } | undefined;
        if (!item) break;
        if (item.range) offset = item.range[0];
        node = item;
        continue;
      }
      if (!isMap(node)) break;
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === segment);
      if (!pair) break;
      if (isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
      node = pair.value;
    }
    return lineCounter.linePos(offset).line;
  };
}

/**
 * "tree.node" is explicit. A single name is a node of the current tree if there is one,
 * otherwise another tree (entered at its start).
 */
export function resolveTarget(
  target: string,
  currentTree: string,
  trees: ReadonlyMap<string, { nodes: Record<string, unknown> }>,
): { tree: string; node?: string } {
  const [first, second] = target.split('.');
  if (second !== undefined) return { tree: first!, node: second };
  if (trees.get(currentTree)?.nodes[first!] !== undefined) return { tree: currentTree, node: first! };
  if (trees.has(first!)) return { tree: first! };
  return { tree: currentTree, node: first! };
}

/** Every target a node can lead to, with where in the node it is written. */
export function outgoingTargets(node: DialogNode): { field: string; path: (string | number)[]; target: string }[] {
  const found: { field: string; path: (string | number)[]; target: string }[] = [];
  const add = (path: (string | number)[], target: string | undefined) => {
    if (target) found.push({ field: path.join('.'), path, target });
  };
  if ('next' in node) add(['next'], node.next);
  if ('goto' in node && typeof node.goto === 'string') add(['goto'], node.goto);
  if ('ask' in node && node.ask === 'choice') node.options.forEach((o, i) => add(['options', i, 'goto'], o.goto));
  if ('ask' in node && node.ask === 'yes_no') {
    add(['yes'], node.yes);
    add(['no'], node.no);
    add(['unsure'], node.unsure);
  }
  if ('branch' in node) {
    node.branch.forEach((b, i) => add(['branch', i, 'goto'], b.goto));
    add(['else'], node.else);
  }
  return found;
}

function parseTreeFile(file: string, text: string, problems: ContentProblem[]): LoadedTree | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = lineFinder(doc, lineCounter);
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      problems.push({ file, line: lineCounter.linePos(error.pos[0]).line, message: `YAML: ${error.message.split('\n')[0]}` });
    }
    return undefined;
  }
  const parsed = treeSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      problems.push({ file, line: lineOf(path), message: `${path.join('.') || '(tree)'}: ${issue.message}` });
    }
    return undefined;
  }
  return { tree: parsed.data, file, lineOf };
}

function checkGraph(loaded: LoadedTree[], articles: ArticleIndex, problems: ContentProblem[]): void {
  const byId = new Map(loaded.map((l) => [l.tree.id, l]));
  const trees = new Map(loaded.map((l) => [l.tree.id, l.tree]));
  const reached = new Set<string>();
  const edges = new Map<string, string[]>();

  const resolve = (from: LoadedTree, target: string, where: (string | number)[], label: string): string | undefined => {
    const { tree, node } = resolveTarget(target, from.tree.id, trees);
    const destination = byId.get(tree);
    if (!destination) {
      problems.push({ file: from.file, line: from.lineOf(where), message: `${label}: unknown tree "${tree}" in target "${target}"` });
      return undefined;
    }
    const nodeId = node ?? destination.tree.start;
    if (!(nodeId in destination.tree.nodes)) {
      problems.push({ file: from.file, line: from.lineOf(where), message: `${label}: unknown node "${target}"` });
      return undefined;
    }
    return `${tree}.${nodeId}`;
  };

  for (const l of loaded) {
    const { tree } = l;
    if (!(tree.start in tree.nodes)) {
      problems.push({ file: l.file, line: l.lineOf(['start']), message: `start: unknown node "${tree.start}"` });
    }
    for (const [nodeId, node] of Object.entries(tree.nodes)) {
      const where = ['nodes', nodeId];
      const key = `${tree.id}.${nodeId}`;
      const targets = outgoingTargets(node);
      edges.set(
        key,
        targets.map((t) => resolve(l, t.target, [...where, ...t.path], `node "${nodeId}" ${t.field}`)).filter((t): t is string => !!t),
      );
      const isEnd = 'end' in node;
      if (!isEnd && targets.length === 0) {
        problems.push({ file: l.file, line: l.lineOf(where), message: `node "${nodeId}" is a dead end: give it "next" or make it an "end"` });
      }
      if (isAsk(node) && node.ask === 'yes_no' && !node.next && !(node.yes && node.no)) {
        problems.push({
          file: l.file,
          line: l.lineOf(where),
          message: `ask "${nodeId}" has no way forward for every answer: give "next", or both "yes" and "no"`,
        });
      }
      if (isAsk(node) && node.ask !== 'trial_criteria' && node.text_other) {
        // Wording for someone else may only use the patient placeholders (and answers, like `text`).
        for (const [, name] of node.text_other.matchAll(/\{([a-z_]+)\}/g)) {
          if (!PATIENT_PLACEHOLDERS.includes(name!) && !node.text.includes(`{${name}}`)) {
            problems.push({
              file: l.file,
              line: l.lineOf([...where, 'text_other']),
              message: `ask "${nodeId}" text_other: unknown placeholder {${name}} (use ${PATIENT_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`,
            });
          }
        }
      }
      if (
        isAsk(node) &&
        node.ask !== 'trial_criteria' &&
        (node.ask === 'checklist' || node.evidence) &&
        tree.skip_questions_that_cannot_raise_level &&
        !node.text_other
      ) {
        // A carer must never be asked "do you..." about the person they ask for.
        problems.push({
          file: l.file,
          line: l.lineOf(where),
          message: `ask "${nodeId}" in a triage questionnaire needs "text_other" (the question for someone asking for another person)`,
        });
      }
      if (isAsk(node) && node.ask === 'checklist' && tree.skip_questions_that_cannot_raise_level) {
        for (const [index, item] of node.items.entries()) {
          if (!item.text_other)
            problems.push({
              file: l.file,
              line: l.lineOf([...where, 'items', index]),
              message: `checklist "${nodeId}" item ${item.evidence} needs "text_other" (its question for someone asking for another person)`,
            });
        }
      }
      if ('say' in node && 'article' in node.say) {
        const { article, section } = node.say;
        if (!articles.has(article)) {
          problems.push({ file: l.file, line: l.lineOf([...where, 'say']), message: `node "${nodeId}" refers to missing article "${article}"` });
        } else if (section && !articles.hasSection(article, section)) {
          problems.push({
            file: l.file,
            line: l.lineOf([...where, 'say']),
            message: `node "${nodeId}" refers to missing section "${section}" of article "${article}"`,
          });
        }
      }
    }
  }

  // Roots: the entry tree's start and every routed target.
  const entry = byId.get(ENTRY_TREE);
  if (!entry) {
    problems.push({ file: 'dialogs/', line: 1, message: `no entry tree with id "${ENTRY_TREE}"` });
    return;
  }
  const roots: string[] = [`${ENTRY_TREE}.${entry.tree.start}`];
  const routes = entry.tree.routes ?? {};
  for (const [intent, target] of Object.entries(routes)) {
    if (!isIntentId(intent)) {
      problems.push({ file: entry.file, line: entry.lineOf(['routes', intent]), message: `routes: unknown intent id "${intent}"` });
      continue;
    }
    const resolved = resolve(entry, target, ['routes', intent], `route "${intent}"`);
    if (resolved) roots.push(resolved);
  }
  for (const l of loaded) {
    for (const [index, nodeId] of (l.tree.entries ?? []).entries()) {
      const resolved = resolve(l, `${l.tree.id}.${nodeId}`, ['entries', index], 'entries');
      if (resolved) roots.push(resolved);
    }
  }
  const explain = entry.tree.red_flag_questions;
  if (explain) {
    const resolved = resolve(entry, explain.next, ['red_flag_questions'], 'red_flag_questions.next');
    if (resolved) roots.push(resolved);
    if (!articles.has(explain.article)) {
      problems.push({ file: entry.file, line: entry.lineOf(['red_flag_questions']), message: `red_flag_questions: missing article "${explain.article}"` });
    }
  }
  for (const intent of INTENT_IDS) {
    if (!(intent in routes)) {
      problems.push({ file: entry.file, line: entry.lineOf(['routes']), message: `routes: intent "${intent}" has no answer` });
    }
  }
  const queue = [...roots];
  while (queue.length > 0) {
    const key = queue.pop()!;
    if (reached.has(key)) continue;
    reached.add(key);
    queue.push(...(edges.get(key) ?? []));
  }
  for (const l of loaded) {
    for (const nodeId of Object.keys(l.tree.nodes)) {
      if (!reached.has(`${l.tree.id}.${nodeId}`)) {
        problems.push({ file: l.file, line: l.lineOf(['nodes', nodeId]), message: `node "${nodeId}" is unreachable` });
      }
    }
  }
}

/** Loads and checks every tree; returns the problems rather than throwing (loadContent throws on any). */
export function checkDialogs(dialogsDir: string, articles: ArticleIndex): { dialogs: DialogSet; problems: ContentProblem[] } {
  const problems: ContentProblem[] = [];
  const loaded: LoadedTree[] = [];
  const files = readdirSync(dialogsDir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  for (const name of files) {
    const file = join(dialogsDir, name);
    const result = parseTreeFile(file, readFileSync(file, 'utf8'), problems);
    if (!result) continue;
    if (loaded.some((l) => l.tree.id === result.tree.id)) {
      problems.push({ file, line: result.lineOf(['id']), message: `duplicate tree id "${result.tree.id}"` });
      continue;
    }
    loaded.push(result);
  }
  checkGraph(loaded, articles, problems);
  return { dialogs: { trees: new Map(loaded.map((l) => [l.tree.id, l.tree])) }, problems };
}
