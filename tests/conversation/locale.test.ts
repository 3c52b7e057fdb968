// Words for each country and other languages, as conversations: the activity's locale (Teams and
// Web Chat send it) picks the pack, LOCALE is the default, and a message in another language gets
// a short reply in it, after the detectors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backline } from '../../src/app.js';
import { Chat, dataOf, testBackline } from '../helpers/backline.js';
import { agentOnline } from '../helpers/support.js';

const UK = /A&E|\bGP\b|\b999\b|NHS|Samaritans|116 123/;
const US = /\b911\b|\bER\b|emergency room|\b988\b|urgent care center/;

let us: Backline;
let gb: Backline;
beforeAll(() => {
  us = testBackline();
  gb = testBackline({ LOCALE: 'en-GB' });
}, 60_000);
afterAll(async () => {
  await us.close();
  await gb.close();
});

const chat = (backline: Backline, locale?: string) => new Chat(backline, locale ? { activityDefaults: { locale } } : {}).open();

describe('the activity locale picks the pack', () => {
  it('en-GB activities get 999 in the welcome and A&E in the urgent advice, on a default (en-US) server', async () => {
    const c = await chat(us, 'en-GB');
    expect(c.text()).toMatch(/call 999 now/);
    expect(c.text()).not.toMatch(US);
    await c.say("I can't feel my bum when I wipe and I've wet myself without noticing");
    const advice = c.text();
    expect(advice).toMatch(/Go to A&E now/);
    expect(advice).toMatch(/call 999/);
    expect(advice).not.toMatch(US);
  });

  it('en-US activities (and none) get 911 and the ER, never a UK term', async () => {
    for (const locale of ['en-US', undefined]) {
      const c = await chat(us, locale);
      expect(c.text()).toMatch(/call 911 now/);
      await c.say("I can't feel my bum when I wipe and I've wet myself without noticing");
      const text = c.text();
      expect(text).toMatch(/Go to the emergency room \(ER\) now/);
      expect(text).not.toMatch(UK);
    }
  });

  it('crisis help in en-GB gives Samaritans on 116 123 and 999; in en-US 988 to call or text', async () => {
    const c = await chat(us, 'en-GB');
    await c.say('I want to kill myself');
    expect(c.text()).toMatch(/call Samaritans on 116 123/);
    expect(c.text()).toMatch(/call 999/);
    expect(c.text()).not.toMatch(/988|911|text/);
    const d = await chat(us, 'en-US');
    await d.say('I want to kill myself');
    expect(d.text()).toMatch(/call or text 988/);
    expect(d.text()).not.toMatch(UK);
  });

  it('LOCALE=en-GB is the default for activities without a locale we have, and en-US activities still get the US pack', async () => {
    for (const locale of [undefined, 'en-AU', 'fr-FR']) {
      const c = await chat(gb, locale);
      expect(c.text()).toMatch(/call 999 now/);
    }
    const c = await chat(gb, 'en-US');
    expect(c.text()).toMatch(/call 911 now/);
    expect(c.text()).not.toMatch(UK);
  });

  it('an overdose in en-GB: call 999 now, NHS 111 for advice', async () => {
    const c = await chat(gb);
    await c.say('my son swallowed a whole bottle of my paracetamol');
    expect(c.text()).toMatch(/Call 999 now/);
    expect(c.text()).toMatch(/call NHS 111 for advice/);
  });
});

describe('EMERGENCY_NUMBER pins the numbers, and the words follow them (knowledge/locales/help-lines.yaml)', () => {
  it('an en-GB activity on a server with EMERGENCY_NUMBER=911 hears 911, 988 and the ER: no A&E next to 911', async () => {
    const pinned = testBackline({ EMERGENCY_NUMBER: '911' });
    try {
      const c = await chat(pinned, 'en-GB');
      expect(c.text()).toMatch(/call 911 now/);
      await c.say("I can't feel my bum when I wipe and I've wet myself without noticing");
      expect(c.text()).toMatch(/Go to the emergency room \(ER\) now/);
      expect(c.text()).not.toMatch(UK);
      await c.say('I want to kill myself');
      expect(c.text()).toMatch(/988/);
      expect(c.text()).not.toMatch(/116 123|Samaritans/);
    } finally {
      await pinned.close();
    }
  }, 60_000);

  it('EMERGENCY_NUMBER=999 without LOCALE: UK words for every conversation, en-US browsers too', async () => {
    const uk = testBackline({ EMERGENCY_NUMBER: '999' });
    try {
      for (const locale of ['en-US', undefined]) {
        const c = await chat(uk, locale);
        expect(c.text()).toMatch(/call 999 now/);
        await c.say("I can't feel my bum when I wipe and I've wet myself without noticing");
        expect(c.text()).toMatch(/Go to A&E now/);
        expect(c.text()).not.toMatch(US);
      }
    } finally {
      await uk.close();
    }
  }, 60_000);
});

