// Whose sign is it (issue #11, items 3 and 5): in a message that names several people, a sign
// belongs to the person its clause is about. Someone else's sign (a colleague, a flatmate, a
// relative who is not the one asked about, a patient at work) gets no urgent advice; the
// writer's own sign, or the sign of the person they ask for or look after, gets it in the very
// next reply, whoever else the message names. Each test asserts that next reply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backline } from '../../src/app.js';
import { Chat, testBackline } from '../helpers/backline.js';
import { expectNoAlarm, expectUrgentFirst } from '../helpers/safety.js';

let backline: Backline;
beforeAll(() => {
  backline = testBackline({ EMERGENCY_NUMBER: '112' });
}, 60_000);
afterAll(async () => {
  await backline.close();
});

const chat = () => new Chat(backline).open();

describe("someone else's sign: no urgent advice", () => {
  it("a colleague's injury, the writer's own niggle ('the lad who sits next to me... mine's just a niggle')", async () => {
    const c = await chat();
    await c.say(
      "the lad who sits next to me at work has had his back fused after a car crash. mine's just a niggle when i lift my leg, how do i stop it getting like his?",
    );
    expectNoAlarm(c);
  });

  it("a flatmate's fever when the writer has the back pain", async () => {
    const c = await chat();
    await c.say("flatmate's got a fever and i've got back pain, hope im not getting whatever she has. should i be worried about my back?");
    expectNoAlarm(c);
  });

  it("one parent's old cancer when the writer says it is the other parent they ask about", async () => {
    const c = await chat();
    await c.say("Mum and dad both have bad backs. Dad's cancer was years ago and he's fine, it's mum I'm asking about, she gets pain when she lifts her leg");
    expectNoAlarm(c);
  });

  it("a neighbour's cauda equina sign when the writer has a sore back: an answer with safety-netting", async () => {
    const c = await chat();
    await c.say('my neighbour lost control of her bladder after her back op. i just have a sore back, is that something that can happen?');
    expectNoAlarm(c);
    expect(c.text()).toMatch(/emergency room \(ER\)/);
  });
});

describe("the patient's sign, whoever else is named: urgent advice at once", () => {
  it("'me and my brother both... mine is just sore but he can't feel his bum': the brother's report", async () => {
    const c = await chat();
    await c.say(
      "Me and my brother both did our backs in moving mum's piano. Mine is just sore but he says he can't feel his bum or the tops of his inner thighs at all",
    );
    expectUrgentFirst(c, 'emergency');
  });

  it("the writer's own sign beside a relative's history", async () => {
    const c = await chat();
    await c.say("my mum had breast cancer years ago but this is about me, since yesterday i can't feel my bum when i wipe and my back is agony");
    expectUrgentFirst(c, 'emergency');
  });

  it('a he after a grandson named in passing is still the husband asked about', async () => {
    const c = await chat();
    await c.say(
      "I'm writing for my husband, 66. Since his back pain started a week ago after digging the allotment with our grandson, Harry, he's lost the ability to have an erection at all, and he says the feeling in his penis is gone.",
    );
    expectUrgentFirst(c, 'emergency');
  });

  it('news passed on by a sister is about the dad the writer cares for', async () => {
    const c = await chat();
    await c.say(
      "I share the care of my dad with my two sisters. Today my sister Kate rang to say dad's back is bad and now both his legs are numb and weak from the hips down.",
    );
    expectUrgentFirst(c, 'emergency');
  });
});
