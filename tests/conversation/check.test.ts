// The warning-sign check as people use it (issue #14): short, with progress, never derailed by
// a message that is not an answer, with a way back, and a summary at the end.
import { describe, expect, it } from 'vitest';
import { CAUDA_EQUINA_FLAGS, RED_FLAG_IDS } from '../../src/contract.js';
import { conversationPrefix } from '../../src/conversation/store.js';
import type { ConversationState } from '../../src/engine/state.js';
import { runVignette } from '../../src/eval/triageRunner.js';
import { Chat, dataOf } from '../helpers/backline.js';
import { useSharedBackline } from '../helpers/sharedBackline.js';

const shared = useSharedBackline();
const chat = () => shared.chat();

async function stateOf(c: Chat): Promise<ConversationState> {
  const key = `${conversationPrefix({ channelId: c.conversation.channelId, conversationId: c.conversation.conversationId })}state`;
  return ((await shared.backline.storage.read([key]))[key] as { state: ConversationState }).state;
}

function finalLevel(c: Chat): string | undefined {
  return c.last.map(dataOf).find((d) => d?.triage?.final)?.triage?.level;
}

/** Answers "no" (or "None of these") until the check asks about `until` or ends; returns how many answers. */
async function answerNoUntil(c: Chat, until?: string): Promise<number> {
  let answers = 0;
  for (let i = 0; i < 25 && c.inCheck(); i++) {
    const ask = c.asked()!;
    if (until && (ask.evidence === until || ask.evidenceList?.includes(until as never))) break;
    if (ask.evidence === 'age') await c.say('34');
    else if (ask.evidence === 'duration_weeks') await c.say('3 days');
    else await c.answerNo();
    answers++;
  }
  return answers;
}

describe('a shorter check, with progress', () => {
  it('someone with nothing to report reaches an outcome in at most 12 answers, told "Question N of about M" each time', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    const progress: { index: number; total: number }[] = [];
    let answers = 0;
    for (let i = 0; i < 25 && c.inCheck(); i++) {
      const ask = c.asked()!;
      progress.push(ask.progress!);
      expect(c.text()).toContain(`Question ${ask.progress!.index} of about ${ask.progress!.total}`);
      if (ask.evidence === 'age') await c.say('34');
      else if (ask.evidence === 'duration_weeks') await c.say('3 days');
      else await c.answerNo();
      answers++;
    }
    expect(finalLevel(c)).toBe('self_care');
    expect(answers).toBeLessThanOrEqual(12);
    expect(progress.map((p) => p.index)).toEqual(progress.map((_, i) => i + 1));
    expect(new Set(progress.map((p) => p.total))).toEqual(new Set([answers]));
  });

  it('a checklist has one button per warning sign plus "None of these"; picking one asks about the rest, and it counts', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await answerNoUntil(c, 'fever');
    const list = c.askedEvidenceList()!;
    expect(list).toContain('fever');
    expect(c.buttonLabels()).toHaveLength(list.length + 1);
    expect(c.buttonLabels().at(-1)).toBe('None of these');
    await c.tap('Fever');
    expect(c.askedEvidenceList()).toEqual(list.filter((id) => id !== 'fever'));
    expect(c.text()).toMatch(/others/i);
    await c.say('none of them');
    await answerNoUntil(c);
    expect(finalLevel(c)).toBe('consultation_24');
  });

  it('cauda equina signs are asked first, one per question', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    const first: string[] = [];
    for (let i = 0; i < CAUDA_EQUINA_FLAGS.length; i++) {
      expect(c.askedEvidenceList()).toBeUndefined();
      first.push(c.askedEvidence()!);
      await c.tap('No');
    }
    expect(new Set(first)).toEqual(new Set(CAUDA_EQUINA_FLAGS));
    // The checklists never hold a cauda equina sign.
    const later: string[] = [];
    for (let i = 0; i < 10 && c.inCheck(); i++) {
      later.push(...(c.askedEvidenceList() ?? []));
      await (c.asked()?.evidence === 'age' ? c.say('30') : c.asked()?.evidence === 'duration_weeks' ? c.say('2 days') : c.answerNo());
    }
    expect(later.filter((id) => (CAUDA_EQUINA_FLAGS as readonly string[]).includes(id))).toEqual([]);
    expect(new Set([...first, ...later])).toEqual(new Set(RED_FLAG_IDS));
  });

  it('the triage runner answers checklists by their evidence ids', async () => {
    const fever = await runVignette(shared.backline, { name: 'fever only', evidence: { fever: true, age: 30, duration_weeks: 1 }, expect: 'consultation_24' });
    expect(fever.got).toBe('consultation_24');
    const two = await runVignette(shared.backline, {
      name: 'trauma and cancer',
      evidence: { significant_trauma: true, cancer_history: true, age: 30, duration_weeks: 1 },
      phrasing: 'varied',
      expect: 'emergency',
    });
    expect(two.got).toBe('emergency');
    const none = await runVignette(shared.backline, { name: 'nothing', evidence: { age: 30, duration_weeks: 1 }, phrasing: 'varied', expect: 'self_care' });
    expect(none.got).toBe('self_care');
  });
});

