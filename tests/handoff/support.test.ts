// Human support through the real adapter path (in-process conversations) with the support
// service acting for team members: queue, waiting, live chat, closing and feedback, call-backs,
// trial leads, "forget me", and the contact-centre hand-off events.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Activity } from '@microsoft/agents-activity';
import type { Backline } from '../../src/app.js';
import { conversationPrefix } from '../../src/conversation/store.js';
import type { ConversationState } from '../../src/engine/state.js';
import { findCase, updateCase } from '../../src/handoff/cases.js';
import { SupportActionError } from '../../src/handoff/service.js';
import { Chat, dataOf, testBackline } from '../helpers/backline.js';
import { agentOnline, ALEX, captureProactive, SAM, supportEnv, type FakeSender } from '../helpers/support.js';

let backline: Backline;
let fake: FakeSender;

beforeAll(() => {
  backline = testBackline(supportEnv());
  fake = captureProactive(backline);
});
afterAll(async () => {
  await backline.close();
});
beforeEach(async () => {
  // Each test starts with an empty queue and nobody online.
  await backline.storage.deleteByPrefix('h/');
  fake.sent.length = 0;
});

const chat = () => new Chat(backline).open();
const service = () => backline.support.service;

async function stateOf(c: Chat): Promise<ConversationState> {
  const key = `${conversationPrefix({ channelId: 'webchat', conversationId: c.conversation.conversationId })}state`;
  return ((await backline.storage.read([key]))[key] as { state: ConversationState }).state;
}

async function caseIdOf(c: Chat): Promise<string> {
  const state = await stateOf(c);
  if (!state.support) throw new Error('no open support request');
  return state.support.caseId;
}

function expectUrgentFirst(c: Chat, level: string): void {
  expect(dataOf(c.last[0]!)?.triage?.level).toBe(level);
  expect(dataOf(c.last[0]!)?.urgent).toBe(true);
}

describe('nobody online: a call-back', () => {
  it('is offered, with the contact recognised and confirmed, a good time and consent, and arrives in the console', async () => {
    const c = await chat();
    await c.say('let me talk to a real person');
    expect(c.text()).toMatch(/no one from the team free to chat/i);
    await c.say('yes please');
    expect(c.text()).toMatch(/phone number or email/i);
    await c.say('call me on 555 123 4567');
    expect(c.text()).toMatch(/contact you at 555 123 4567/);
    await c.say('yes');
    expect(c.text()).toMatch(/good time/i);
    await c.say('weekday mornings');
    expect(c.text()).toMatch(/keep these details/i);
    await c.say('yes');
    expect(c.text()).toMatch(/call-back request is saved/i);

    const queue = await service().queue();
    expect(queue).toHaveLength(1);
    expect(queue[0]).toMatchObject({ type: 'callback', status: 'waiting', callback: { contact: '555 123 4567', time: 'weekday mornings' } });
    // The details live with the case only, not in the conversation's answers.
    expect(Object.keys((await stateOf(c)).answers).filter((k) => k.startsWith('callback_'))).toEqual([]);
  });

  it('stores nothing without consent, and drops the number that was typed', async () => {
    const c = await chat();
    await c.tap('Talk to a person');
    await c.say('yes');
    await c.say('pat@example.org');
    await c.say('yes');
    await c.say('any time');
    await c.say('no');
    expect(c.text()).toMatch(/haven't saved your contact details/i);
    expect(await service().queue()).toEqual([]);
    expect(JSON.stringify((await stateOf(c)).answers)).not.toMatch(/pat@example/);
  });

  it('outside support hours, the offer says when the team is there', async () => {
    const closedDay = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][(new Date().getUTCDay() + 3) % 7];
    const closed = testBackline(supportEnv({ SUPPORT_HOURS: `${closedDay} 09:00-17:00; Europe/London` }));
    try {
      await agentOnline(closed);
      const c = await new Chat(closed).open();
      await c.tap('Talk to a person');
      expect(c.text()).toMatch(new RegExp(`isn't available to chat right now. They're here ${closedDay} 09:00-17:00 \\(London time\\)`));
      expect(c.buttonLabels()).toEqual(['Yes', 'No']);
    } finally {
      await closed.close();
    }
  });
});

