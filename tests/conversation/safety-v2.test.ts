// Safety v2 (issue #11), the conversation half: scripted multi-turn conversations that each
// assert the triage level, the urgent flag or the crisis flag in the VERY NEXT reply.
//   carers and who the patient is; warning signs inside every kind of answer; corrections;
//   possible cauda equina signs (advice first, a "no" takes nothing back); crisis help (and
//   idioms that must not get it); the emergency signs card; during hand-off and the trial
//   pre-screen.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Activity } from '@microsoft/agents-activity';
import type { Backline } from '../../src/app.js';
import { conversationPrefix } from '../../src/conversation/store.js';
import type { ConversationState } from '../../src/engine/state.js';
import { findCase } from '../../src/handoff/cases.js';
import { Chat, dataOf, testBackline } from '../helpers/backline.js';
import { expectCrisisFirst, expectUrgentFirst, SAFETY_NUMBERS } from '../helpers/safety.js';
import { agentOnline, captureProactive, SAM, supportEnv } from '../helpers/support.js';

let backline: Backline;
beforeAll(() => {
  backline = testBackline(supportEnv(SAFETY_NUMBERS));
  captureProactive(backline);
});
afterAll(async () => {
  await backline.close();
});
beforeEach(async () => {
  // An empty queue and nobody online unless a test says so.
  await backline.storage.deleteByPrefix('h/');
});

const chat = () => new Chat(backline).open();

async function stateOf(c: Chat): Promise<ConversationState> {
  const key = `${conversationPrefix({ channelId: 'webchat', conversationId: c.conversation.conversationId })}state`;
  return ((await backline.storage.read([key]))[key] as { state: ConversationState }).state;
}

function noCrisis(replies: Activity[]): boolean {
  return replies.every((a) => !dataOf(a)?.crisis);
}

/** Answers the questionnaire "no" until it asks for `evidence` (or ends). */
async function answerNoUntil(c: Chat, evidence: string): Promise<void> {
  for (let i = 0; i < 25 && c.inCheck() && c.askedEvidence() !== evidence; i++) await c.answerNo();
}

function finalLevel(c: Chat): string | undefined {
  return c.last.map(dataOf).find((d) => d?.triage?.final)?.triage?.level;
}