describe('the check never derails', () => {
  it('a stray number at a checklist or a yes/no question is not an answer: the same question, in simpler words', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.tap('No');
    await c.say('38');
    expect(c.askedEvidence()).toBe('bladder_dysfunction');
    expect(c.text()).toMatch(/more simply/);
    expect(c.asked()?.progress?.index).toBe(2);
    await answerNoUntil(c, 'fever');
    const node = c.askedNode();
    await c.say('38');
    expect(c.askedNode()).toBe(node);
    expect(c.text()).not.toMatch(/I'll ask about 10 quick questions/);
  });

  it('"I not understand, please more simple" gets the question in simpler words, not the capability list', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.say('I not understand, please more simple');
    expect(c.askedEvidence()).toBe('saddle_anaesthesia');
    expect(c.text()).toMatch(/private parts numb or tingly/);
    expect(c.text()).not.toMatch(/What would you like to do/);
  });

  it('"check if it\'s serious" or gibberish in the middle does not restart the check', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.tap('No');
    await c.tap('No');
    await c.say("check if it's serious");
    expect(c.askedEvidence()).toBe('bowel_dysfunction');
    await c.say('qwzx blorp');
    expect(c.askedEvidence()).toBe('bowel_dysfunction');
    expect((await stateOf(c)).answers.saddle_anaesthesia).toBe('no');
  });

  it.each(['how do I ease the pain quickly before my shift?', 'quickest way to get rid of it before my driving test'])(
    'a question about easing the pain (%j) is answered as an aside, then the same question',
    async (text) => {
      const c = await chat();
      await c.tap("Check if it's serious");
      const evidence = c.askedEvidence();
      await c.say(text);
      expect(c.text()).toMatch(/at home|heat|moving|active/i);
      expect(c.text()).not.toMatch(/more simply/i);
      expect(c.askedEvidence()).toBe(evidence);
    },
  );

  it.each(['can I take 3 of my pills at a time?', 'could I just have like 5 ibuprofen at once'])(
    'a dose question at a yes/no question (%j) is no answer: no advice, the dose answer, the same question',
    async (text) => {
      const c = await chat();
      await c.tap("Check if it's serious");
      const evidence = c.askedEvidence();
      await c.say(text);
      expect(c.last.some((a) => dataOf(a)?.urgent)).toBe(false);
      expect(c.text()).toMatch(/pharmacist|leaflet/i);
      expect(c.askedEvidence()).toBe(evidence);
    },
  );

  it('leaving needs a confirmation: "No, carry on" asks the same question again; "stop" then yes stops', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.tap('No');
    await c.say('stop');
    expect(c.text()).toMatch(/Stop the check\?/);
    await c.tap('No, carry on');
    expect(c.askedEvidence()).toBe('bladder_dysfunction');
    await c.say('menu');
    expect(c.text()).toMatch(/Stop the check\?/);
    await c.say('yes');
    expect(c.askedNode()).toBe('main.menu');
  });

  it('a warning sign in any message still gets urgent advice at once, even at a checklist or the leave question', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await answerNoUntil(c, 'fever');
    await c.say("I can't feel my bum when I wipe");
    expect(c.firstUrgentIndex()).toBe(0);
    expect(dataOf(c.last[0]!)?.triage?.level).toMatch(/^emergency/);

    const d = await chat();
    await d.tap("Check if it's serious");
    await d.say('cancel');
    await d.say('my chest hurts and I fainted');
    expect(d.firstUrgentIndex()).toBe(0);
    expect(dataOf(d.last[0]!)?.triage?.level).toBe('emergency_ambulance');
  });
});

