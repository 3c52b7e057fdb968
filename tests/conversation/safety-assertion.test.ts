// How a warning sign is talked about decides what the bot does (issue #11, assertion status):
// a stranger's story, a question, an "if", a relative's history, something long over or a
// figure of speech gets no urgent advice and no confirming question (at most an answer with
// safety-netting); the patient's sign now, told by themselves or by a carer, still gets
// urgent advice in the very next reply. Each test asserts that next reply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backline } from '../../src/app.js';
import { RED_FLAG_IDS } from '../../src/contract.js';
import { Chat, dataOf, testBackline } from '../helpers/backline.js';
import { expectNoAlarm, expectUrgentFirst } from '../helpers/safety.js';

let backline: Backline;
beforeAll(() => {
  backline = testBackline({ EMERGENCY_NUMBER: '112' });
}, 60_000);
afterAll(async () => {
  await backline.close();
});

const chat = () => new Chat(backline).open();

describe('not the patient, not now: no urgent advice', () => {
  it("a stranger's story about a cauda equina sign is answered with safety-netting, not treated as a report", async () => {
    const c = await chat();
    await c.say('a woman at my work lost control of her bladder from a slipped disc, can that really happen?');
    expectNoAlarm(c);
    // The answer about the sign says what to do if it happens (safety-netting).
    expect(c.text()).toMatch(/emergency room \(ER\)/);
  });

  it('a hypothetical about the patient ("if my wife goes numb down below...") is answered, with safety-netting', async () => {
    const c = await chat();
    await c.say('if my wife ever went numb down below with her sciatica, what should we do?');
    expectNoAlarm(c);
    expect(c.text()).toMatch(/emergency room \(ER\)/);
  });

  it("a relative's cancer when the writer has the back pain is family history", async () => {
    const c = await chat();
    await c.say('my aunt had ovarian cancer, could my back pain be linked?');
    expectNoAlarm(c);
  });

  it('a fever that is said to be long over raises nothing', async () => {
    const c = await chat();
    await c.say("had a high temperature with flu a fortnight ago but that's long gone, what helps a stiff back?");
    expectNoAlarm(c);
  });

  it('an old injury said to be fully healed raises nothing', async () => {
    const c = await chat();
    await c.say('was in a car crash years ago, fully healed, this is a new ache from gardening');
    expectNoAlarm(c);
  });

  it('a figure of speech ("nearly wet myself laughing") raises nothing', async () => {
    const c = await chat();
    await c.say("nearly wet myself laughing at the physio's jokes, anyway how long should I rest?");
    expectNoAlarm(c);
  });

  it("a pet's weak back legs raise nothing", async () => {
    const c = await chat();
    await c.say("our cat's back legs have both gone floppy, the vet is seeing him");
    expectNoAlarm(c);
  });

  it('long-standing stable claudication in both legs, eased by sitting, is not an emergency', async () => {
    const c = await chat();
    await c.say('had spinal stenosis for 8 years, both legs ache when I walk and sitting on a bench eases it, nothing new');
    expectNoAlarm(c);
  });
});

describe('the patient now: urgent advice at once', () => {
  it("a carer's report of the patient's sign now gets emergency advice", async () => {
    const c = await chat();
    await c.say('my father has not passed water since last night, his back is bad');
    expectUrgentFirst(c, 'emergency');
  });

  it('a sign that came back after going away is current ("went away but now I can\'t pee")', async () => {
    const c = await chat();
    await c.say("the numbness went away but now I can't pee at all");
    expectUrgentFirst(c, 'emergency');
  });

  it('new bilateral symptoms get emergency advice, even from someone with old stenosis', async () => {
    const c = await chat();
    await c.say('I have had stenosis for years but since this morning both legs have gone numb');
    expectUrgentFirst(c, 'emergency');
  });

  it("a relative's cauda equina sign when the writer also has back pain is not dropped: advice or one question", async () => {
    const c = await chat();
    await c.say('my dad cant pee properly and my back is sore');
    const urgent = c.last.some((a) => dataOf(a)?.urgent);
    const asked = c.askedNode() === 'confirm_flags' && (RED_FLAG_IDS as readonly string[]).includes(c.askedEvidence() ?? '');
    expect(urgent || asked, c.text()).toBe(true);
  });
});