describe('carers: the report is about someone else', () => {
  it('"my wife can\'t feel her bum" gets emergency advice for her; "no, not me, my wife" drops nothing', async () => {
    const c = await chat();
    await c.say("my wife can't feel her bum when she wipes");
    expectUrgentFirst(c, 'emergency');
    expect(c.text()).toMatch(/for your wife/);
    await c.say('no, not me, my wife');
    expect(c.text()).not.toMatch(/Thanks for checking/);
    const state = await stateOf(c);
    expect(state.answers.saddle_anaesthesia).toBe('yes');
    expect(state.patient).toMatchObject({ who: 'other', rel: 'wife', pronoun: 'she' });
  });

  it('a possible cauda equina sign about a parent: advice first, the question asks about that person, a bare "no" lowers nothing', async () => {
    const c = await chat();
    await c.say("I'm asking for my dad");
    expect(c.text()).toMatch(/about your dad/);
    await c.say('numb down below?');
    expectUrgentFirst(c, 'emergency');
    expect(c.text()).toMatch(/happening to your dad now\?/);
    expect(c.text()).not.toMatch(/do you have/i);
    await c.say('no');
    expect(c.text()).toMatch(/leave the advice above in place/);
    expect(c.text()).toMatch(/112/);
    expect((await stateOf(c)).answers.saddle_anaesthesia).toBe('unsure');
    // The check afterwards never ends below the advice already given.
    await c.say("check if it's serious");
    await answerNoUntil(c, 'none');
    expect(finalLevel(c)).toBe('emergency');
  });

  it('"my dad had cancer, now his back hurts" is the dad as the patient, not family history', async () => {
    const c = await chat();
    await c.say('my dad had cancer, now his back hurts when he lifts his leg');
    expect(dataOf(c.last[0]!)?.triage?.level).toBe('consultation_24');
    expect(c.text()).toMatch(/for your dad/);
  });

  it('"my dad had cancer" from someone with their own back pain stays family history', async () => {
    const c = await chat();
    await c.say('my dad had cancer and my back hurts when I lift my leg');
    expect(c.last.map(dataOf).some((d) => d?.triage)).toBe(false);
    expect((await stateOf(c)).answers.cancer_history).toBeUndefined();
  });

  it('"my husband has a temperature and his back is agony" gets the advice for a fever at once', async () => {
    const c = await chat();
    await c.say('my husband has a temperature and his back is agony');
    expect(dataOf(c.last[0]!)?.triage?.level).toBe('consultation_24');
    expect(c.text()).toMatch(/for your husband/);
  });

  it('the questionnaire is worded for the person asked about', async () => {
    const c = await chat();
    await c.say("I'm asking for my mum");
    await c.say("check if it's serious");
    expect(c.askedEvidence()).toBe('saddle_anaesthesia');
    expect(c.text()).toMatch(/Does your mum have any numbness/);
    expect(c.text()).not.toMatch(/Do you have/);
    await c.tap('No');
    expect(c.text()).toMatch(/has your mum had new trouble with peeing/);
  });

  it("the patient's age said in a carer's report counts, and is not asked again", async () => {
    const c = await chat();
    await c.say('my 78 year old mum has back pain when she lifts her leg');
    expect((await stateOf(c)).answers.age).toBe(78);
    await c.say("check if it's serious");
    const asked: string[] = [];
    for (let i = 0; i < 25 && c.inCheck(); i++) {
      asked.push(c.askedEvidence() ?? 'checklist');
      if (c.askedEvidence() === 'duration_weeks') await c.say('3 days');
      else await c.answerNo();
    }
    expect(asked).not.toContain('age');
    expect(finalLevel(c)).toBe('consultation');
  });

  it('a carer\'s own age is not the patient\'s: "I\'m 40" is asked again, "she\'s 78" is taken', async () => {
    const c = await chat();
    await c.say("I'm asking for my mum");
    await c.say("check if it's serious");
    await answerNoUntil(c, 'age');
    expect(c.text()).toMatch(/How old is your mum\?/);
    await c.say("I'm 40");
    expect(c.askedEvidence()).toBe('age');
    expect(c.text()).toMatch(/age in years of your mum/);
    await c.say("I'm 40, she's 78");
    expect(c.askedEvidence()).toBe('duration_weeks');
    expect((await stateOf(c)).answers.age).toBe(78);
    // Her duration, not the carer's own.
    await c.say("she's had it about 5 days, I've had my own back trouble for 10 years");
    expect((await stateOf(c)).answers.duration_weeks).toBeLessThan(1);
    expect(finalLevel(c)).toBe('consultation');
  });

  it('a carer answering "not me, my son" to a confirming question: the sign stands, for him', async () => {
    const c = await chat();
    await c.say('I have a fever maybe');
    expect(c.askedNode()).toBe('confirm_flags');
    await c.say('not me, my son');
    expect(dataOf(c.last[0]!)?.triage?.level).toBe('consultation_24');
    expect((await stateOf(c)).patient).toMatchObject({ who: 'other', rel: 'son' });
  });

  it('a carer\'s pronoun report ("she has lost control of her bladder") is the patient\'s sign', async () => {
    const c = await chat();
    await c.say('I look after my grandma');
    await c.say('she has lost control of her bladder since yesterday');
    expectUrgentFirst(c, 'emergency');
    expect(c.text()).toMatch(/for your grandma/);
  });

  it('a non-urgent possible sign about the patient gets one confirming question worded for them', async () => {
    const c = await chat();
    await c.say("I'm asking about my husband");
    await c.say('I think he might have lost some weight');
    expect(c.askedNode()).toBe('confirm_flags');
    expect(c.text()).toMatch(/Just to check: has your husband lost weight/);
    await c.say('yes');
    expect(dataOf(c.last[0]!)?.triage?.level).toBe('consultation');
  });

  it('"no, not me, my wife" at a question of the check asks the questions again, about her', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.tap('No');
    expect(c.askedEvidence()).toBe('bladder_dysfunction');
    await c.say('no, not me, my wife');
    expect(c.text()).toMatch(/this time about your wife/);
    expect(c.askedEvidence()).toBe('saddle_anaesthesia');
    expect(c.text()).toMatch(/Does your wife have any numbness/);
    const state = await stateOf(c);
    expect(state.answers.saddle_anaesthesia).toBeUndefined();
    expect(state.answers.bladder_dysfunction).toBeUndefined();
  });

  it('a correction of who it is for: "sorry, it\'s actually me" words things for "you" again', async () => {
    const c = await chat();
    await c.say("I'm asking for my wife");
    await c.say("sorry, it's actually me");
    expect((await stateOf(c)).patient).toEqual({ who: 'self' });
    await c.say("check if it's serious");
    expect(c.text()).toMatch(/Do you have any numbness/);
  });
});