describe('going back', () => {
  it('"back" asks the previous question again and its new answer replaces the old one', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.tap('No');
    await c.tap('No');
    expect(c.askedEvidence()).toBe('bowel_dysfunction');
    await c.say('back');
    expect(c.askedEvidence()).toBe('bladder_dysfunction');
    expect((await stateOf(c)).answers.bladder_dysfunction).toBeUndefined();
    await c.tap('No');
    expect(c.askedEvidence()).toBe('bowel_dysfunction');
    await c.say('change my last answer');
    expect(c.askedEvidence()).toBe('bladder_dysfunction');
    await c.say('go back');
    expect(c.askedEvidence()).toBe('saddle_anaesthesia');
    expect(c.asked()?.progress?.index).toBe(1);
  });

  it('"oops I meant no" after a tap on a checklist item takes the item back and works out the advice again', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await answerNoUntil(c, 'significant_trauma');
    await c.tap('after a fall');
    expect(c.triageLevels()).toContain('emergency');
    await c.say('oops I meant none of these');
    expect(c.text()).toMatch(/work out the advice again/);
    expect((await stateOf(c)).answers.significant_trauma).toBe('no');
    await answerNoUntil(c);
    expect(finalLevel(c)).toBe('self_care');
  });

  it('a "no" after going back to a cauda equina sign leaves the urgent advice in place', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.tap('Yes');
    expect(dataOf(c.last[0]!)?.triage?.level).toBe('emergency');
    await c.say('oops I meant no');
    expect(c.text()).toMatch(/leave the advice above in place/);
    expect((await stateOf(c)).answers.saddle_anaesthesia).toBe('unsure');
    await answerNoUntil(c);
    expect(finalLevel(c)).toBe('emergency');
  });

  // A mis-tap corrected: the advice stands (the sign is kept as possible), but the check goes on
  // as it would have after a no, instead of stopping at the few questions that could raise it.
  it.each([
    ['the first question, "sorry I meant no"', 0, 'sorry I meant no'],
    ['the second question, "go back" then "no"', 1, 'go back'],
  ])('a yes changed to no at %s: the next cauda equina question is asked, and the advice still stands', async (_, before, undo) => {
    const c = await chat();
    await c.tap("Check if it's serious");
    for (let i = 0; i < before; i++) await c.answerNo();
    const evidence = c.askedEvidence()!;
    await c.tap('Yes');
    expect(c.last.some((a) => dataOf(a)?.urgent)).toBe(true);
    await c.say(undo);
    if (undo === 'go back') await c.answerNo();
    const order = CAUDA_EQUINA_FLAGS as readonly string[];
    expect(c.askedEvidence()).toBe(order[order.indexOf(evidence) + 1]);
    expect(await answerNoUntil(c)).toBeGreaterThanOrEqual(3);
    expect(finalLevel(c)).toBe('emergency');
    expect((await stateOf(c)).answers[evidence]).toBe('unsure');
  });

  it('with nothing answered yet, "back" says so and stays at the question', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.say('back');
    expect(c.text()).toMatch(/no earlier answer/i);
    expect(c.askedEvidence()).toBe('saddle_anaesthesia');
  });
});

describe('the summary at the end', () => {
  it('Web Chat: answers, outcome, reasons and date in channelData, and a text file to download', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await answerNoUntil(c, 'night_pain');
    await c.tap('worse at night');
    await answerNoUntil(c);
    const withSummary = c.last.find((a) => dataOf(a)?.summary);
    const summary = dataOf(withSummary!)!.summary!;
    expect(summary.date).toBe(new Date().toISOString().slice(0, 10));
    expect(summary.level).toBe('consultation');
    expect(summary.reasons.join(' ')).toMatch(/night/i);
    expect(summary.answers).toHaveLength(RED_FLAG_IDS.length + 2);
    expect(summary.answers.find((a) => /night/i.test(a.question))?.answer).toBe('Yes');
    expect(summary.answers.find((a) => a.question === 'Age')?.answer).toBe('34');
    const file = withSummary!.attachments?.find((a) => a.contentType === 'text/plain');
    expect(file?.name).toMatch(/\.txt$/);
    const text = decodeURIComponent(file!.contentUrl!.replace(/^data:text\/plain;charset=utf-8,/, ''));
    expect(text).toMatch(/not a diagnosis/);
    expect(text).toContain(summary.date);
    expect(text).not.toContain('**');
  });

  it('Teams: the summary is an Adaptive Card with the answers as facts', async () => {
    const c = await shared.chat({ channelId: 'msteams' });
    await c.say("check if it's serious");
    for (let i = 0; i < 25 && c.inCheck(); i++) {
      const ask = c.asked()!;
      await c.say(ask.evidence === 'age' ? '60' : ask.evidence === 'duration_weeks' ? '1 week' : ask.kind === 'checklist' ? 'none of these' : 'no');
    }
    const card = c.last.flatMap((a) => a.attachments ?? []).find((a) => JSON.stringify(a.content ?? '').includes('FactSet'));
    expect(card?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const facts = (card!.content as { body: { type: string; facts?: { title: string; value: string }[] }[] }).body.find((b) => b.type === 'FactSet')!.facts!;
    expect(facts.find((f) => f.title === 'Age')?.value).toBe('60');
  });
});
