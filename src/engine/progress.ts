// How far along a questionnaire is: "Question 3 of about 10". The questions are counted along
// the tree's "no" path (the way of someone with nothing to report); questions skipped because
// their answer is already known do not count.
import type { EngineContent, TurnDraft } from './draft.js';
import { kindOf, type AskNode, type ChecklistAsk, type TreeAsk } from './schema.js';
import type { Position } from './state.js';

export type ChainAsk = { id: string; node: TreeAsk | ChecklistAsk };

const chains = new WeakMap<object, ChainAsk[]>();

/** The questions of a tree in the order someone answering "no" meets them. */
export function askChain(content: EngineContent, treeId: string): ChainAsk[] {
  const tree = content.dialogs.trees.get(treeId);
  if (!tree) return [];
  const cached = chains.get(tree);
  if (cached) return cached;
  const chain: ChainAsk[] = [];
  const seen = new Set<string>();
  let id: string | undefined = tree.start;
  while (id && !seen.has(id) && tree.nodes[id]) {
    seen.add(id);
    const kinded = kindOf(tree.nodes[id]!);
    switch (kinded.kind) {
      case 'ask': {
        const node = kinded.node;
        if (node.ask !== 'trial_criteria') chain.push({ id, node });
        id = node.ask === 'yes_no' ? (node.no ?? node.next) : node.ask === 'choice' ? undefined : node.next;
        break;
      }
      case 'say':
      case 'do':
        id = kinded.node.next;
        break;
      case 'goto':
        id = kinded.node.goto;
        break;
      case 'branch':
        id = kinded.node.else;
        break;
      case 'end':
        id = undefined;
        break;
    }
    // Targets into another tree end the chain.
    if (id?.includes('.')) id = undefined;
  }
  chains.set(tree, chain);
  return chain;
}

/** A question skipped because its answer was known before it came up (not answered in the check). */
function knownAndSkipped(draft: TurnDraft, ask: ChainAsk, answeredHere: Set<string>): boolean {
  const node = ask.node;
  if (node.ask === 'checklist' || !node.skip_if_known) return false;
  const key = node.store ?? node.evidence ?? ask.id;
  return draft.state.answers[key] !== undefined && !answeredHere.has(key);
}

export function progressOf(draft: TurnDraft, position: Position, node: AskNode): { index: number; total: number } | undefined {
  if (node.ask === 'trial_criteria' || !draft.content.dialogs.trees.get(position.tree)?.progress) return undefined;
  const chain = askChain(draft.content, position.tree);
  const at = chain.findIndex((a) => a.id === position.node);
  if (at < 0) return undefined;
  const answeredHere = new Set((draft.state.history ?? []).flatMap((entry) => Object.keys(entry.prev)));
  const skipped = chain.map((a) => a.id !== position.node && knownAndSkipped(draft, a, answeredHere));
  const before = skipped.slice(0, at).filter(Boolean).length;
  return { index: at + 1 - before, total: chain.length - skipped.filter(Boolean).length };
}
