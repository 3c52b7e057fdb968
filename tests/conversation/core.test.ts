// Conversations through the same adapter path as the server (CloudAdapter.process).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backline } from '../../src/app.js';
import { Chat, testBackline } from '../helpers/backline.js';

let backline: Backline;
beforeAll(() => {
  backline = testBackline({ EMERGENCY_NUMBER: '999' });
});
afterAll(async () => {
  await backline.close();
});

const chat = () => new Chat(backline).open();

describe('welcome and menu', () => {
  it('greets with who it is, what it does, that it does not diagnose, and the configured emergency number', async () => {
    const c = await chat();
    const text = c.text();
    expect(text).toMatch(/Backline/);
    expect(text).toMatch(/not a diagnosis/i);
    expect(text).toMatch(/not a doctor/i);
    expect(text).toMatch(/call 999/);
    expect(text).not.toMatch(/911/);
    expect(c.buttonLabels()).toEqual([
      'Why does it hurt when I lift my leg?',
      'Learn about causes',
      "Check if it's serious",
      'Talk to a person',
      'Clinical trials',
    ]);
  });

  it('greets once even if the channel announces the conversation twice', async () => {
    const c = await chat();
    const again = await c.conversation.join();
    expect(again).toHaveLength(0);
  });
});

describe('the headline question', () => {
  for (const question of ['why does my back hurt when I lift my leg', 'pain in lower back when raising leg', 'why does lifting my leg hurt my back']) {
    it(`"${question}" gets the leg-raise explanation in short messages, then next steps as buttons`, async () => {
      const c = await chat();
      await c.say(question);
      expect(c.text()).toMatch(/straight leg|lift a straight leg|nerve root/i);
      for (const activity of c.last) expect((activity.text ?? '').length).toBeLessThanOrEqual(700);
      const labels = c.buttonLabels();
      expect(labels[0]).toBe('Tell me more');
      expect(labels).toContain("Check if it's serious");
    });
  }

  it('"tell me more" sends the next section, and a next-step button moves on', async () => {
    const c = await chat();
    await c.say('why does my back hurt when I lift my leg');
    const first = c.text();
    await c.tap('Tell me more');
    expect(c.text()).not.toEqual(first);
    expect(c.text()).toMatch(/straight leg raise test/i);
    await c.tap("Check if it's serious");
    expect(c.askedEvidence()).toBe('saddle_anaesthesia');
  });
});

describe('guided education', () => {
  it('goes causes -> a condition chosen by ordinal -> self-care, and back to the menu', async () => {
    const c = await chat();
    await c.tap('Learn about causes');
    expect(c.text()).toMatch(/cause/i);
    await c.say('banana'); // not an option: asked again, nothing picked silently
    expect(c.text()).toMatch(/didn't catch/i);
    await c.tap('Tell me more');
    // Keep reading until the article ends and the condition list is asked.
    for (let i = 0; i < 10 && c.askedNode() !== 'education.pick_condition'; i++) await c.tap('Tell me more');
    expect(c.askedNode()).toBe('education.pick_condition');
    await c.say('the second one');
    expect(c.text()).toMatch(/disc/i);
    await c.tap('What helps at home');
    expect(c.text()).toMatch(/home|rest|active/i);
    await c.say('menu');
    expect(c.buttonLabels()).toContain('Clinical trials');
  });

  it('understands a misspelt option title', async () => {
    const c = await chat();
    await c.tap('Learn about causes');
    await c.say('piriformis sindrome');
    expect(c.text()).toMatch(/piriformis/i);
    expect(c.text()).toMatch(/buttock/i);
  });

  it('"the last one" picks the last option', async () => {
    const c = await chat();
    await c.say('the last one');
    expect(c.text()).toMatch(/trial/i);
  });

  it('"2" picks the second menu option', async () => {
    const c = await chat();
    await c.say('2');
    expect(c.text()).toMatch(/cause/i);
  });
});

describe('answers in words', () => {
  it.each([
    ['yeah', 'yes'],
    ['nah', 'no'],
    ['n', 'no'],
    ['Not sure', 'unsure'],
  ])('"%s" answers a yes/no question', async (answer) => {
    const c = await chat();
    await c.tap("Check if it's serious");
    expect(c.askedEvidence()).toBe('saddle_anaesthesia');
    await c.say(answer);
    expect(c.text()).not.toMatch(/didn't catch/i);
  });

  it('unclear answers are asked again, and a second failure shows the buttons', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.tap('No');
    expect(c.askedEvidence()).toBe('bladder_dysfunction');
    await c.say('banana');
    // Asked again in simpler words (the wording is content: dialogs/red-flags.yaml `simple`).
    expect(c.text()).toMatch(/more simply/i);
    expect(c.text()).toMatch(/is peeing different/i);
    expect(c.askedEvidence()).toBe('bladder_dysfunction');
    await c.say('purple');
    expect(c.askedEvidence()).toBe('bladder_dysfunction');
    expect(c.buttonLabels()).toEqual(['Yes', 'No', 'Not sure']);
  });
});
