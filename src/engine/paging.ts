// Articles read section by section ("Tell me more"), and "Where is this from?".
import { CHOICE_VALUES, nodeAt, positionOf, type TurnDraft } from './draft.js';
import { askQuestion, choiceOptions } from './questions.js';
import { answerCurrent, goTo, isCommand, type AnswerInput } from './runtime.js';
import type { AskNode } from './schema.js';
import type { ConversationState, Position } from './state.js';
import type { Choice } from './replies.js';

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

/** "Tell me more" plus the choices of the question that follows the article, so one tap moves on. */
export function pagingChoices(draft: TurnDraft, position: Position): Choice[] {
  const { content } = draft;
  const choices: Choice[] = [{ label: content.messages.labels.tell_me_more, value: CHOICE_VALUES.more }];
  const following = followingAsk(draft, position);
  if (following && following.node.ask === 'choice') choices.push(...choiceOptions(draft, following.position, following.node));
  else if (!following) choices.push({ label: content.messages.labels.keep_going, value: CHOICE_VALUES.resume });
  // Every option: each channel shows long menus its own way (src/channels/menuLimits.ts).
  return [...choices, { label: content.messages.labels.sources, value: CHOICE_VALUES.sources }];
}

/** The question straight after an article node, if there is one. */
function followingAsk(draft: TurnDraft, position: Position): { position: Position; node: AskNode } | undefined {
  const node = nodeAt(draft.content, position);
  if (!('next' in node) || !node.next) return undefined;
  const target = positionOf(draft.content, node.next, position.tree);
  const nextNode = nodeAt(draft.content, target);
  return 'ask' in nextNode ? { position: target, node: nextNode } : undefined;
}

export function answerPaging(draft: TurnDraft, position: Position, input: AnswerInput): boolean {
  const { state, content } = draft;
  const page = state.page!;
  const wantsMore = input.choice === CHOICE_VALUES.more || (!input.choice && isCommand(content.messages, 'more', input.text));
  if (wantsMore) {
    state.page = undefined;
    state.at = undefined;
    sendSection(draft, position, page);
    if (state.page === undefined) {
      // That was the last section: carry on with the tree.
      const node = nodeAt(content, position);
      const nextTarget = 'next' in node ? node.next : undefined;
      if (nextTarget) goTo(draft, nextTarget, position.tree);
    }
    return true;
  }
  const node = nodeAt(content, position);
  const nextTarget = 'next' in node ? node.next : undefined;
  if (input.choice === CHOICE_VALUES.resume && nextTarget) {
    goTo(draft, nextTarget, position.tree);
    return true;
  }
  // Anything else is taken as an answer to the question that follows the article.
  const following = followingAsk(draft, position);
  if (!following) return false;
  const saved = { at: state.at, page: state.page };
  state.at = following.position;
  state.page = undefined;
  if (answerCurrent(draft, input)) return true;
  state.at = saved.at;
  state.page = saved.page;
  return false;
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
