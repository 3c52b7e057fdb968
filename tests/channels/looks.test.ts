// How replies look: urgent advice and crisis help are alerts with a tap-to-call button in Web Chat
// and Teams; long menus keep every option (a "More options" card in Teams); `backline check`
// fails on a menu longer than a channel can show.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from '@microsoft/agents-activity';
import { afterAll, describe, expect, it } from 'vitest';
import { MENU_LIMITS } from '../../src/channels/menuLimits.js';
import { renderReplies, telUrl, type RenderContent } from '../../src/channels/render.js';
import { inspectContent } from '../../src/content.js';
import type { Reply } from '../../src/engine/replies.js';
import { Chat, testBackline } from '../helpers/backline.js';

const backline = testBackline({ EMERGENCY_NUMBER: '999' });
afterAll(() => backline.close());
const content: RenderContent = backline.content.engine;

interface CardElement {
  type: string;
  id?: string;
  style?: string;
  text?: string;
  url?: string;
  title?: string;
  items?: CardElement[];
  actions?: CardElement[];
  card?: { body: CardElement[] };
  data?: { choice: string };
}

function cardOf(activity: Partial<Activity>): { body: CardElement[] } | undefined {
  return activity.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content as { body: CardElement[] } | undefined;
}

/** Every element of a card, nested containers, action sets and "More options" cards included. */
function elements(list: CardElement[]): CardElement[] {
  return list.flatMap((e) => [e, ...elements(e.items ?? []), ...elements(e.actions ?? []), ...elements(e.card?.body ?? [])]);
}

const urgent: Reply = { text: '**Go to an emergency department now.**', urgent: true, triage: { level: 'emergency', reasons: [], final: false } };
const crisis: Reply = { text: 'Please call or text 116 123.', crisis: true };
const overdose: Reply = { text: 'Call 999 now.', crisis: true, urgent: true };

describe('urgent advice and crisis help are alerts with a tap-to-call button', () => {
  it('Web Chat: the text as it was, and under it an attention card calling the emergency number', () => {
    const [activity] = renderReplies([urgent], 'webchat', content);
    expect(activity!.text).toBe(urgent.text);
    expect(activity!.channelData).toEqual({ backline: { urgent: true, triage: { level: 'emergency', reasons: [], final: false } } });
    const all = elements(cardOf(activity!)!.body);
    expect(all.find((e) => e.type === 'Container')).toMatchObject({ style: 'attention', id: expect.stringMatching(/^backline-alert-[0-9a-f]{8}$/) });
    expect(all.filter((e) => e.type === 'Action.OpenUrl').map((e) => [e.title, e.url])).toEqual([['Call 999', 'tel:999']]);
  });

  it('Teams: the text inside an attention container with the call button', () => {
    const [activity] = renderReplies([urgent], 'msteams', content);
    const card = cardOf(activity!)!;
    const alert = card.body[0]!;
    expect(alert).toMatchObject({ type: 'Container', style: 'attention' });
    expect(alert.items![0]).toMatchObject({ type: 'TextBlock', text: urgent.text });
    expect(
      elements(alert.items!)
        .filter((e) => e.type === 'Action.OpenUrl')
        .map((e) => e.url),
    ).toEqual(['tel:999']);
    expect(activity!.summary).toBe(urgent.text);
    expect((activity!.channelData as { backline: { urgent: boolean } }).backline.urgent).toBe(true);
  });

  it('crisis help calls the crisis line first, then the emergency number; an overdose the emergency number first', () => {
    const calls = (reply: Reply, channel: string) =>
      elements(cardOf(renderReplies([reply], channel, content)[0]!)!.body)
        .filter((e) => e.type === 'Action.OpenUrl')
        .map((e) => `${e.title} ${e.url}`);
    for (const channel of ['webchat', 'msteams']) {
      expect(calls(crisis, channel)).toEqual(['Call 116 123 tel:116123', 'Call 999 tel:999']);
      expect(calls(overdose, channel)).toEqual(['Call 999 tel:999', 'Call 116 123 tel:116123']);
    }
  });

  it('ordinary replies carry no alert, and the terminal gets plain text', () => {
    expect(renderReplies([{ text: 'Hello.' }], 'webchat', content)[0]!.attachments).toBeUndefined();
    expect(renderReplies([urgent], 'cli', content)[0]).toMatchObject({ text: urgent.text });
    expect(renderReplies([urgent], 'cli', content)[0]!.attachments).toBeUndefined();
  });

  it('a tel: URL keeps only what a phone dials', () => {
    expect(telUrl('1-800-222-1222')).toBe('tel:18002221222');
    expect(telUrl('+44 (0)20 7946 0000')).toBe('tel:+4402079460000');
  });

  it('a red flag typed in a real conversation gets the call button (Web Chat)', async () => {
    const chat = new Chat(backline);
    await chat.open();
    const replies = await chat.say("I can't feel my bum when I wipe and I've wet myself");
    const alert = replies.find((a) => cardOf(a));
    expect(alert, replies.map((a) => a.text).join('\n')).toBeDefined();
    expect((alert!.channelData as { backline: { urgent?: boolean } }).backline.urgent).toBe(true);
    expect(elements(cardOf(alert!)!.body).some((e) => e.type === 'Action.OpenUrl' && e.url === 'tel:999')).toBe(true);
  });
});

