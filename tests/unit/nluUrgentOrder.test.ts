// urgentRecall of `backline test nlu`: urgent advice given in the first reply before any
// confirming question counts as urgent advice at once (a possible cauda equina sign gets the
// advice first, then "is this happening to you?"); a question before the advice does not.
import { describe, expect, it } from 'vitest';
import { scoreNlu, type FirstReply, type NluTestItem } from '../../src/eval/nluEvaluate.js';

const item: NluTestItem = { text: 'cant feel my bum, is that normal?', intent: 'redflag.report', red_flags: ['saddle_anaesthesia'] };
const understand = (text: string) => ({
  text,
  intent: 'redflag.report' as const,
  confidence: 1,
  ranking: [],
  entities: [],
  redFlags: ['saddle_anaesthesia' as const],
});

function urgentWith(reply: FirstReply): number {
  return scoreNlu([item], understand, new Map([[item.text, reply]])).redFlags.urgentRecall;
}

describe('urgent advice at once, in the order the replies came', () => {
  it('advice, then the confirming question: urgent', () => {
    expect(urgentWith({ advice: true, asked: ['saddle_anaesthesia'], crisis: false, askedFirst: false })).toBe(1);
  });
  it('the question first (advice only after it): not urgent; nor a question alone', () => {
    expect(urgentWith({ advice: true, asked: ['saddle_anaesthesia'], crisis: false, askedFirst: true })).toBe(0);
    expect(urgentWith({ advice: false, asked: ['saddle_anaesthesia'], crisis: false, askedFirst: true })).toBe(0);
  });
  it('without the order (older callers): any question counts as first', () => {
    expect(urgentWith({ advice: true, asked: ['saddle_anaesthesia'], crisis: false })).toBe(0);
    expect(urgentWith({ advice: true, asked: [], crisis: false })).toBe(1);
  });
});