describe('possible cauda equina signs: advice first, then one neutral question', () => {
  it('a bare "no" after the advice takes nothing back and says what to watch for', async () => {
    const c = await chat();
    await c.say('numb down below?');
    expectUrgentFirst(c, 'emergency');
    expect(c.text()).toMatch(/is this happening now, to you or to the person you're asking for\?/);
    await c.say('no');
    expect(c.text()).toMatch(/signs to watch for/);
    expect(c.text()).toMatch(/both legs/);
    const state = await stateOf(c);
    expect(state.announced).toBe('emergency');
    expect(state.answers.saddle_anaesthesia).toBe('unsure');
  });

  it('"yes" after the advice confirms it (level in the reply), with the offer of a person', async () => {
    const c = await chat();
    await c.say('numb down below?');
    await c.say('yes');
    expectUrgentFirst(c, 'emergency');
    expect(c.buttonLabels()).toContain('Talk to a person');
  });

  it('describing the sign as the answer ("yes I cannot feel my bum at all") is a yes, without repeating the whole advice', async () => {
    const c = await chat();
    await c.say('numb down below?');
    await c.say('yes, i cannot feel my bum at all when i wipe');
    expect(dataOf(c.last[0]!)?.triage?.level).toBe('emergency');
    expect(c.text()).toMatch(/follow the advice above/);
  });
});

describe('warning signs inside every kind of answer', () => {
  it('an age answer: "I\'m 52 and I can\'t feel my bum"', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await answerNoUntil(c, 'age');
    await c.say("I'm 52 and I can't feel my bum");
    expectUrgentFirst(c, 'emergency');
  });

  it('a duration answer: "3 weeks, and now both my legs are numb"', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await answerNoUntil(c, 'age');
    await c.say('45');
    expect(c.askedEvidence()).toBe('duration_weeks');
    await c.say('3 weeks, and now both my legs are numb');
    expectUrgentFirst(c, 'emergency');
  });

  it('a yes/no answer with more words: "no, but I can\'t feel my bum"', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.tap('No');
    expect(c.askedEvidence()).toBe('bladder_dysfunction');
    await c.say("no, but I can't feel my bum");
    expectUrgentFirst(c, 'emergency');
  });

  it('"not sure" with a sign described at another question is acted on, no second question', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.say('not sure, but my foot is dragging and getting weaker');
    expectUrgentFirst(c, 'emergency');
    expect(c.askedNode()).not.toBe('confirm_flags');
  });

  it('a confirming question answered "not sure" with a description counts as yes (advice at once)', async () => {
    const c = await chat();
    await c.say('I have a fever maybe');
    expect(c.askedNode()).toBe('confirm_flags');
    await c.say('not sure, I felt hot and shivery last night');
    expect(dataOf(c.last[0]!)?.triage?.level).toBe('consultation_24');
    expect(c.askedNode()).not.toBe('confirm_flags');
  });

  it('the trial pre-screen age: "45 and I\'ve wet myself without noticing"', async () => {
    const c = await chat();
    await c.tap('Clinical trials');
    await c.say('yes');
    expect(c.askedNode()).toBe('trials.screen.diagnosed');
    await c.say('yes');
    expect(c.askedNode()).toBe('trials.screen.age');
    await c.say("45 and I've wet myself without noticing");
    expectUrgentFirst(c, 'emergency');
  });

  it('the trial consent: "yes but I can\'t feel my bum when I wipe"', async () => {
    const c = await chat();
    await walkTrialScreen(c);
    expect(c.askedNode()).toBe('trials.q_consent');
    await c.say("yes but I can't feel my bum when I wipe");
    expectUrgentFirst(c, 'emergency');
  });

  it('a phone number: "07700 900123, also I\'ve lost control of my bowels"', async () => {
    const c = await chat();
    await walkTrialScreen(c);
    await c.say('yes');
    expect(c.askedNode()).toBe('trials.q_contact');
    await c.say("07700 900123, also I've lost control of my bowels");
    expectUrgentFirst(c, 'emergency');
  });

  it('an email for a call-back: "pat@example.org and both my legs have gone numb"', async () => {
    const c = await chat();
    await c.tap('Talk to a person');
    expect(c.askedNode()).toBe('support.offer_offline');
    await c.say('yes');
    expect(c.askedNode()).toBe('support.callback_contact');
    await c.say('pat@example.org and both my legs have gone numb');
    expectUrgentFirst(c, 'emergency');
  });

  it('a free-text answer (a good time to call): "mornings, but I can\'t feel my bum"', async () => {
    const c = await chat();
    await c.tap('Talk to a person');
    await c.say('yes');
    await c.say('555 123 4567');
    await c.say('yes');
    expect(c.askedNode()).toBe('support.callback_time');
    await c.say("mornings, but I can't feel my bum");
    expectUrgentFirst(c, 'emergency');
    expect((await stateOf(c)).answers.callback_time).toBeUndefined();
  });

  it('a choice: "the third one, and I suddenly can\'t control my bladder"', async () => {
    const c = await chat();
    expect(c.askedNode()).toBe('main.menu');
    await c.say("the third one, and I suddenly can't control my bladder");
    expectUrgentFirst(c, 'emergency');
  });

  it('a correction at a question: "no" then "sorry, I meant yes, I can\'t feel my bum"', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.tap('No');
    await c.say("sorry I meant yes, I can't feel my bum");
    expectUrgentFirst(c, 'emergency');
    expect((await stateOf(c)).answers.saddle_anaesthesia).toBe('yes');
  });
});

