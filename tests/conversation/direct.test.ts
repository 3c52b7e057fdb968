// Direct questions get direct answers (issue #14): no diagnosis, no doses, follow-ups from the
// right section, never the same reply twice, tone acknowledged, no needless "Did you mean".
import { describe, expect, it } from 'vitest';
import { useSharedBackline } from '../helpers/sharedBackline.js';

const shared = useSharedBackline();
const chat = () => shared.chat();

const CANT_TELL = /I can't tell you what's causing it/;
const DID_YOU_MEAN = /make sure I get this right|Did you mean/i;
const SCIATICA_OPENING = 'Sciatica is pain that follows the sciatic nerve';

describe('"can you tell what I have?"', () => {
  it('"Do I have sciatica?" says plainly Backline can\'t tell, what usually points to it, and offers the check', async () => {
    const c = await chat();
    await c.say('Do I have sciatica?');
    expect(c.text()).toMatch(CANT_TELL);
    expect(c.text()).toMatch(/down the back of the leg/i); // the typical symptoms, not the opening
    expect(c.text()).not.toContain(SCIATICA_OPENING);
    expect(c.buttonLabels()).toContain("Check if it's serious");
  });

  it.each(['can you diagnose me', 'WHAT IS WRONG WITH ME', "I'm really scared, is this a slipped disc?"])(
    '"%s" gets the honest answer, never only the article',
    async (text) => {
      const c = await chat();
      await c.say(text);
      expect(c.text()).toMatch(CANT_TELL);
      expect(c.text()).not.toMatch(DID_YOU_MEAN);
      expect(c.buttonLabels()).toContain("Check if it's serious");
    },
  );

  it('asked again, the point is made in short, not word for word', async () => {
    const c = await chat();
    await c.say('can you diagnose me');
    const first = c.text();
    await c.say('what is wrong with me');
    expect(c.text()).not.toBe(first);
    expect(c.text()).toMatch(/As I said/);
  });
});

describe('medicines', () => {
  it('"how many ibuprofen can I take" gets no dose: the leaflet or a pharmacist', async () => {
    const c = await chat();
    await c.say('how many ibuprofen can I take');
    expect(c.text()).toMatch(/leaflet/);
    expect(c.text()).toMatch(/pharmacist/);
    expect(c.text()).not.toMatch(/\d+\s*(mg|tablets|pills)/i);
  });

  it("someone else's prescription: never", async () => {
    const c = await chat();
    await c.say("can I take my wife's tramadol for my back");
    expect(c.text()).toMatch(/don't take medicine prescribed for someone else/);
  });

  it('an overdose still gets crisis help first (the crisis layer)', async () => {
    const c = await chat();
    await c.say('I took 20 ibuprofen an hour ago and feel sick');
    expect(c.last[0]!.text).toMatch(/Call 911 now/);
  });
});

describe('follow-ups and repeats', () => {
  it('after an article, "and what about surgery?" and "is an MRI needed?" are answered from the matching sections', async () => {
    const c = await chat();
    await c.say('what is sciatica');
    expect(c.text()).toContain(SCIATICA_OPENING);
    await c.say('and what about surgery?');
    expect(c.text()).toMatch(/\*\*Surgery\*\*/);
    expect(c.text()).not.toContain(SCIATICA_OPENING);
    await c.say('is an MRI needed?');
    expect(c.text()).toMatch(/scan/);
    const mri = c.text();
    await c.say('is an MRI needed?');
    expect(c.text()).not.toBe(mri);
    expect(c.text()).toMatch(/As I said: .*scan/);
  });

  it('the same question twice gets the next section, never the same reply', async () => {
    const c = await chat();
    await c.say('what is sciatica');
    const first = c.text();
    await c.say('what is sciatica');
    expect(c.text()).not.toBe(first);
    expect(c.text()).toMatch(/As I said/);
    const second = c.text();
    await c.say('what is sciatica');
    expect(c.text()).not.toBe(second);
  });

  it('"what are the symptoms of a slipped disc" goes straight to that section', async () => {
    const c = await chat();
    await c.say('what are the symptoms of a slipped disc');
    expect(c.text()).toMatch(/\*\*Typical symptoms\*\*/);
  });

  it('an article just read is not offered again in the menu that follows it', async () => {
    const c = await chat();
    await c.tap('Learn about causes');
    await c.tap('Sciatica');
    for (let i = 0; i < 12 && c.buttonLabels().includes('Tell me more'); i++) await c.tap('Tell me more');
    await c.tap('What helps at home');
    for (let i = 0; i < 12 && c.buttonLabels().includes('Tell me more'); i++) await c.tap('Tell me more');
    expect(c.buttonLabels()).toContain('Treatments');
    expect(c.buttonLabels()).not.toContain('What helps at home');
  });
});

describe('tone', () => {
  it('worry is acknowledged in a sentence before the answer', async () => {
    const c = await chat();
    await c.say("I'm so worried, what could be causing my back pain?");
    expect(c.last[0]!.text).toMatch(/worrying you/);
    expect(c.last.length).toBeGreaterThan(1);
  });

  it('anger is acknowledged, and the question in it is still answered', async () => {
    const c = await chat();
    await c.say('this is useless, just tell me what helps at home');
    expect(c.last[0]!.text).toMatch(/frustrating/);
    expect(c.text()).toMatch(/at home/);
  });

  it.each(['you are stupid', 'stupid bot', 'how are you', 'are you a robot'])('"%s" gets a short human reply, not a "Did you mean" menu', async (text) => {
    const c = await chat();
    await c.say(text);
    expect(c.text()).not.toMatch(DID_YOU_MEAN);
    expect(c.text()).not.toMatch(/outside what I can help with/);
    expect(c.last.length).toBeLessThanOrEqual(3);
  });

  it('an insult in the middle of the check keeps the question', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.tap('No');
    await c.say('you are useless');
    expect(c.askedEvidence()).toBe('bladder_dysfunction');
  });
});

describe('plain and non-native questions about the headline topic', () => {
  it.each(['what is reason of this pain', 'why i have this pain', 'what make my back pain'])('"%s" is answered, not called out of scope', async (text) => {
    const c = await chat();
    await c.say(text);
    expect(c.text()).not.toMatch(/outside what I can help with/);
    expect(c.text()).toMatch(/cause|nerve|back pain/i);
  });
});
