// No reply of 40 or more characters is sent twice in one conversation, word for word. The state
// keeps a short hash of each such reply (a bounded list, newest last). At the end of a turn, a
// reply said before takes another wording of its line when there is one (messages
// `repeats.forms`: the one not yet said, else the one said longest ago), or is left out. Urgent
// advice, crisis help, outcomes, summaries and anything carrying the emergency number are never
// left out; a question asked again gets a short line in front of it instead.
import { nodeAt, type EngineContent, type TurnDraft } from '../engine/draft.js';
import type { Reply } from '../engine/replies.js';
import { escapeRegExp } from '../text/regex.js';
import { sha256 } from '../util/hash.js';
import { memoizeText } from '../util/memo.js';

/** Replies shorter than this may repeat ("Yes", "What would you like to do?"). */
export const REPEAT_MIN_CHARS = 40;
/** How many replies the state remembers. */
const MAX_SAID = 48;

/** The text as a person would compare it: spaces collapsed, case ignored. */
function normal(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** A short fingerprint of a reply as a person would compare it (7 hex characters in the state). */
export const saidHash: (text: string) => string = memoizeText((text) => sha256(normal(text)).slice(0, 7), 1024);

interface Forms {
  /** Matches the line as sent, capturing its placeholders' values. */
  matcher: RegExp;
  names: string[];
  forms: string[];
}

const formsByContent = new WeakMap<EngineContent, Forms[]>();

function templateOf(content: EngineContent, where: string): string | undefined {
  if (where.startsWith('dialogs.')) {
    const [, tree, node] = where.split('.');
    try {
      const found = nodeAt(content, { tree: tree!, node: node! }) as { text?: string; say?: { text?: string; article?: string; section?: string } };
      const { article, section } = found.say ?? {};
      // A node that shows an article's section (the capability list): that section's first message.
      if (article && section && content.articles.has(article)) return content.articles.get(article).sections.find((s) => s.id === section)?.messages[0];
      return found.say?.text ?? found.text;
    } catch {
      return undefined;
    }
  }
  let value: unknown = content.messages;
  for (const part of where.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
  return typeof value === 'string' ? value : undefined;
}

/** A template as a pattern: each {placeholder} (or plural form) matches any text. */
function matcherOf(template: string): { matcher: RegExp; names: string[] } {
  const names: string[] = [];
  const parts = template.split(/(\{[a-z_][a-z0-9_]*(?:\|[^{}]*)?\})/);
  const source = parts
    .map((part, i) => {
      if (i % 2 === 0) return escapeRegExp(part);
      const name = /^\{([a-z_][a-z0-9_]*)/.exec(part)![1]!;
      if (part.includes('|') || names.includes(name)) return '[\\s\\S]+?';
      names.push(name);
      return '([\\s\\S]+?)';
    })
    .join('');
  return { matcher: new RegExp(`^${source}$`), names };
}

function formsOf(content: EngineContent): Forms[] {
  let forms = formsByContent.get(content);
  if (!forms) {
    forms = [];
    for (const [where, list] of Object.entries(content.messages.repeats.forms)) {
      const template = templateOf(content, where);
      if (template) forms.push({ ...matcherOf(template), forms: list });
    }
    formsByContent.set(content, forms);
  }
  return forms;
}

/** Other wordings of the line this reply is, filled with the same values. */
function otherWordings(draft: TurnDraft, text: string): string[] {
  for (const { matcher, names, forms } of formsOf(draft.content)) {
    const match = matcher.exec(text);
    if (!match) continue;
    const values = Object.fromEntries(names.map((name, i) => [name, match[i + 1]!]));
    return forms.map((form) => draft.fill(form, values));
  }
  return [];
}

function mustStay(draft: TurnDraft, reply: Reply): boolean {
  return Boolean(reply.urgent || reply.crisis || reply.triage || reply.summary || reply.ask || reply.text.includes(draft.content.emergencyNumber));
}

/**
 * A question asked again word for word: a line in front of it ("Here's the question again."),
 * and when that was said before with it too, another wording of the line (repeats.forms), so a
 * question asked after several asides is never the same reply twice.
 */
function questionAgain(draft: TurnDraft, question: string, said: string[]): string {
  const { repeats } = draft.content.messages;
  const lines = [repeats.question_again, ...(repeats.forms['repeats.question_again'] ?? [])].map((line) => `${draft.fill(line)}\n${question}`);
  return lines.find((text) => !said.includes(saidHash(text))) ?? [...lines].sort((a, b) => said.indexOf(saidHash(a)) - said.indexOf(saidHash(b)))[0]!;
}

/** Remembers the turn's replies without changing them (the welcome). */
export function noteSaid(draft: TurnDraft): void {
  const said = draft.state.said ?? [];
  for (const reply of draft.replies) if (reply.text.length >= REPEAT_MIN_CHARS) said.push(saidHash(reply.text));
  draft.state.said = said.slice(-MAX_SAID);
}

/** The end of a turn: no reply of 40+ characters that was sent before, then remember them. */
export function avoidRepeats(draft: TurnDraft): void {
  const said = draft.state.said ?? [];
  const known = (text: string) => text.length >= REPEAT_MIN_CHARS && said.includes(saidHash(text));
  const kept: Reply[] = [];
  let dropped = 0;
  for (const reply of draft.replies) {
    let out: Reply | undefined = reply;
    if (known(reply.text)) {
      const wordings = otherWordings(draft, reply.text);
      const fresh = wordings.find((w) => !known(w));
      // All said: the one said longest ago (or the shortest form, which may repeat).
      const oldest = [...wordings].sort((a, b) => said.indexOf(saidHash(a)) - said.indexOf(saidHash(b)))[0];
      const wording = fresh ?? oldest;
      if (wording !== undefined) out = { ...reply, text: wording };
      else if (reply.ask) out = { ...reply, text: questionAgain(draft, reply.text, said) };
      else if (!mustStay(draft, reply)) out = undefined;
    }
    if (!out) {
      dropped++;
      // Its buttons stay, on the reply before it.
      const previous = kept[kept.length - 1];
      if (reply.choices?.length) {
        if (previous && !previous.choices?.length && !previous.ask) kept[kept.length - 1] = { ...previous, choices: reply.choices };
        else kept.push({ ...reply, text: draft.fill(draft.content.messages.repeats.said_above) });
      }
      continue;
    }
    kept.push(out);
    if (out.text.length >= REPEAT_MIN_CHARS) said.push(saidHash(out.text));
  }
  if (dropped > 0 && kept.length === 0) kept.push({ text: draft.fill(draft.content.messages.repeats.said_above) });
  draft.replies.splice(0, draft.replies.length, ...kept);
  draft.state.said = said.slice(-MAX_SAID);
}
