// Safety v2 (issue #11), session 8 question sets: a warning sign told inside or right after a
// question gets urgent advice in the VERY NEXT reply, not a confirming question and not an answer
// about the topic. The mechanisms: a question followed by a report of one's own now (in the same
// or the next sentence, also when commas split the report), a report before a tag question
// ("..., is that bad?"), and an emergency sign beyond the back that has eased since ("gone now").
// Wordings are written for these tests, never taken from the development sets.
import { describe, expect, it } from 'vitest';
import { expectUrgentFirst, safetyChats } from '../helpers/safety.js';

const chat = safetyChats();

describe('a question, then a report of one own now: urgent advice in the next reply', () => {
  it.each([
    // the report split by commas: "nothing comes, since Tuesday"
    ['could a trapped nerve stop me weeing properly? I try and try and only a dribble comes, since Tuesday', 'emergency'],
    // onset told without a subject in the next sentence
    ['is a sudden agonising pain in the back something to worry about? came on out of nowhere an hour ago', 'emergency_ambulance'],
    // one side before, both now
    ['does sciatica ever spread to both sides? mine was just my right leg at first and now the left is going too', 'emergency'],
    // what happened, told without a subject, after a question about bowels
    ['can a bad disc affect your bowels? had an accident at work today and never felt it coming', 'emergency_ambulance'],
  ])('"%s" -> %s advice first', async (text, level) => {
    expectUrgentFirst(await chat(text), level);
  });
});

describe('a report before a tag question: advice in the next reply, not a question first', () => {
  it.each([
    ['it aches constantly through the night and turning over makes no difference, is that a bad sign?'],
    ['my back has got steadily worse over two weeks even on the strongest painkillers I have, is that normal?'],
  ])('"%s"', async (text) => {
    const c = await chat(text);
    const data = (c.last[0]!.channelData as { backline?: { triage?: { level?: string }; ask?: unknown } } | undefined)?.backline;
    expect(data?.triage?.level, c.text()).toBeTruthy();
  });
});

describe('an emergency sign beyond the back that has eased: still urgent advice at once', () => {
  it.each([
    ["my back's sore when I lift my leg, and I had a tight pain across my chest this afternoon, it's settled now though"],
    ['out of nowhere a ripping pain went through my back to my stomach and I nearly fainted, feels a little easier now'],
  ])('"%s"', async (text) => {
    const c = await chat(text);
    const first = c.last[0]!;
    expect((first.channelData as { backline?: { urgent?: boolean } } | undefined)?.backline?.urgent, c.text()).toBe(true);
  });

  it('said to be long past, it is not urgent', async () => {
    const c = await chat('I had chest pain three years ago, it was reflux and it went away, my back hurts when I lift my leg');
    expect((c.last[0]!.channelData as { backline?: { urgent?: boolean } } | undefined)?.backline?.urgent ?? false).toBe(false);
  });
});
