// Crisis layer, session 11 (issue #11): a plan, a stockpile or a lethal-dose question is not an
// overdose taken. It gets the suicidal-thoughts help (the crisis line first, no poison-line
// advice about a packet nobody has swallowed); an overdose taken keeps the overdose help (the
// emergency number first, marked urgent), even told beside a plan. Idioms get no crisis help.
// Wordings written for this test.
import { describe, expect, it } from 'vitest';
import { expectCrisisFirst, expectNoCrisis, expectOverdoseHelpFirst, SAFETY_NUMBERS, safetyChats } from '../helpers/safety.js';
import { dataOf } from '../helpers/backline.js';

const chat = safetyChats();

describe('planned, stockpiled or asked about: the suicidal-thoughts help', () => {
  it.each([
    "I've thought about taking them all",
    "I've been saving my tablets up",
    'been stockpiling my co-codamol, not saying what for',
    'i keep thinking about swallowing every single one of my tramadol',
    'what is the most codeine a person could take before its fatal',
    "I've got all my pills lined up on the table",
    'i want to overdose tonight',
  ])('"%s"', async (text) => {
    const c = await chat(text);
    expectCrisisFirst(c);
    expect(c.last[0]!.text).toContain(SAFETY_NUMBERS.CRISIS_LINE);
    expect(c.last[0]!.text).not.toContain(SAFETY_NUMBERS.POISON_LINE);
    expect(dataOf(c.last[0]!)?.urgent).not.toBe(true);
  });
});

describe('taken: the overdose help', () => {
  it.each([
    'i saved up my pills for weeks and last night i took them all',
    'took 30 paracetamol an hour ago, thinking of taking the rest',
    'I swallowed the whole packet of my sleeping tablets',
  ])('"%s"', async (text) => {
    const c = await chat(text);
    expectOverdoseHelpFirst(c);
    expect(c.last[0]!.text).toContain(SAFETY_NUMBERS.POISON_LINE);
  });
});

describe('idioms: no crisis help', () => {
  it.each(['this pain is killing me', "I'd kill for a sleep", 'my back is murdering me, could take the whole day off'])('"%s"', async (text) => {
    expectNoCrisis(await chat(text));
  });
});

// Right after crisis help, a message the classifier can only guess at started the warning-sign
// check ("you can't stop me" read as a vague report) or got "outside what I can help with".
describe('right after crisis help, a vague reply gets the help again, never the check', () => {
  it.each(['nobody can stop me', 'meh', 'just leave it', 'doesnt matter anymore'])('"%s"', async (text) => {
    const c = await chat("I've been saving my tablets up and I'm going to take them tonight", text);
    expectCrisisFirst(c);
    expect(c.inCheck()).toBe(false);
    expect(c.last.map((a) => a.text ?? '').join(' ')).not.toMatch(/outside what I can help/i);
  });

  it('asking for the check, or a question about the back, is still answered as such', async () => {
    const c = await chat("I've been saving my tablets up and I'm going to take them tonight", 'start the check');
    expect(c.inCheck()).toBe(true);
  });
});
