// Articles read section by section ("Tell me more"), and "Where is this from?".
import { nodeAt, type TurnDraft } from './draft.js';
import { askQuestion, pagingChoices } from './questions.js';
import type { ConversationState, Position } from './state.js';

/** Notes a section as shown (the last one, and the furthest of its article). */
export function noteRead(state: ConversationState, article: string, index: number): void {
  state.lastArticle = article;
  state.lastSection = index;
  state.read = { ...state.read, [article]: Math.max(index, state.read?.[article] ?? -1) };
}

/** Sends one section of the article at a say node and, if more follow, offers "tell me more". */
export function sendSection(draft: TurnDraft, position: Position, index: number): void {
  const { content, state } = draft;
  const node = nodeAt(content, position);
  if (!('say' in node) || !('article' in node.say)) return;
  const article = content.articles.get(node.say.article);
  const section = article.sections[index];
  if (!section) return;
  noteRead(state, article.id, index);
  const messages = index === 0 ? section.messages : [`**${section.heading}**\n\n${section.messages[0] ?? ''}`, ...section.messages.slice(1)];
  messages.forEach((message, i) => {
    const last = i === messages.length - 1;
    const more = index + 1 < article.sections.length;
    draft.say(message, last && more ? { choices: pagingChoices(draft, position), ask: { kind: 'more', node: `${position.tree}.${position.node}` } } : {});
  });
  if (index + 1 < article.sections.length) {
    state.at = position;
    state.page = index + 1;
    state.retries = 0;
  }
}

/**
 * "Where is this from?": the sources and review date of the article last shown (its front
 * matter), then the way on from where the person is, so they keep their place.
 */
export function showSources(draft: TurnDraft): void {
  const { state, content } = draft;
  const { messages } = content;
  const article = state.lastArticle && content.articles.has(state.lastArticle) ? content.articles.get(state.lastArticle) : undefined;
  if (!article) {
    draft.say(messages.sources.none);
  } else {
    draft.say(
      draft.fill(messages.sources.text, {
        title: article.title,
        sources: article.sources.map((s) => `- ${s}`).join('\n'),
        date: article.lastReviewed,
      }),
    );
  }
  if (!state.at) return;
  if (state.page !== undefined) {
    draft.say(messages.sources.then, { choices: pagingChoices(draft, state.at), ask: { kind: 'more', node: `${state.at.tree}.${state.at.node}` } });
    return;
  }
  const node = nodeAt(content, state.at);
  if ('ask' in node) askQuestion(draft, state.at, node, false);
}
