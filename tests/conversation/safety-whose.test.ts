// Whose sign is it (issue #11, items 3 and 5): in a message that names several people, a sign
// belongs to the person its clause is about. Someone else's sign (a colleague, a flatmate, a
// relative who is not the one asked about, a patient at work) gets no urgent advice; the
// writer's own sign, or the sign of the person they ask for or look after, gets it in the very
// next reply, whoever else the message names. Each test asserts that next reply.
import { describe, expect, it } from 'vitest';
import { expectNoAlarm, expectUrgentFirst, safetyChats } from '../helpers/safety.js';

const chat = safetyChats();

describe("someone else's sign: no urgent advice", () => {
  it.each([
    [
      "a colleague's injury, the writer's own niggle ('the lad who sits next to me... mine's just a niggle')",
      "the lad who sits next to me at work has had his back fused after a car crash. mine's just a niggle when i lift my leg, how do i stop it getting like his?",
    ],
    [
      "a flatmate's fever when the writer has the back pain",
      "flatmate's got a fever and i've got back pain, hope im not getting whatever she has. should i be worried about my back?",
    ],
    [
      "one parent's old cancer when the writer says it is the other parent they ask about",
      "Mum and dad both have bad backs. Dad's cancer was years ago and he's fine, it's mum I'm asking about, she gets pain when she lifts her leg",
    ],
  ])('%s', async (_why, line) => {
    expectNoAlarm(await chat(line));
  });

  it("a neighbour's cauda equina sign when the writer has a sore back: an answer with safety-netting", async () => {
    const c = await chat('my neighbour lost control of her bladder after her back op. i just have a sore back, is that something that can happen?');
    expectNoAlarm(c);
    expect(c.text()).toMatch(/emergency room \(ER\)/);
  });
});

describe("the patient's sign, whoever else is named: urgent advice at once", () => {
  it.each([
    [
      "'me and my brother both... mine is just sore but he can't feel his bum': the brother's report",
      "Me and my brother both did our backs in moving mum's piano. Mine is just sore but he says he can't feel his bum or the tops of his inner thighs at all",
    ],
    [
      "the writer's own sign beside a relative's history",
      "my mum had breast cancer years ago but this is about me, since yesterday i can't feel my bum when i wipe and my back is agony",
    ],
    [
      'a he after a grandson named in passing is still the husband asked about',
      "I'm writing for my husband, 66. Since his back pain started a week ago after digging the allotment with our grandson, Harry, he's lost the ability to have an erection at all, and he says the feeling in his penis is gone.",
    ],
    [
      'news passed on by a sister is about the dad the writer cares for',
      "I share the care of my dad with my two sisters. Today my sister Kate rang to say dad's back is bad and now both his legs are numb and weak from the hips down.",
    ],
  ])('%s', async (_why, line) => {
    expectUrgentFirst(await chat(line), 'emergency');
  });
});
