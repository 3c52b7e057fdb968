// Teams-shaped activities through POST /api/messages; the replies are read where Teams would get
// them: POST /v3/conversations/:id/activities[/:replyToId] on a local capture server.
import type { Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Backline } from '../../src/app.js';
import { testBackline } from '../helpers/backline.js';
import { CaptureServer, close, listen, post, type CapturedActivity } from '../helpers/http.js';
import {
  actionsOf,
  BOT,
  cardsOf,
  loopbackGuard,
  teamsActivity,
  teamsConversation,
  teamsSubmit,
  teamsText,
  visibleText,
  type ConversationType,
  type TeamsConversation,
} from './support/teams.js';

let backline: Backline;
let capture: CaptureServer;
let server: Server;
let url: string;

beforeAll(async () => {
  backline = testBackline({ EMERGENCY_NUMBER: '999' });
  capture = await new CaptureServer().start();
  ({ server, url } = await listen(backline));
});
afterAll(async () => {
  if (server) await close(server);
  await capture?.stop();
  await backline?.close();
});
afterEach(() => {
  expect(loopbackGuard.blocked, 'a non-loopback connection was attempted').toEqual([]);
});

/** Posts one activity and returns the replies the bot sent for it. */
async function send(conversation: TeamsConversation, activity: Record<string, unknown>): Promise<CapturedActivity[]> {
  const before = capture.for(conversation.id).length;
  const res = await post(url, activity);
  expect(res.status).toBeLessThan(300);
  return capture.for(conversation.id).slice(before);
}

async function install(type: ConversationType = 'personal'): Promise<{ conversation: TeamsConversation; replies: CapturedActivity[] }> {
  const conversation = teamsConversation(type);
  const replies = await send(conversation, teamsActivity(capture, conversation, { type: 'installationUpdate', action: 'add', text: undefined }));
  return { conversation, replies };
}

function actionTitled(replies: CapturedActivity[], title: string) {
  const action = cardsOf(replies)
    .flatMap(actionsOf)
    .find((a) => a.title === title);
  if (!action)
    throw new Error(
      `no card button "${title}" in: ${cardsOf(replies)
        .flatMap(actionsOf)
        .map((a) => a.title)
        .join(' | ')}`,
    );
  return action;
}

const levelsOf = (replies: CapturedActivity[]) => replies.map((r) => r.body.channelData?.backline?.triage?.level).filter(Boolean);

