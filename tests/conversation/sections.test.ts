// Session 10: how a question finds the section of an article that answers it (issue #14), each
// mechanism shown with wordings that are in no persona file:
// - a section keyword the article declares (front matter `section_keywords`) names the section its
//   heading does not ("heavy crates" -> "Lift with care"; "waterworks" -> when to see a doctor);
// - a group of section words counts once ("stretches" is not seven matches), and words that frame
//   a question ("avoid", "after", "doctor says") do not pick a section of their own;
// - in a message of statements and a question, the question's sentence is what is asked
//   ("physio costs too much. How can I look after my back at home?" is home care, not physio);
// - "what is that?" about a condition the message names gets the condition's opening;
// - "what if it gets worse?" is when to see a doctor, not the warning-sign check;
// - in the check, a question that names a section is answered from it, then the question again.
import { describe, expect, it } from 'vitest';
import { dataOf, type Chat } from '../helpers/backline.js';
import { useSharedBackline } from '../helpers/sharedBackline.js';

const shared = useSharedBackline();
const chat = () => shared.chat();

const OUT_OF_SCOPE = /outside what I can help with/;
const inCheck = (c: Chat): boolean => c.last.map(dataOf).some((d) => d?.ask?.progress !== undefined || d?.ask?.evidence !== undefined);

describe('declared section keywords name the section a heading does not', () => {
  it('"I carry heavy crates at work" asking how to protect the back gets lifting with care, not tobacco', async () => {
    const c = await chat();
    await c.say('I carry heavy crates at work all day. How can I protect my back?');
    expect(c.text()).toMatch(/Lift with care/);
    expect(c.text()).toMatch(/load close to your waist/);
    expect(c.text()).not.toMatch(/tobacco/i);
  });

  it('"could sciatica mess with my waterworks?" gets the bladder and bowel signs of its article', async () => {
    const c = await chat();
    await c.say('could sciatica mess with my waterworks?');
    expect(c.text()).toMatch(/bladder|bowel/i);
    expect(c.text()).toMatch(/now, or call 911/);
  });
});

describe('synonyms count once, framing words pick nothing', () => {
  it('"which stretches would you suggest?" after piriformis gets how it is treated', async () => {
    const c = await chat();
    await c.say('what is piriformis syndrome?');
    await c.say('which stretches would you suggest?');
    expect(c.text()).toMatch(/How it is treated/);
    expect(c.text()).toMatch(/stretching/);
  });

  it('"anything for tonight after work to ease it?" after a description is home care, not the section "After a fall"', async () => {
    const c = await chat();
    await c.say('why does my back hurt when i raise my leg');
    await c.say('anything for tonight after work to ease it?');
    expect(c.text()).not.toMatch(/After a fall/);
    expect(c.text()).toMatch(/heat|keep moving/i);
  });
});

describe('the question sentence is what is asked', () => {
  it('"Physio sessions are too expensive. How can I look after my back at home?" gets home care, not a stretching section', async () => {
    const c = await chat();
    await c.say('Physio sessions are too expensive for me. How can I look after my back at home?');
    expect(c.text()).toMatch(/heat or cold packs/);
    expect(c.text()).not.toMatch(/Stretches and calm/);
  });
});

describe('"what is that?" about a condition named gets its opening', () => {
  it('"my doctor thinks I\'ve got osteoarthritis. What is that, exactly?" is what it is, not the doctor section', async () => {
    const c = await chat();
    await c.say("My doctor thinks I've got osteoarthritis in my back. What is that, exactly?");
    expect(c.text()).toMatch(/cartilage/);
    expect(c.text()).not.toMatch(/When to see a doctor/);
  });
});

describe('"what if it gets worse?" is when to see a doctor', () => {
  it('after home care, "ok and if it gets worse?" is not the check and not out of scope', async () => {
    const c = await chat();
    await c.say('what can I do at home to ease my back?');
    await c.say('ok and if it gets worse?');
    expect(c.text()).toMatch(/See a doctor/);
    expect(inCheck(c)).toBe(false);
    expect(c.text()).not.toMatch(OUT_OF_SCOPE);
  });
});

describe('in the check, a question naming a section is answered, then the question again', () => {
  it('"any tips for sitting at my computer all day?" at the first question', async () => {
    const c = await chat();
    await c.say('can you check if my back pain is serious');
    const before = c.askedEvidence();
    await c.say('any tips for sitting at my computer all day?');
    expect(c.text()).toMatch(/Sit well and move often/);
    expect(c.text()).toMatch(/breaks/);
    expect(c.askedEvidence()).toBe(before);
  });
});
