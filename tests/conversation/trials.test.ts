// The clinical-trial pre-screen, end to end through the real bot: questions built from
// knowledge/trials/, results per trial with reasons, "not sure", privacy notice before consent,
// the stored lead, and warning signs typed mid-way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backline } from '../../src/app.js';
import type { SupportCase } from '../../src/handoff/types.js';
import type { TrialCatalogue } from '../../src/trials/catalogue.js';
import { Chat, dataOf, testBackline } from '../helpers/backline.js';

let backline: Backline;
let catalogue: TrialCatalogue;
beforeAll(() => {
  backline = testBackline();
  catalogue = backline.content.engine.trials;
});
afterAll(async () => {
  await backline.close();
});

const ELIGIBLE: Record<string, string> = {
  diagnosed: 'yes',
  age: "I'm 40",
  leg_pain: 'yes',
  medication: 'yes',
  blood_thinners: 'no',
  pregnant: 'no',
  recent_surgery: 'no',
};
const SCREEN = 'trials.screen.';

async function startScreen(): Promise<Chat> {
  const c = await new Chat(backline).open();
  await c.tap('Clinical trials');
  expect(c.text()).toMatch(/3 trials I know about/);
  await c.say('yes');
  return c;
}

/** Answers every pre-screen question from `answers`; returns the question ids in the order asked. */
async function answerScreen(c: Chat, answers: Record<string, string>): Promise<string[]> {
  const asked: string[] = [];
  for (let node = c.askedNode(); node?.startsWith(SCREEN); node = c.askedNode()) {
    const id = node.slice(SCREEN.length);
    expect(asked).not.toContain(id);
    asked.push(id);
    await c.say(answers[id] ?? ELIGIBLE[id]!);
  }
  return asked;
}

const leadsOf = async (c: Chat) => {
  const keys = await backline.storage.listKeys(`c/webchat/${encodeURIComponent(c.conversation.conversationId)}/lead/`);
  if (keys.length === 0) return [];
  const found = await backline.storage.read(keys);
  return keys.map((k) => found[k] as SupportCase);
};

const trial = (id: string) => catalogue.trials.find((t) => t.id === id)!;
const fitsLine = (id: string) => `**${trial(id).title}**: you may fit this one.`;
const notFitLine = (id: string, reason: string) => `**${trial(id).title}**: this one doesn't fit. ${reason}`;

describe('the trial data', () => {
  it('ships clearly marked examples with invented sponsors', () => {
    expect(catalogue.trials.length).toBeGreaterThanOrEqual(2);
    for (const t of catalogue.trials) {
      expect(t.example).toBe(true);
      expect(t.sponsor).toMatch(/^Example /);
    }
  });
});

describe('eligible', () => {
  it('asks each shared question once, says every trial may fit, shows the privacy notice before consent, and stores the lead', async () => {
    const c = await startScreen();
    const asked = await answerScreen(c, {});
    expect(asked).toEqual(catalogue.questions.map((q) => q.id));
    const turn = c.text();
    for (const t of catalogue.trials) expect(turn).toContain(fitsLine(t.id));
    // The privacy notice of each trial comes before the question about consent.
    const privacyAt = turn.indexOf('Privacy notice for');
    const consentAt = turn.indexOf('May the research teams contact you about these trials?');
    expect(privacyAt).toBeGreaterThan(-1);
    expect(consentAt).toBeGreaterThan(privacyAt);
    for (const t of catalogue.trials) expect(turn).toContain(t.privacy);
    await c.say('yes');
    await c.say('email me at pat.example@example.org');
    expect(c.text()).toMatch(/pat\.example@example\.org/);
    await c.say('yes');
    expect(c.text()).toMatch(/What happens next: someone from the teams will contact you/);
    const [lead, ...others] = await leadsOf(c);
    expect(others).toHaveLength(0);
    expect(lead).toMatchObject({ type: 'trial_lead', consent: true, contact: 'pat.example@example.org', diagnosed: 'yes', medication: 'yes', age: 40 });
    expect(lead!.trials!.map((t) => t.status)).toEqual(catalogue.trials.map(() => 'fits'));
    expect(lead!.criteria).toEqual({
      diagnosed: 'yes',
      age: 40,
      leg_pain: 'yes',
      medication: 'yes',
      blood_thinners: 'no',
      pregnant: 'no',
      recent_surgery: 'no',
    });
  });

  it("with one trial left, the wording is singular and only that trial's questions are asked", async () => {
    const c = await startScreen();
    const asked = await answerScreen(c, { age: '78' });
    // Only the movement app takes people over 70: leg pain, medicine, blood thinners and pregnancy no longer matter.
    expect(asked).toEqual(['diagnosed', 'age', 'recent_surgery']);
    expect(c.text()).toContain(fitsLine('example-movement-app'));
    expect(c.text()).toContain(notFitLine('example-sciatica-exercise', 'It is for adults aged 18 to 70.'));
    expect(c.text()).toContain(notFitLine('example-back-pain-medicine', 'It is for adults aged 18 to 65.'));
    expect(c.text()).toContain('May the research team contact you about this trial?');
  });
});