describe('another language', () => {
  it('a Spanish first message gets the Spanish reply with the emergency number, not an English "Hello"', async () => {
    const c = await chat(us);
    await c.say('Hola, me duele la espalda cuando levanto la pierna');
    const text = c.text();
    expect(text).toMatch(/^Lo siento, por ahora Backline solo habla inglés\. Si es una emergencia, llame al 911\./);
    expect(text).toMatch(/I can only chat in English for now\. In an emergency, call 911\./);
    expect(text).not.toMatch(/^Hello|Hi there/);
  });

  it('in an en-GB conversation the number is 999; French, German and Arabic get their own line', async () => {
    const c = await chat(us, 'en-GB');
    await c.say("Bonjour, j'ai mal au dos quand je lève la jambe");
    expect(c.text()).toMatch(/En cas d'urgence, appelez le 999\./);
    await c.say('Ich habe Rückenschmerzen, wenn ich das Bein hebe');
    expect(c.text()).toMatch(/Im Notfall rufen Sie 999 an\./);
    await c.say('مرحبا، أشعر بألم في ظهري عندما أرفع ساقي');
    expect(c.text()).toMatch(/اتصل بالرقم 999/);
  });

  it('in the middle of the check it says so, asks the same question again, and the next answer counts', async () => {
    const c = await chat(us);
    await c.tap("Check if it's serious");
    const asked = c.askedEvidence();
    expect(asked).toBeDefined();
    await c.say('no entiendo, habla español?');
    expect(c.text()).toMatch(/Lo siento/);
    expect(c.askedEvidence()).toBe(asked);
    await c.say('no');
    expect(c.askedEvidence()).toBeDefined();
    expect(c.askedEvidence()).not.toBe(asked);
  });

  it('English from a non-native speaker, with slang or typos, is answered in English', async () => {
    for (const text of ['I not understand, please more simple', 'my back is kaput', 'mi back is paining since 2 days']) {
      const c = await chat(us);
      await c.say(text);
      expect(c.text(), text).not.toMatch(/Lo siento|only chat in English/);
    }
  });

  it('a warning sign the detectors catch in a Spanish message gets urgent advice first, not the language reply', async () => {
    const c = await chat(us);
    await c.say('tengo síndrome de cauda equina');
    expect(c.firstUrgentIndex()).toBe(0);
    expect(c.triageLevels()[0]).toMatch(/^emergency/);
    expect(c.text()).not.toMatch(/Lo siento|only chat in English/);
  });

  it('a message for a person from the team is passed on, whatever its language', async () => {
    await agentOnline(us);
    const c = await chat(us);
    await c.tap('Talk to a person');
    expect(c.text()).toMatch(/in the queue/);
    await c.say('Hola, me duele la espalda cuando levanto la pierna');
    expect(c.text()).not.toMatch(/Lo siento/);
    expect(c.text()).toMatch(/added that to your request/);
  });

  it('"no entiendo" at a yes/no question is not taken for "No"', async () => {
    const c = await chat(us);
    await c.tap("Check if it's serious");
    const asked = c.askedEvidence();
    await c.say('no entiendo nada, por favor');
    expect(c.text()).toMatch(/Lo siento/);
    expect(c.askedEvidence()).toBe(asked);
  });
});

describe('"a few more quick questions" only when questions follow', () => {
  it('an urgent answer with questions still to come: the promise, then a question', async () => {
    const c = await chat(us);
    await c.tap("Check if it's serious");
    await c.say('yes');
    const texts = c.last.map((a) => a.text ?? '');
    const promise = texts.findIndex((t) => /a few more quick questions/.test(t));
    expect(c.triageLevels()[0]).toMatch(/^emergency/);
    expect(promise).toBeGreaterThan(0);
    expect(c.inCheck()).toBe(true);
    expect(c.last.slice(promise + 1).some((a) => dataOf(a)?.ask)).toBe(true);
  });

  it('the most urgent answer, after which nothing is left to ask: no promise of more questions', async () => {
    const c = await chat(us);
    await c.tap("Check if it's serious");
    // Sudden severe pain is an item of the first checklist, after the one-sign questions.
    for (let i = 0; i < 25 && c.inCheck() && !c.askedEvidenceList()?.includes('sudden_severe_pain'); i++) await c.answerNo();
    expect(c.askedEvidenceList()).toContain('sudden_severe_pain');
    await c.tap('Sudden, very bad');
    expect(c.triageLevels()).toContain('emergency_ambulance');
    expect(c.text()).not.toMatch(/few more quick questions/);
  });
});
