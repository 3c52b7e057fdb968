// Interruptions and resume, the trial flow, forget-me, commands, channels, restarts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStorage } from '../../src/storage/index.js';
import { Chat, dataOf, testBackline } from '../helpers/backline.js';
import { useSharedBackline } from '../helpers/sharedBackline.js';
import { agentOnline } from '../helpers/support.js';

const shared = useSharedBackline();
const chat = () => shared.chat();

describe('interruptions', () => {
  it('a question mid-check is answered briefly, then the same question comes again with its progress (never a restart)', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.tap('No');
    expect(c.askedEvidence()).toBe('bladder_dysfunction');
    const before = c.asked()?.progress;
    await c.say('what is sciatica?');
    expect(c.text()).toMatch(/sciatic/i);
    expect(c.askedEvidence()).toBe('bladder_dysfunction');
    expect(c.asked()?.progress).toEqual(before);
    expect(c.text()).toMatch(/Question 2 of about/);
    await c.tap('No');
    expect(c.askedEvidence()).not.toBe('bladder_dysfunction');
    expect(c.asked()?.progress?.index).toBe(before!.index + 1);
  });

  it('"cancel" in the check asks first; yes stops the flow and shows the menu', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.say('cancel');
    expect(c.text()).toMatch(/Stop the check\?/);
    expect(c.buttonLabels()).toEqual(['Yes, stop', 'No, carry on']);
    await c.tap('Yes, stop');
    expect(c.text()).toMatch(/stopped/i);
    expect(c.askedNode()).toBe('main.menu');
  });

  it('"start over" goes back to the welcome', async () => {
    const c = await chat();
    await c.tap('Learn about causes');
    await c.say('start over');
    expect(c.text()).toMatch(/I'm Backline/);
  });

  it('"talk to a person" works mid-tree', async () => {
    await agentOnline(shared.backline);
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.say('talk to a person');
    expect(c.text()).toMatch(/person from the team/i);
    const keys = await shared.backline.storage.listKeys('c/');
    expect(keys.some((k) => k.includes(encodeURIComponent(c.conversation.conversationId)) && k.includes('/case/'))).toBe(true);
  });

  it('out-of-scope free text gets a clear answer and the menu', async () => {
    const c = await chat();
    await c.say('what will the weather be tomorrow in paris');
    expect(c.text()).toMatch(/outside what I can help with/i);
    expect(c.askedNode()).toBe('main.menu');
  });
});

// The clinical-trial pre-screen has its own file: tests/conversation/trials.test.ts.

describe('forget me', () => {
  it('asks for confirmation, then erases state, answers and requests, and says what it deleted', async () => {
    await agentOnline(shared.backline);
    const c = await chat();
    await c.tap('Talk to a person');
    const prefix = `c/webchat/${encodeURIComponent(c.conversation.conversationId)}/`;
    expect((await shared.backline.storage.listKeys(prefix)).length).toBeGreaterThan(1);
    await c.say('delete my data');
    expect(c.text()).toMatch(/can't be undone/i);
    await c.say('yes');
    expect(c.text()).toMatch(/deleted/i);
    expect(c.text()).toMatch(/1 support request/);
    expect(await shared.backline.storage.listKeys(prefix)).toEqual([]);
  });

  it('keeps everything when the person says no', async () => {
    const c = await chat();
    await c.say('forget me');
    await c.say('no');
    expect(c.text()).toMatch(/haven't deleted anything/i);
  });
});

describe('channels', () => {
  it('Teams gets an Adaptive Card 1.5 whose Action.Submit values route back into the engine', async () => {
    const c = await shared.chat({ channelId: 'msteams' });
    const card = c.last.flatMap((a) => a.attachments ?? []).find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
    expect(card).toBeDefined();
    const content = card!.content as { version: string; body: { type: string; actions?: { type: string; data: { choice: string } }[] }[] };
    expect(content.version).toBe('1.5');
    const actions = content.body.flatMap((b) => b.actions ?? []);
    expect(actions.every((a) => a.type === 'Action.Submit')).toBe(true);
    const serious = actions.find((a) => JSON.stringify(a).includes('serious'))!;
    const replies = await c.conversation.send({ type: 'message', value: serious.data });
    expect(replies.map(dataOf).some((d) => d?.ask?.evidence === 'saddle_anaesthesia')).toBe(true);
  });

  it('a channel without buttons gets numbered options, and a number answers', async () => {
    const c = await shared.chat({ channelId: 'sms' });
    expect(c.text()).toMatch(/1\. Why does it hurt/);
    await c.say('3');
    expect(c.last.map(dataOf).some((d) => d?.ask?.evidence === 'saddle_anaesthesia')).toBe(true);
  });
});

describe('state lives in storage', () => {
  it('a restart mid-tree resumes at the same question', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backline-restart-'));
    try {
      const first = testBackline({}, new SqliteStorage(join(dir, 'state.db')));
      const c = await new Chat(first, { conversationId: 'restart-1' }).open();
      await c.tap("Check if it's serious");
      await c.tap('No');
      await c.tap('No');
      expect(c.askedEvidence()).toBe('bowel_dysfunction');
      await first.close();

      const second = testBackline({}, new SqliteStorage(join(dir, 'state.db')));
      const again = new Chat(second, { conversationId: 'restart-1' });
      await again.say('no');
      expect(again.askedEvidence()).toBe('sexual_dysfunction');
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("two turns racing on one conversation both land: the loser decides again on the winner's state", async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    const [a, b] = await Promise.all([c.conversation.say('no'), c.conversation.say('no')]);
    const asked = [...a, ...b]
      .map(dataOf)
      .filter((d) => d?.ask?.evidence)
      .map((d) => d!.ask!.evidence);
    // Both answers were applied in turn: the second went to the next question.
    expect(asked).toEqual(expect.arrayContaining(['bladder_dysfunction', 'bowel_dysfunction']));
  });
});