describe('installing the app in a personal chat', () => {
  it('welcomes the person with an Adaptive Card menu of Action.Submit buttons', async () => {
    const { conversation, replies } = await install();
    expect(visibleText(replies)).toMatch(/I'm Backline/);
    expect(visibleText(replies)).toMatch(/999/);
    const [card] = cardsOf(replies);
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    const actions = actionsOf(card!);
    expect(actions.map((a) => a.title)).toEqual(expect.arrayContaining(["Check if it's serious", 'Talk to a person']));
    for (const action of actions) {
      expect(action.type).toBe('Action.Submit');
      expect(action.data).toEqual({ choice: expect.any(String), label: action.title });
    }
    // Replies go to the person's conversation, from the bot, to the person.
    for (const reply of replies) {
      expect(reply.conversationId).toBe(conversation.id);
      expect(reply.body.from).toMatchObject({ id: BOT.id });
      expect(reply.body.recipient).toMatchObject({ id: conversation.user.id });
    }
  });

  it('Teams announcing the install twice at once (installationUpdate and conversationUpdate) greets once', async () => {
    const conversation = teamsConversation('personal');
    await Promise.all([
      post(url, teamsActivity(capture, conversation, { type: 'installationUpdate', action: 'add', text: undefined })),
      post(
        url,
        teamsActivity(capture, conversation, {
          type: 'conversationUpdate',
          text: undefined,
          membersAdded: [{ id: BOT.id }],
          channelData: { tenant: { id: 'tenant' }, eventType: 'teamMemberAdded' },
        }),
      ),
      post(
        url,
        teamsActivity(capture, conversation, {
          type: 'conversationUpdate',
          text: undefined,
          membersAdded: [{ id: conversation.user.id, aadObjectId: conversation.user.aadObjectId }],
        }),
      ),
    ]);
    const welcomes = capture.for(conversation.id).filter((r) => /I'm Backline/.test(String(r.body.text)));
    expect(welcomes).toHaveLength(1);
  });

  it('an install announced only as "bot added" (conversationUpdate) also greets', async () => {
    const conversation = teamsConversation('personal');
    const replies = await send(
      conversation,
      teamsActivity(capture, conversation, { type: 'conversationUpdate', text: undefined, membersAdded: [{ id: BOT.id }] }),
    );
    expect(visibleText(replies)).toMatch(/I'm Backline/);
  });

  it('uninstalling says nothing', async () => {
    const conversation = teamsConversation('personal');
    const replies = await send(conversation, teamsActivity(capture, conversation, { type: 'installationUpdate', action: 'remove', text: undefined }));
    expect(replies).toEqual([]);
  });
});

describe('a personal chat', () => {
  it('answers the headline question, and replies thread to the message', async () => {
    const { conversation } = await install();
    const message = teamsText(capture, conversation, 'why does my back hurt when I lift my leg');
    const replies = await send(conversation, message);
    expect(visibleText(replies)).toMatch(/nerve|sciatic|disc/i);
    expect(replies.every((r) => r.replyToId === message.id)).toBe(true);
  });

  it('a card button press (Action.Submit value, no text) is handled by the dialog engine', async () => {
    const { conversation, replies: welcome } = await install();
    const check = actionTitled(welcome, "Check if it's serious");
    const replies = await send(conversation, teamsSubmit(capture, conversation, check.data));
    expect(visibleText(replies)).toMatch(/saddle/i);
    const asked = replies.map((r) => r.body.channelData as { backline?: { ask?: { evidence?: string } } } | undefined).find((d) => d?.backline?.ask);
    expect(asked?.backline?.ask?.evidence).toBe('saddle_anaesthesia');
    expect(
      cardsOf(replies)
        .flatMap(actionsOf)
        .map((a) => a.title),
    ).toEqual(expect.arrayContaining(['Yes', 'No']));
  });

  it('a red-flag answer on a card produces the urgent advice first', async () => {
    const { conversation, replies: welcome } = await install();
    const questions = await send(conversation, teamsSubmit(capture, conversation, actionTitled(welcome, "Check if it's serious").data));
    const replies = await send(conversation, teamsSubmit(capture, conversation, actionTitled(questions, 'Yes').data));
    expect(levelsOf(replies)[0]).toBe('emergency');
    expect(replies[0]!.body.channelData).toMatchObject({ backline: { urgent: true } });
    expect(visibleText(replies.slice(0, 1))).toMatch(/999|emergency/i);
  });

  it('a red flag typed in free text is acted on at once', async () => {
    const { conversation } = await install();
    const replies = await send(conversation, teamsText(capture, conversation, 'I cannot feel anything down there when I wipe'));
    expect(levelsOf(replies)[0]).toBe('emergency');
  });

  it.each([
    ['help', /What would you like to do|menu/i],
    ['check symptoms', /saddle/i],
    ['talk to a person', /person|team/i],
  ])('the bot command "%s" from the Teams command menu works as typed text', async (command, expected) => {
    const { conversation } = await install();
    const replies = await send(conversation, teamsText(capture, conversation, command));
    expect(visibleText(replies)).toMatch(expected);
  });

  it('bot commands work in the middle of the symptom check too', async () => {
    const { conversation } = await install();
    await send(conversation, teamsText(capture, conversation, 'check symptoms'));
    // Leaving the check needs a yes (issue #14), then the menu.
    const help = await send(conversation, teamsText(capture, conversation, 'help'));
    expect(visibleText(help)).toMatch(/Stop the check\?/);
    const menu = await send(conversation, teamsText(capture, conversation, 'yes'));
    expect(
      cardsOf(menu)
        .flatMap(actionsOf)
        .map((a) => a.title),
    ).toContain("Check if it's serious");
    await send(conversation, teamsText(capture, conversation, 'check symptoms'));
    const person = await send(conversation, teamsText(capture, conversation, 'talk to a person'));
    expect(visibleText(person)).toMatch(/person|team/i);
  });

  it('an @mention in the text is stripped before the bot reads it', async () => {
    const { conversation } = await install();
    const replies = await send(conversation, teamsText(capture, conversation, 'why does my back hurt when I lift my leg', true));
    expect(visibleText(replies)).toMatch(/nerve|sciatic|disc/i);
    expect(visibleText(replies)).not.toMatch(/<at>/);
  });

  it('every card stays within Teams limits: v1.5, at most 6 actions per ActionSet, under 28 KB', async () => {
    const { conversation, replies: welcome } = await install();
    const all = [...welcome];
    all.push(...(await send(conversation, teamsSubmit(capture, conversation, actionTitled(welcome, 'Learn about causes').data))));
    all.push(...(await send(conversation, teamsText(capture, conversation, 'check symptoms'))));
    all.push(...(await send(conversation, teamsText(capture, conversation, 'yes'))));
    expect(cardsOf(all).length).toBeGreaterThan(2);
    for (const reply of all) expect(Buffer.byteLength(JSON.stringify(reply.body))).toBeLessThan(28 * 1024);
    for (const card of cardsOf(all)) {
      expect(card.version).toBe('1.5');
      for (const set of card.body.filter((b) => b.type === 'ActionSet')) expect(set.actions!.length).toBeLessThanOrEqual(6);
    }
  });
});

describe.each(['groupChat', 'channel'] as const)('a Teams %s', (type) => {
  it('installing posts one polite note and no health content', async () => {
    const conversation = teamsConversation(type);
    await Promise.all([
      post(url, teamsActivity(capture, conversation, { type: 'installationUpdate', action: 'add', text: undefined })),
      post(url, teamsActivity(capture, conversation, { type: 'conversationUpdate', text: undefined, membersAdded: [{ id: BOT.id }] })),
    ]);
    const replies = capture.for(conversation.id);
    expect(replies).toHaveLength(1);
    expect(visibleText(replies)).toMatch(/personal chat/i);
    expect(visibleText(replies)).toMatch(/999/);
    expect(cardsOf(replies)).toEqual([]);
  });

  it('someone else joining the team or chat does not repeat the note', async () => {
    const conversation = teamsConversation(type);
    const replies = await send(
      conversation,
      teamsActivity(capture, conversation, {
        type: 'conversationUpdate',
        text: undefined,
        membersAdded: [{ id: '29:1someone-new', aadObjectId: 'b7c1e2f3-0000-4000-8000-000000000001' }],
      }),
    );
    expect(replies).toEqual([]);
  });

  it('a mention with health details gets the note, never an answer that repeats them', async () => {
    const conversation = teamsConversation(type);
    const replies = await send(conversation, teamsText(capture, conversation, 'why does my back hurt when I lift my leg'));
    expect(replies).toHaveLength(1);
    const text = visibleText(replies);
    expect(text).toMatch(/personal chat/i);
    expect(text).not.toMatch(/leg|nerve|disc/i);
    expect(replies[0]!.body.channelData?.backline?.triage).toBeUndefined();
  });

  it('a warning sign still gets the urgent advice first, without repeating what was said', async () => {
    const conversation = teamsConversation(type);
    const replies = await send(conversation, teamsText(capture, conversation, 'why does my back hurt when I lift my leg, and I wet myself'));
    expect(replies).toHaveLength(2);
    expect(replies[0]!.body.channelData?.backline?.triage?.level).toBe('emergency');
    expect(visibleText(replies.slice(0, 1))).toMatch(/go to A&E/i);
    const text = visibleText(replies);
    expect(text).toMatch(/personal chat/i);
    expect(text).not.toMatch(/wet|leg|nerve|disc|bladder/i);
  });

  it('crisis words still get the crisis help first, then the note', async () => {
    const conversation = teamsConversation(type);
    const replies = await send(conversation, teamsText(capture, conversation, 'honestly I just want to end my life'));
    expect(replies).toHaveLength(2);
    expect(replies[0]!.body.channelData?.backline?.crisis).toBe(true);
    expect(visibleText(replies)).toMatch(/personal chat/i);
  });

  it('nothing about the conversation is stored', async () => {
    const conversation = teamsConversation(type);
    await send(conversation, teamsText(capture, conversation, 'check symptoms'));
    expect(await backline.storage.listKeys(`c/msteams/${encodeURIComponent(conversation.id)}/`)).toEqual([]);
  });
});
