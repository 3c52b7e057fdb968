// One conversation per false-alarm mechanism the development sets showed (issue #11, false
// alarms): a story about someone the writer knows or a stranger on TV, something over
// straight after or sorted by treatment, a list of denials, a question about a sign, another
// sense of the words, something long ago, weight loss as a goal. Each asserts the very next
// reply: no urgent advice, no triage level, no confirming question; a question or a story about
// a sign is answered with safety-netting (what to do if it is happening now). Controls next to
// them: the same words with a real sign now still get urgent advice at once.
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

/** The answer says where to go if the sign is happening now (safety-netting). */
function expectSafetyNet(c: Chat): void {
  expect(c.text()).toMatch(/emergency (?:department|room)/i);
}

describe('false-alarm mechanisms: no urgent advice', () => {
  it('someone the writer knows (a neighbour), while the writer has the back pain: answered with safety-netting', async () => {
    const c = await chat();
    await c.say('my neighbour lost control of her bladder after a disc went, it scared me. im ok, just a stiff back when i lift my leg');
    expectNoAlarm(c);
    expectSafetyNet(c);
  });

  it('a stranger on a TV programme: answered with safety-netting', async () => {
    const c = await chat();
    await c.say('a man on a hospital programme lost feeling in both legs after falling off a roof, can that happen from a slipped disc?');
    expectNoAlarm(c);
    expectSafetyNet(c);
  });

  it('a question about a sign that says it is not happening: answered with safety-netting', async () => {
    const c = await chat();
    await c.say('can sciatica make you lose control of your bladder? not happening to me, just asking');
    expectNoAlarm(c);
    expectSafetyNet(c);
  });

  it('sorted by treatment ("all sorted now with paracetamol")', async () => {
    const c = await chat();
    await c.say('had a temperature last week with a cold, all sorted now with paracetamol. what stretches help my back?');
    expectNoAlarm(c);
  });

  it('over straight after by itself ("fine after a walk")', async () => {
    const c = await chat();
    await c.say('my bum went numb on a long coach trip, fine after a walk, but my back still twinges when i lift my leg');
    expectNoAlarm(c);
  });

  it('a list of denials ("no fever, no bladder problems")', async () => {
    const c = await chat();
    await c.say('my back hurts when I lift my leg, no fever, no bladder problems');
    expectNoAlarm(c);
  });

  it('a list of denials in slang ("peeing fine, pooing fine")', async () => {
    const c = await chat();
    await c.say("peeing fine, pooing fine, it's just the pain when I lift my leg");
    expectNoAlarm(c);
  });

  it('"nothing sudden"', async () => {
    const c = await chat();
    await c.say('the ache built up slowly over a month, nothing sudden, what can I do');
    expectNoAlarm(c);
  });

  it('another sense of the words ("up all night with the baby")', async () => {
    const c = await chat();
    await c.say('up all night with a teething baby and my back is sore from rocking him');
    expectNoAlarm(c);
  });

  it('long ago ("when I was 10")', async () => {
    const c = await chat();
    await c.say('broke my wrist falling off a wall when I was 10, could that be why my back hurts now?');
    expectNoAlarm(c);
  });

  it('weight loss as a goal ("will losing weight help")', async () => {
    const c = await chat();
    await c.say('will losing weight help my sciatica');
    expectNoAlarm(c);
  });
});

describe('the same words with a real sign now: urgent advice at once', () => {
  it('a denial list next to a cauda equina sign denies only its own words', async () => {
    const c = await chat();
    await c.say("my back hurts when I lift my leg, no fever, no bladder problems, but I can't feel my bum since yesterday");
    expectUrgentFirst(c, 'emergency');
  });

  it('"went away after a walk" before a new sign does not make the new sign over', async () => {
    const c = await chat();
    await c.say("the numbness went away after a walk but now I can't pee at all");
    expectUrgentFirst(c, 'emergency');
  });

  it('fine after a walk, then back again: current', async () => {
    const c = await chat();
    await c.say("my bum went numb, fine after a walk, but now it's numb again and I can't pee");
    expectUrgentFirst(c, 'emergency');
  });

  it("a neighbour named, then the writer's own sign: current", async () => {
    const c = await chat();
    await c.say("my neighbour had a slipped disc. I've got numbness round my back passage since yesterday");
    expectUrgentFirst(c, 'emergency');
  });

  it('not trying to lose weight is the sign itself', async () => {
    const c = await chat();
    await c.say("I haven't been trying to lose weight but I've dropped a stone and my back aches all the time");
    expect(c.triageLevels().length, c.text()).toBeGreaterThan(0);
  });
});