describe('waiting in the queue', () => {
  it('gives the place in the queue and an honest wait; messages are kept for the team; "cancel" leaves', async () => {
    await agentOnline(backline);
    const a = await chat();
    await a.tap('Talk to a person');
    expect(a.text()).toMatch(/person from the team/i);
    expect(a.text()).toMatch(/number 1 in the queue/);
    expect(a.text()).toMatch(/can't say exactly how long/i);
    expect(a.buttonLabels()).toEqual(['Cancel request']);

    const b = await chat();
    await b.say('let me talk to a real person');
    expect(b.text()).toMatch(/number 2 in the queue/);
    await b.say('hello? is anyone there');
    expect(b.text()).toMatch(/added that to your request. You're number 2/);
    await b.say('talk to a person');
    expect(b.text()).toMatch(/already in the queue/i);

    const bCase = await caseIdOf(b);
    await b.tap('Cancel request');
    expect(b.text()).toMatch(/cancelled your request/i);
    expect((await stateOf(b)).support).toBeUndefined();
    expect((await findCase(backline.storage, bCase))?.supportCase).toMatchObject({ status: 'cancelled', closedBy: 'user' });
    expect((await service().queue()).map((q) => q.id)).toEqual([await caseIdOf(a)]);
    // What b typed while waiting is in the transcript the team would have seen.
    const view = await service().view(bCase, SAM);
    expect(view.transcript.items.flatMap((i) => i.entries).some((e) => e.role === 'user' && e.text === 'hello? is anyone there')).toBe(true);
  });

  it('is ordered most urgent first, and a warning sign while waiting gets urgent advice at once and moves the case up', async () => {
    await agentOnline(backline);
    const a = await chat();
    await a.tap('Talk to a person');
    const b = await chat();
    await b.say('i fell off a ladder and now i cannot feel my bum');
    expectUrgentFirst(b, 'emergency_ambulance');
    await b.tap('Talk to a person');
    expect(b.text()).toMatch(/number 1 in the queue/);

    await a.say('now both my legs have gone numb');
    expectUrgentFirst(a, 'emergency');
    expect(a.text()).toMatch(/marked your request as urgent/i);
    const queue = await service().queue();
    expect(queue.map((q) => q.id)).toEqual([await caseIdOf(b), await caseIdOf(a)]);
    expect(queue[1]).toMatchObject({ level: 'emergency', redFlags: ['bilateral_leg_symptoms'] });
    expect(queue[1]!.summary.redFlags.map((f) => f.id)).toEqual(['bilateral_leg_symptoms']);
  });

  it('a slow queue sends one update per interval, with a call-back offered instead', async () => {
    await agentOnline(backline);
    const a = await chat();
    await a.tap('Talk to a person');
    const id = await caseIdOf(a);
    expect(await service().sendWaitUpdates()).toBe(0);
    // Four minutes pass (the default interval is three).
    await updateCase(backline.storage, id, (c) => ({ ...c, createdAt: new Date(Date.now() - 4 * 60_000).toISOString() }));
    expect(await service().sendWaitUpdates()).toBe(1);
    expect(await service().sendWaitUpdates()).toBe(0);
    const texts = fake.textsFor(a.conversation.conversationId);
    expect(texts.join('\n')).toMatch(/Thanks for waiting. You're now number 1 in the queue/);
    const update = fake.sent.at(-1)!.activity as Activity;
    expect(update.suggestedActions?.actions.map((x) => x.title)).toEqual(['Ask for a call back', 'Cancel request']);

    // Tapping the update's button (it came proactively, so tap its value directly).
    const callBack = update.suggestedActions!.actions[0]!;
    a.last = await a.conversation.tap((callBack.value as { choice: string }).choice, callBack.title);
    expect(a.text()).toMatch(/phone number or email/i);
    expect(await service().queue()).toEqual([]);
  });
});

describe('a request that is no longer open', () => {
  it('a request whose case is still being stored (by the opening turn, perhaps on another instance) is kept, not opened twice', async () => {
    await agentOnline(backline);
    const c = await chat();
    await c.tap('Talk to a person');
    const id = await caseIdOf(c);
    // As another instance sees it between saving the state and storing the case.
    const stored = (await findCase(backline.storage, id))!;
    const records = await backline.storage.read([stored.key, `h/case/${id}`, `h/open/${id}`]);
    await backline.storage.delete(Object.keys(records));
    await c.say('are you there');
    expect((await stateOf(c)).support?.caseId).toBe(id);
    // No second case was opened for this conversation.
    expect(await backline.storage.listKeys(`${conversationPrefix({ channelId: 'webchat', conversationId: c.conversation.conversationId })}case/`)).toEqual([]);
  });

  it('goes back to the bot instead of waiting for a case nobody can see', async () => {
    await agentOnline(backline);
    const c = await chat();
    await c.tap('Talk to a person');
    const id = await caseIdOf(c);
    // The case aged out (retention, days later) while the conversation lived on.
    const stored = (await findCase(backline.storage, id))!;
    await backline.storage.delete([stored.key, `h/case/${id}`, `h/open/${id}`]);
    const key = `${conversationPrefix({ channelId: 'webchat', conversationId: c.conversation.conversationId })}state`;
    const item = (await backline.storage.read([key]))[key] as { state: ConversationState; eTag: string };
    await backline.storage.write({
      [key]: { ...item, state: { ...item.state, support: { ...item.state.support!, since: new Date(Date.now() - 5 * 24 * 3600_000).toISOString() } } },
    });
    await c.say('what is sciatica');
    expect(c.text()).toMatch(/sciatic/i);
    expect((await stateOf(c)).support).toBeUndefined();
  });
});

describe('a live chat with a team member', () => {
  it('claim, messages both ways, close, then the bot is back and asks for feedback', async () => {
    await agentOnline(backline);
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.tap('No');
    await c.say('talk to a person');
    const id = await caseIdOf(c);

    const before = await service().view(id, SAM);
    expect(before.case).toMatchObject({ type: 'chat', status: 'waiting', reason: 'asked' });
    expect(before.case.summary.answers).toContainEqual(expect.objectContaining({ id: 'saddle_anaesthesia', value: 'no' }));
    expect(before.case.summary.askedAbout).toContain("Check if it's serious");
    expect(before.case).not.toHaveProperty('reference');

    expect(await service().claim(id, SAM)).toEqual({ delivered: true });
    expect(fake.textsFor(c.conversation.conversationId).join('\n')).toMatch(/Sam Lee from the support team has joined/);
    expect((await stateOf(c)).support).toMatchObject({ status: 'live', agent: 'Sam Lee' });

    // The person's messages go to Sam: the bot says nothing, not even to "2" or "yes".
    expect(await c.say('my pain is worse in the mornings')).toEqual([]);
    expect(await c.say('2')).toEqual([]);
    expect(await c.say('yes')).toEqual([]);
    const view = await service().view(id, SAM);
    const userTexts = view.transcript.items
      .flatMap((i) => i.entries)
      .filter((e) => e.role === 'user')
      .map((e) => e.text);
    expect(userTexts.slice(-3)).toEqual(['my pain is worse in the mornings', '2', 'yes']);

    await service().reply(id, SAM, 'Thanks. How long has it been like this?');
    expect(fake.textsFor(c.conversation.conversationId).at(-1)).toBe('**Sam Lee:** Thanks. How long has it been like this?');
    await expect(service().reply(id, ALEX, 'hi')).rejects.toMatchObject({ status: 403 });

    await service().closeCase(id, SAM, 'Advised to see a GP this week.');
    const closing = fake.textsFor(c.conversation.conversationId).slice(-2).join('\n');
    expect(closing).toMatch(/The chat with Sam Lee has ended/);
    expect(closing).toMatch(/Did talking to the team help/);
    expect((await stateOf(c)).support).toBeUndefined();

    await c.say('yes it did');
    expect(c.text()).toMatch(/add a comment/i);
    await c.say('yes');
    await c.say('Sam was very kind');
    expect(c.text()).toMatch(/thank you for your feedback/i);
    const closed = (await findCase(backline.storage, id))!.supportCase;
    expect(closed).toMatchObject({
      status: 'closed',
      closedBy: 'agent',
      note: 'Advised to see a GP this week.',
      feedback: { helpful: 'yes', comment: 'Sam was very kind' },
    });
    expect(Object.keys((await stateOf(c)).answers).filter((k) => k.startsWith('support_'))).toEqual([]);
    expect(await service().queue()).toEqual([]);
  });

  it('a warning sign typed to the team member still gets the urgent advice in the very next reply', async () => {
    await agentOnline(backline);
    const c = await chat();
    await c.tap('Talk to a person');
    const id = await caseIdOf(c);
    await service().claim(id, SAM);
    await c.say('i suddenly cant control my bladder');
    expectUrgentFirst(c, 'emergency');
    expect(c.text()).toMatch(/let Sam Lee know/);
    const view = await service().view(id, SAM);
    expect(view.case).toMatchObject({ level: 'emergency', redFlags: ['bladder_dysfunction'] });
    expect(view.transcript.items.flatMap((i) => i.entries).some((e) => e.role === 'bot' && e.urgent)).toBe(true);
    // Still live: the next message goes to Sam.
    expect(await c.say('ok calling now')).toEqual([]);
  });

  it('a possible warning sign in a live chat is checked with the person, and a "no" goes back to the chat, not the menu', async () => {
    await agentOnline(backline);
    const c = await chat();
    await c.tap('Talk to a person');
    await service().claim(await caseIdOf(c), SAM);
    await c.say('i think i might have a fever');
    expect(c.askedNode()).toBe('confirm_flags');
    await c.say('no');
    expect(c.text()).toMatch(/Thanks for checking/);
    expect(c.askedNode()).toBeUndefined();
    expect((await stateOf(c)).support?.status).toBe('live');
    expect(await c.say('sorry, where was I')).toEqual([]);
  });

  it('"end chat" leaves, closes the case as closed by the person, and asks for feedback', async () => {
    await agentOnline(backline);
    const c = await chat();
    await c.tap('Talk to a person');
    const id = await caseIdOf(c);
    await service().claim(id, SAM);
    await c.say('end chat');
    expect(c.text()).toMatch(/left the chat/i);
    expect(c.text()).toMatch(/Did talking to the team help/);
    expect((await findCase(backline.storage, id))!.supportCase).toMatchObject({ status: 'closed', closedBy: 'user' });
    await expect(service().reply(id, SAM, 'are you there?')).rejects.toMatchObject({ status: 409 });
  });

  it('two team members cannot both claim one case', async () => {
    await agentOnline(backline);
    const c = await chat();
    await c.tap('Talk to a person');
    const id = await caseIdOf(c);
    const results = await Promise.allSettled([service().claim(id, SAM), service().claim(id, ALEX)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(SupportActionError);
    expect(refused.reason.status).toBe(409);
    expect(fake.textsFor(c.conversation.conversationId).filter((t) => /has joined/.test(t))).toHaveLength(1);
  });

  it('a message that cannot be delivered is kept in the transcript, and the console is told', async () => {
    await agentOnline(backline);
    const c = await chat();
    await c.tap('Talk to a person');
    const id = await caseIdOf(c);
    await service().claim(id, SAM);
    fake.failing = true;
    try {
      expect(await service().reply(id, SAM, 'Are you still there?')).toEqual({ delivered: false });
    } finally {
      fake.failing = false;
    }
    const view = await service().view(id, SAM);
    expect(view.transcript.items.flatMap((i) => i.entries).some((e) => e.role === 'agent' && e.text === 'Are you still there?')).toBe(true);
  });
});

describe('trial leads and "forget me"', () => {
  it('a consenting trial lead arrives in the console as a case of type trial lead', async () => {
    const c = await chat();
    await c.tap('Clinical trials');
    await c.say('yes');
    // The pre-screen (knowledge/trials/): diagnosed, age, leg pain, medicine, blood thinners, pregnancy, surgery.
    for (const answer of ['yes', '45', 'yes', 'yes', 'no', 'no', 'no']) await c.say(answer);
    expect(c.text()).toMatch(/May the research teams contact you/);
    await c.say('yes');
    await c.say('pat.example@example.org');
    await c.say('yes');
    const queue = await service().queue();
    expect(queue).toHaveLength(1);
    expect(queue[0]).toMatchObject({
      type: 'trial_lead',
      kind: 'lead',
      status: 'waiting',
      reason: 'trial_interest',
      contact: 'pat.example@example.org',
      consent: true,
    });
    // A lead is closed with a note once the trials team has been in touch.
    await service().closeCase(queue[0]!.id, ALEX, 'Sent study details');
    expect(await service().queue()).toEqual([]);
  });

  it('erases the cases, transcript and index entries, even mid-chat; the team member is then refused', async () => {
    await agentOnline(backline);
    const c = await chat();
    await c.tap('Talk to a person');
    const id = await caseIdOf(c);
    await service().claim(id, SAM);
    await c.say('forget me');
    expect(c.text()).toMatch(/can't be undone/i);
    await c.say('yes');
    expect(c.text()).toMatch(/1 support request/);
    const prefix = conversationPrefix({ channelId: 'webchat', conversationId: c.conversation.conversationId });
    expect(await backline.storage.listKeys(prefix)).toEqual([]);
    expect(await backline.storage.listKeys(`h/case/${id}`)).toEqual([]);
    expect(await backline.storage.listKeys(`h/open/${id}`)).toEqual([]);
    expect(await service().queue()).toEqual([]);
    await expect(service().reply(id, SAM, 'hello?')).rejects.toMatchObject({ status: 404 });
    await expect(service().view(id, SAM)).rejects.toMatchObject({ status: 404 });
    // Nothing came back.
    expect(await backline.storage.listKeys(prefix)).toEqual([]);
  });
});

describe('HANDOFF_MODE=event (a contact centre)', () => {
  let events: Backline;
  beforeAll(() => {
    events = testBackline({ HANDOFF_MODE: 'event' });
  });
  afterAll(async () => {
    await events.close();
  });

  it('sends handoff.initiate with the summary and transcript, then follows handoff.status', async () => {
    const c = await new Chat(events).open();
    await c.tap("Check if it's serious");
    await c.say('talk to a person');
    expect(c.text()).toMatch(/connecting you to a person/i);
    const initiate = c.last.find((a) => a.type === 'event') as Activity & { value: Record<string, unknown> };
    expect(initiate.name).toBe('handoff.initiate');
    expect(initiate.value).toMatchObject({ reason: 'asked', summary: { askedAbout: ["Check if it's serious"] } });
    const transcript = initiate.attachments![0]!;
    expect(transcript).toMatchObject({ contentType: 'application/json', name: 'Transcript' });
    const activities = (transcript.content as { activities: { text: string; from: { role: string } }[] }).activities;
    expect(activities.some((a) => a.from.role === 'user' && a.text === 'talk to a person')).toBe(true);
    // The contact centre has it; the built-in console queue does not.
    expect(await events.support.service.queue()).toEqual([]);

    expect(await c.conversation.send({ type: 'event', name: 'handoff.status', value: { state: 'accepted' } })).toEqual([]);
    const completed = await c.conversation.send({ type: 'event', name: 'handoff.status', value: { state: 'completed' } });
    expect(completed.map((a) => a.text).join('\n')).toMatch(/Did talking to the team help/);
  });

  it('a failed hand-off says so and offers a call-back', async () => {
    const c = await new Chat(events).open();
    await c.tap('Talk to a person');
    const failed = await c.conversation.send({ type: 'event', name: 'handoff.status', value: { state: 'failed', message: 'no agents' } });
    const text = failed.map((a) => a.text).join('\n');
    expect(text).toMatch(/couldn't connect you/i);
    expect(text).toMatch(/call or email you back/i);
  });

  it('ignores handoff.status in console mode', async () => {
    const c = await chat();
    expect(await c.conversation.send({ type: 'event', name: 'handoff.status', value: { state: 'completed' } })).toEqual([]);
  });
});
