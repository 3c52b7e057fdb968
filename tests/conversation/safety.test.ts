// Red flags get the urgent advice in the very next reply, wherever the conversation is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backline } from '../../src/app.js';
import { EVIDENCE_IDS } from '../../src/contract.js';
import { Chat, dataOf, testBackline } from '../helpers/backline.js';
import { agentOnline } from '../helpers/support.js';

let backline: Backline;
beforeAll(() => {
  backline = testBackline({ EMERGENCY_NUMBER: '112' });
});
afterAll(async () => {
  await backline.close();
});
const chat = () => new Chat(backline).open();

function expectUrgentFirst(c: Chat, level: string) {
  const first = c.last[0]!;
  expect(dataOf(first)?.triage?.level).toBe(level);
  expect(first.text).toMatch(/112/);
}

describe('red flag detector interrupts every flow', () => {
  it('in the main menu', async () => {
    const c = await chat();
    await c.say("i can't feel my bum when i wipe");
    expectUrgentFirst(c, 'emergency');
    expect(c.buttonLabels()).toContain('Talk to a person');
  });

  it('mid education tree, and the person can carry on afterwards', async () => {
    const c = await chat();
    await c.tap('Learn about causes');
    await c.say('sciatica');
    const before = c.askedNode();
    await c.say('also i wet myself without knowing this morning');
    expectUrgentFirst(c, 'emergency');
    await c.tap('Carry on');
    expect(c.text()).toMatch(/back to where we were/i);
    expect(before === undefined || c.askedNode() !== undefined).toBe(true);
  });

  it('mid questionnaire: a symptom typed as an answer is acted on at once', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.tap('No');
    await c.say('well both my legs are going numb');
    expectUrgentFirst(c, 'emergency');
  });

  it('mid trial flow', async () => {
    const c = await chat();
    await c.tap('Clinical trials');
    await c.tap('Tell me more').catch(() => undefined);
    await c.say('yes');
    await c.say('i fell off a ladder yesterday and now my foot is dragging');
    expect(dataOf(c.last[0]!)?.triage?.level).toBe('emergency_ambulance');
  });

  it('mid hand-off', async () => {
    await agentOnline(backline);
    const c = await chat();
    await c.tap('Talk to a person');
    expect(c.text()).toMatch(/person/i);
    await c.say('now i have sudden tearing pain in my back');
    expectUrgentFirst(c, 'emergency_ambulance');
  });

  it('a negated symptom raises nothing', async () => {
    const c = await chat();
    await c.say('no bladder problems, just pain when i lift my leg');
    expect(c.triageLevels()).toEqual([]);
  });

  it('"should I go to A&E if I can\'t feel my bum?" is answered with the emergency advice for that sign', async () => {
    const c = await chat();
    await c.say('should I go to A&E if i cant feel my bum?');
    expect(c.text()).toMatch(/emergency/i);
    expect(c.buttonLabels()).toContain("Check if it's serious");
  });

  it('a question about a red flag is answered, not treated as a report', async () => {
    const c = await chat();
    await c.say('what is saddle numbness?');
    expect(c.triageLevels()).toEqual([]);
    expect(c.text()).toMatch(/saddle/i);
  });
});

describe('the questionnaire', () => {
  it('asks cauda equina questions first, one per question, covers every evidence id, and "no to everything" takes at most 12 answers', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    const asked: string[] = [];
    let answers = 0;
    for (let i = 0; i < 25 && c.inCheck(); i++) {
      const evidence = c.askedEvidence();
      asked.push(...(evidence ? [evidence] : c.askedEvidenceList()!));
      answers++;
      if (evidence === 'age') await c.say('34');
      else if (evidence === 'duration_weeks') await c.say('about three days');
      else await c.answerNo();
    }
    expect(asked.slice(0, 5)).toEqual(['saddle_anaesthesia', 'bladder_dysfunction', 'bowel_dysfunction', 'sexual_dysfunction', 'bilateral_leg_symptoms']);
    expect(new Set(asked)).toEqual(new Set(EVIDENCE_IDS));
    expect(asked).toHaveLength(EVIDENCE_IDS.length);
    expect(answers).toBeLessThanOrEqual(12);
    const outcome = c.last.map(dataOf).find((d) => d?.triage?.final);
    expect(outcome?.triage?.level).toBe('self_care');
    expect(c.buttonLabels()).toContain('Talk to a person');
  });

  it('gives emergency advice the moment a cauda equina answer is yes, before any further question', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.tap('Yes');
    const urgent = c.firstUrgentIndex();
    expect(urgent).toBe(0);
    expect(dataOf(c.last[0]!)?.triage?.level).toBe('emergency');
    // Then only questions that could make it more urgent are asked.
    expect(c.askedEvidence()).not.toBe('bladder_dysfunction');
  });

  it('"not sure" counts as yes', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.say('not sure');
    expect(dataOf(c.last[0]!)?.triage?.level).toBe('emergency');
  });

  it('age and duration answers in words decide the level', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    while (c.inCheck() && c.askedEvidence() !== 'age') await c.say('nope');
    await c.say("I'm fifty two");
    expect(c.askedEvidence()).toBe('duration_weeks');
    await c.say('about three days');
    expect(c.last.map(dataOf).find((d) => d?.triage?.final)?.triage?.level).toBe('consultation');
    expect(c.text()).toMatch(/50/);
  });
});