describe('no option is silently dropped', () => {
  const many = Array.from({ length: 9 }, (_, i) => ({ label: `Option ${i + 1}`, value: `n#${i}` }));

  it('Teams shows the first options and puts the rest behind "More options", in order', () => {
    const card = cardOf(renderReplies([{ text: 'Pick', choices: many }], 'msteams', content)[0]!)!;
    const face = card.body.filter((e) => e.type === 'ActionSet').flatMap((s) => s.actions!);
    expect(face).toHaveLength(MENU_LIMITS.teams.shown);
    expect(face.slice(0, -1).map((a) => a.title)).toEqual(many.slice(0, MENU_LIMITS.teams.shown - 1).map((c) => c.label));
    const more = face.at(-1)!;
    expect(more).toMatchObject({ type: 'Action.ShowCard', title: 'More options' });
    const behind = elements(more.card!.body).filter((e) => e.type === 'Action.Submit');
    expect(behind.map((a) => a.data!.choice)).toEqual(many.slice(MENU_LIMITS.teams.shown - 1).map((c) => c.value));
  });

  it('a menu that fits has no "More options"', () => {
    const card = cardOf(renderReplies([{ text: 'Pick', choices: many.slice(0, 6) }], 'msteams', content)[0]!)!;
    expect(elements(card.body).filter((e) => e.type === 'Action.Submit')).toHaveLength(6);
    expect(elements(card.body).some((e) => e.type === 'Action.ShowCard')).toBe(false);
  });

  it('Web Chat offers every option as a suggested action', () => {
    const [activity] = renderReplies([{ text: 'Pick', choices: many }], 'webchat', content);
    expect(activity!.suggestedActions!.actions.map((a) => a.title)).toEqual(many.map((c) => c.label));
  });

  it('after the causes article every cause and "Main menu" can be tapped, in Web Chat and Teams', async () => {
    const chat = new Chat(backline);
    await chat.open();
    await chat.say('what causes back and leg pain');
    for (const label of ['Osteoarthritis', 'Spinal stenosis', 'Main menu', 'Tell me more', 'Where is this from?']) {
      expect(chat.buttonLabels(), label).toContain(label);
    }
    const teams = renderReplies([{ text: 'Causes', choices: chat.buttons().map((b) => ({ label: b.title, value: b.value.choice })) }], 'msteams', content);
    const titles = elements(cardOf(teams[0]!)!.body)
      .filter((e) => e.type === 'Action.Submit')
      .map((e) => e.title);
    expect(titles).toEqual(chat.buttonLabels());
  });
});

describe('backline check and menu length', () => {
  function contentCopy(): string {
    const root = mkdtempSync(join(tmpdir(), 'backline-menus-'));
    for (const dir of ['knowledge', 'dialogs']) cpSync(join(process.cwd(), dir), join(root, dir), { recursive: true });
    return root;
  }

  it('the shipped dialogs fit every channel', () => {
    const { problems } = inspectContent(process.cwd(), '911');
    expect(problems.filter((p) => /menu/.test(p.message))).toEqual([]);
  });

  it('fails, with file and line, on a menu longer than a channel can show', () => {
    const root = contentCopy();
    const file = join(root, 'dialogs', 'education.yaml');
    const text = readFileSync(file, 'utf8');
    const extra = Array.from({ length: 3 }, (_, i) => `      - { label: Extra ${i}, goto: main.menu }\n`).join('');
    writeFileSync(
      file,
      text.replace(
        '      - { label: Main menu, goto: main.menu, synonyms: [menu, back] }\n\n  sciatica',
        `      - { label: Main menu, goto: main.menu, synonyms: [menu, back] }\n${extra}\n  sciatica`,
      ),
    );
    const { problems } = inspectContent(root, '911');
    const menu = problems.filter((p) => /menu "education.pick_condition"/.test(p.message));
    expect(menu.map((p) => p.message).join('\n')).toMatch(/can show 12 buttons; teams shows at most 11/);
    expect(menu[0]!.file).toBe(file);
    expect(readFileSync(file, 'utf8').split('\n')[menu[0]!.line - 1]).toMatch(/^\s+pick_condition:/);
  });
});