describe('not eligible', () => {
  const cases: { name: string; answers: Record<string, string> }[] = [
    { name: 'not diagnosed', answers: { diagnosed: 'no' } },
    { name: 'under 18', answers: { age: '16' } },
    { name: 'no leg pain', answers: { leg_pain: 'no' } },
    { name: 'no medicine tried', answers: { medication: 'no' } },
    { name: 'takes blood thinners', answers: { blood_thinners: 'yes' } },
    { name: 'pregnant', answers: { pregnant: 'yes' } },
    { name: 'recent back surgery', answers: { recent_surgery: 'yes' } },
  ];
  for (const { name, answers } of cases) {
    it(`${name}: the trials with that rule say why they don't fit; the others still may`, async () => {
      const c = await startScreen();
      await answerScreen(c, answers);
      const [[questionId, raw]] = Object.entries(answers) as [[string, string]];
      const given = questionId === 'age' ? Number(raw) : raw;
      for (const t of catalogue.trials) {
        const inclusion = t.inclusion.find((r) => r.question === questionId);
        const exclusion = t.exclusion.find((r) => r.question === questionId);
        const failsInclusion =
          inclusion &&
          (inclusion.answer !== undefined
            ? inclusion.answer !== given
            : (given as number) < (inclusion.min ?? 0) || (given as number) > (inclusion.max ?? 200));
        const failsExclusion = exclusion && exclusion.answer === given;
        if (failsInclusion) expect(c.text()).toContain(notFitLine(t.id, inclusion.reason));
        else if (failsExclusion) expect(c.text()).toContain(notFitLine(t.id, exclusion.reason));
        else expect(c.text()).toContain(fitsLine(t.id));
      }
    });
  }

  it('when nothing fits it says so, passes nothing on and asks no consent', async () => {
    const c = await startScreen();
    const asked = await answerScreen(c, { diagnosed: 'no' });
    expect(asked).toEqual(['diagnosed']); // every trial needs a diagnosis: nothing else matters
    expect(c.text()).toMatch(/none of the trials I know about fit right now/i);
    expect(c.text()).not.toMatch(/Privacy notice|May the research/);
    expect(await leadsOf(c)).toHaveLength(0);
  });
});

describe('"not sure"', () => {
  it('keeps the trial as "may fit, the team will check", and the lead says so', async () => {
    const c = await startScreen();
    await answerScreen(c, { pregnant: 'not sure' });
    const withPregnancyRule = catalogue.trials.filter((t) => t.exclusion.some((r) => r.question === 'pregnant'));
    expect(withPregnancyRule.length).toBeGreaterThan(0);
    for (const t of catalogue.trials) {
      const line = withPregnancyRule.includes(t) ? `**${t.title}**: you may fit this one. The team will check` : fitsLine(t.id);
      expect(c.text()).toContain(line);
    }
    await c.say('yes');
    await c.say('07700 900123');
    await c.say('yes');
    const [lead] = await leadsOf(c);
    expect(lead!.criteria!.pregnant).toBe('unsure');
    for (const t of lead!.trials!) expect(t.status).toBe(withPregnancyRule.some((w) => w.id === t.id) ? 'maybe' : 'fits');
  });
});