describe('crisis help', () => {
  it('"the pain is so bad I want to end it all": crisis help first, not the saddle question', async () => {
    const c = await chat();
    await c.say('The pain is so bad I want to end it all');
    expectCrisisFirst(c);
    expect(c.askedEvidence()).toBeUndefined();
    expect(c.buttonLabels()).toContain('Talk to a person');
    // "yes" to the offer of a person is a yes to a person, not "carry on".
    await c.say('yes please');
    expect(c.askedNode()).toBe('support.offer_offline');
  });

  it('"I took too many painkillers": crisis help that is also urgent, with the emergency and poison numbers', async () => {
    const c = await chat();
    await c.say('I took too many painkillers');
    expectCrisisFirst(c);
    expect(dataOf(c.last[0]!)?.urgent).toBe(true);
    expect(c.last[0]!.text).toMatch(/Call 112 now/);
    expect(c.last[0]!.text).toMatch(/0344 892 0111/);
    expect(c.text()).not.toMatch(/didn't catch/);
  });

  it('a child who swallowed tablets is a poisoning emergency', async () => {
    const c = await chat();
    await c.say('my toddler swallowed some of my co-codamol');
    expect(dataOf(c.last[0]!)?.crisis).toBe(true);
    expect(c.last[0]!.text).toMatch(/Call 112 now/);
  });

  it('an accidental double dose of an opioid with drowsiness', async () => {
    const c = await chat();
    await c.say('I accidentally took a double dose of my codeine and now I feel really drowsy');
    expect(dataOf(c.last[0]!)?.crisis).toBe(true);
    expect(dataOf(c.last[0]!)?.urgent).toBe(true);
  });

  it('self-harm', async () => {
    const c = await chat();
    await c.say("I've been cutting myself again since the pain got worse");
    expectCrisisFirst(c);
  });

  it('crisis and a red flag in one message: the crisis help, then the urgent advice, in the same turn', async () => {
    const c = await chat();
    await c.say("I want to kill myself, I can't feel my bum anymore");
    expectCrisisFirst(c);
    const urgent = c.last.findIndex((a) => dataOf(a)?.triage?.level === 'emergency');
    expect(urgent).toBeGreaterThan(0);
  });

  it('crisis mid-questionnaire, then "Carry on" goes back to the same question', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.tap('No');
    expect(c.askedEvidence()).toBe('bladder_dysfunction');
    await c.say("I don't want to be alive anymore");
    expectCrisisFirst(c);
    await c.tap('Carry on');
    expect(c.askedEvidence()).toBe('bladder_dysfunction');
  });

  it('a second crisis message gets the short reminder, still marked as crisis help', async () => {
    const c = await chat();
    await c.say('I want to die');
    await c.say('I really want to die');
    expect(dataOf(c.last[0]!)?.crisis).toBe(true);
    expect(c.last[0]!.text).toMatch(/116 123/);
  });

  for (const idiom of [
    'this pain is killing me',
    "I'm dying to know what causes this",
    "I could kill for a good night's sleep",
    "I'm dead on my feet with this back",
    'can I take ibuprofen with paracetamol',
    "I'd rather die than have surgery on my back",
  ]) {
    it(`"${idiom}" is not a crisis`, async () => {
      const c = await chat();
      await c.say(idiom);
      expect(noCrisis(c.last), c.text()).toBe(true);
      expect(c.text()).not.toMatch(/116 123/);
    });
  }
});

