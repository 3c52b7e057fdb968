// `backline check`: every dialog menu fits every channel (src/channels/menuLimits.ts), counting
// the buttons the engine adds when the menu follows an article page ("Tell me more" before the
// options, "Where is this from?" after them; src/engine/runtime.ts pagingChoices).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContentProblem, DialogSet } from '../engine/loader.js';
import { resolveTarget } from '../engine/loader.js';
import { MENU_LIMITS } from './menuLimits.js';

/** Buttons the engine adds to a menu shown under an article page. */
export const ARTICLE_PAGE_EXTRA_BUTTONS = 2;

export interface MenuSize {
  tree: string;
  node: string;
  /** The most buttons this menu is shown with. */
  buttons: number;
}

/** Every choice question and the most buttons it is ever shown with. */
export function dialogMenus(dialogs: DialogSet): MenuSize[] {
  const afterArticle = new Set<string>();
  for (const tree of dialogs.trees.values()) {
    for (const node of Object.values(tree.nodes)) {
      if (!('say' in node) || !('article' in node.say) || !('next' in node) || !node.next) continue;
      const target = resolveTarget(node.next, tree.id, dialogs.trees);
      afterArticle.add(`${target.tree}.${target.node ?? dialogs.trees.get(target.tree)?.start}`);
    }
  }
  const menus: MenuSize[] = [];
  for (const tree of dialogs.trees.values()) {
    for (const [id, node] of Object.entries(tree.nodes)) {
      if (!('ask' in node) || node.ask !== 'choice') continue;
      const extra = afterArticle.has(`${tree.id}.${id}`) ? ARTICLE_PAGE_EXTRA_BUTTONS : 0;
      menus.push({ tree: tree.id, node: id, buttons: node.options.length + extra });
    }
  }
  return menus;
}

/** Where a node is written: the dialog file with that tree id and the line of the node's key. */
function locate(dialogsDir: string, tree: string, node: string): { file: string; line: number } {
  for (const name of readdirSync(dialogsDir).filter((f) => /\.ya?ml$/.test(f))) {
    const file = join(dialogsDir, name);
    const lines = readFileSync(file, 'utf8').split('\n');
    if (!lines.some((l) => l.trim() === `id: ${tree}`)) continue;
    const at = lines.findIndex((l) => new RegExp(`^\\s+${node}:\\s*$`).test(l));
    return { file, line: at + 1 || 1 };
  }
  return { file: dialogsDir, line: 1 };
}

export function checkMenus(dialogs: DialogSet, dialogsDir: string): ContentProblem[] {
  const problems: ContentProblem[] = [];
  for (const menu of dialogMenus(dialogs)) {
    for (const [channel, limit] of Object.entries(MENU_LIMITS)) {
      if (menu.buttons <= limit.most) continue;
      problems.push({
        ...locate(dialogsDir, menu.tree, menu.node),
        message: `menu "${menu.tree}.${menu.node}" can show ${menu.buttons} buttons; ${channel} shows at most ${limit.most} (src/channels/menuLimits.ts): split it into two questions`,
      });
    }
  }
  return problems;
}