describe('consent', () => {
  it('refused: nothing is stored', async () => {
    const c = await startScreen();
    await answerScreen(c, {});
    await c.say('no thanks');
    expect(c.text()).toMatch(/haven't passed on anything/i);
    expect(await leadsOf(c)).toHaveLength(0);
  });
});

describe('safety during the pre-screen', () => {
  it('a warning sign typed as an answer gets urgent advice first, then the pre-screen can carry on at the same question', async () => {
    const c = await startScreen();
    await c.say('yes'); // diagnosed
    expect(c.askedNode()).toBe(`${SCREEN}age`);
    await c.say("I've wet myself and can't feel it when I wipe");
    expect(dataOf(c.last[0]!)?.urgent).toBe(true);
    expect(['emergency', 'emergency_ambulance']).toContain(dataOf(c.last[0]!)?.triage?.level);
    await c.tap('Carry on');
    expect(c.askedNode()).toBe(`${SCREEN}age`);
  });
});

describe('forget me after a lead', () => {
  it('says "1 clinical trial contact request", with a proper plural', async () => {
    const c = await startScreen();
    await answerScreen(c, {});
    await c.say('yes');
    await c.say('pat.example@example.org');
    await c.say('yes');
    await c.say('delete my data');
    await c.say('yes');
    expect(c.text()).toMatch(/1 clinical trial contact request(?!s|\()/);
  });
});

describe('"Where is this from?"', () => {
  it('as a button after an article and as a typed command: the sources and review date, then the way on', async () => {
    const c = await new Chat(backline).open();
    await c.say('what is sciatica?');
    expect(c.buttonLabels()).toContain('Where is this from?');
    await c.tap('Where is this from?');
    const article = backline.content.engine.articles.get('sciatica');
    for (const source of article.sources) expect(c.text()).toContain(source);
    expect(c.text()).toContain(`Last reviewed: ${article.lastReviewed}`);
    expect(c.buttonLabels()).toContain('Tell me more');
    await c.tap('Tell me more');
    await c.say('where is this from');
    expect(c.text()).toContain(article.sources[0]!);
  });

  it('before any article it says so, and mid-question the question is asked again', async () => {
    const c = await new Chat(backline).open();
    await c.say('where is this from?');
    expect(c.text()).toMatch(/haven't shown you an article yet/);
    await c.tap("Check if it's serious");
    const node = c.askedNode();
    await c.say('sources');
    expect(c.askedNode()).toBe(node);
  });
});

describe('answers already given', () => {
  it('an age given in the warning-sign check is not asked again in the pre-screen', async () => {
    const c = await new Chat(backline).open();
    await c.tap("Check if it's serious");
    let gaveAge = false;
    for (let i = 0; i < 40 && c.askedNode() && !c.askedNode()!.startsWith('main.'); i++) {
      const evidence = c.askedEvidence();
      if (evidence === 'age') {
        await c.say('40');
        gaveAge = true;
      } else if (evidence === 'duration_weeks') await c.say('1 week');
      else if (c.asked()?.kind === 'checklist') await c.tap('None of these');
      else if (c.buttonLabels().includes('No')) await c.tap('No');
      else break;
    }
    expect(gaveAge).toBe(true);
    await c.say('menu');
    await c.tap('Clinical trials');
    await c.say('yes');
    const asked = await answerScreen(c, {});
    expect(asked).not.toContain('age');
    expect(asked).toEqual(catalogue.questions.map((q) => q.id).filter((id) => id !== 'age'));
    for (const t of catalogue.trials) expect(c.text()).toContain(fitsLine(t.id));
  });
});