describe('the emergency signs card (safety-netting)', () => {
  it('is shown once to someone describing their pain, with the emergency number and the check offered', async () => {
    const c = await chat();
    await c.say('why does my back hurt when I lift my leg');
    expect(c.last[0]!.text).toMatch(/Signs to act on straight away/);
    expect(c.last[0]!.text).toMatch(/112/);
    expect(c.last[0]!.text).toMatch(/both legs/);
    await c.say('my lower back aches when I bend');
    expect(c.text()).not.toMatch(/Signs to act on straight away/);
    expect((await stateOf(c)).netted).toBe(true);
  });

  it('its button starts the check', async () => {
    const c = await chat();
    await c.say('my lower back aches after gardening');
    expect(c.last[0]!.text).toMatch(/Signs to act on straight away/);
    const check = c.last[0]!.suggestedActions?.actions?.find((a) => a.title === "Check if it's serious");
    const value = (check?.value ?? (c.last[0]!.attachments?.[0] as never)) as { choice: string } | undefined;
    expect(value?.choice).toBe('cmd:check');
    await c.conversation.tap('cmd:check', "Check if it's serious").then((r) => (c.last = r));
    expect(c.askedEvidence()).toBe('saddle_anaesthesia');
  });

  it('is not shown for a greeting', async () => {
    const c = await chat();
    await c.say('hello');
    expect(c.text()).not.toMatch(/Signs to act on straight away/);
  });
});

describe('during hand-off and the trial pre-screen', () => {
  it('crisis while waiting: crisis help first, the team is told, and the case goes to the top of the queue', async () => {
    await agentOnline(backline);
    const a = await chat();
    await a.say('i fell off a ladder and now i cannot feel my bum');
    await a.tap('Talk to a person');
    const b = await chat();
    await b.tap('Talk to a person');
    await b.say('honestly I just want to end my life');
    expectCrisisFirst(b);
    expect(b.text()).toMatch(/put you first/);
    const queue = await backline.support.service.queue();
    const bCase = (await stateOf(b)).support!.caseId;
    expect(queue[0]!.id).toBe(bCase);
    expect(queue[0]).toMatchObject({ crisis: true });
  });

  it('crisis in a live chat: crisis help in the very next reply, and the chat stays live', async () => {
    await agentOnline(backline);
    const c = await chat();
    await c.tap('Talk to a person');
    const id = (await stateOf(c)).support!.caseId;
    await backline.support.service.claim(id, SAM);
    await c.say("I've taken all my tramadol");
    expectCrisisFirst(c);
    expect((await findCase(backline.storage, id))!.supportCase.crisis).toBe(true);
    expect((await stateOf(c)).support?.status).toBe('live');
  });

  it('a possible cauda equina sign in a live chat gets the urgent advice at once', async () => {
    await agentOnline(backline);
    const c = await chat();
    await c.tap('Talk to a person');
    await backline.support.service.claim((await stateOf(c)).support!.caseId, SAM);
    await c.say('numb down below?');
    expectUrgentFirst(c, 'emergency');
  });

  it('crisis help first, then "talk to a person" opens a case at the top of the queue', async () => {
    await agentOnline(backline);
    const a = await chat();
    await a.say('both my legs are numb');
    await a.tap('Talk to a person');
    const b = await chat();
    await b.say("I've been thinking about killing myself");
    expectCrisisFirst(b);
    await b.tap('Talk to a person');
    const queue = await backline.support.service.queue();
    expect(queue[0]!.id).toBe((await stateOf(b)).support!.caseId);
  });

  it('crisis during the trial pre-screen', async () => {
    const c = await chat();
    await c.tap('Clinical trials');
    await c.say('yes');
    expect(c.askedNode()).toBe('trials.screen.diagnosed');
    await c.say('I took too many pills an hour ago');
    expectCrisisFirst(c);
    expect(dataOf(c.last[0]!)?.urgent).toBe(true);
  });

  it('a possible cauda equina sign during the trial pre-screen gets the urgent advice first', async () => {
    const c = await chat();
    await c.tap('Clinical trials');
    await c.say('yes');
    await c.say('numb down below?');
    expectUrgentFirst(c, 'emergency');
  });
});

/** Opens the trial pre-screen and answers every criterion as someone who may fit, up to consent. */
async function walkTrialScreen(c: Chat): Promise<void> {
  const fits: Record<string, string> = {
    diagnosed: 'yes',
    age: '40',
    leg_pain: 'yes',
    medication: 'yes',
    blood_thinners: 'no',
    pregnant: 'no',
    recent_surgery: 'no',
  };
  await c.tap('Clinical trials');
  await c.say('yes');
  for (let node = c.askedNode(); node?.startsWith('trials.screen.'); node = c.askedNode()) {
    await c.say(fits[node.slice('trials.screen.'.length)] ?? 'no');
  }
}
