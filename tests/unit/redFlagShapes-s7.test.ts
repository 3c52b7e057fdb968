// Red-flag patterns added in session 7 for the shapes the s7 corpus round showed the bot missed
// when it was scored BEFORE training on it (scripts/score-corpus-round.mjs): a dental
// injection's numbness said of the seat area, wetting or soiling without feeling it, no urge at
// all, lost control "back there", soiling as a new habit, no feeling during sex, "bilateral"
// said plainly, "not one leg, both", a foot getting floppier, a leg going or giving. The
// wordings are written for this test, not taken from the corpus.
import { describe, expect, it } from 'vitest';
import type { RedFlagId } from '../../src/contract.js';
import { createRedFlagDetector, loadRedFlagPatterns } from '../../src/nlu/redFlagDetector.js';

const detector = createRedFlagDetector(loadRedFlagPatterns('knowledge/red-flags.yaml', { cacheDir: 'data/test-nlu-cache' }));
const raised = (text: string) => {
  const d = detector.detect(text);
  return [...d.flags, ...d.possible];
};

const REPORTS: [RedFlagId, string][] = [
  ['saddle_anaesthesia', 'my crotch feels like the dentist numbed it'],
  ['saddle_anaesthesia', 'feels like a dental anaesthetic down there since the weekend'],
  ['saddle_anaesthesia', 'numb privates since I lifted the sofa'],
  ['bladder_dysfunction', 'woke up to a wet patch and never felt a thing'],
  ['bladder_dysfunction', 'no urge to wee at all today'],
  ['bladder_dysfunction', 'my bladder feels full but nothing comes'],
  ['bowel_dysfunction', 'my husband keeps soiling himself since his back went'],
  ['bowel_dysfunction', 'I have lost all control of my back passage'],
  ['bowel_dysfunction', 'she has been soiling again this week'],
  ['bowel_dysfunction', 'I cant clench my bum shut'],
  ['bowel_dysfunction', 'he didnt know hed gone until I changed him'],
  ['sexual_dysfunction', 'we had sex and I couldnt feel anything'],
  ['sexual_dysfunction', 'I cant feel anything when I orgasm now'],
  ['bilateral_leg_symptoms', 'bilateral leg numbness since Monday'],
  ['bilateral_leg_symptoms', 'its not one leg any more, its both'],
  ['progressive_weakness', 'my foot is getting floppier by the day'],
  ['progressive_weakness', 'my knee keeps giving way since yesterday'],
  ['progressive_weakness', 'I cant stand on tiptoes on the left now'],
];

const NEAR_MISSES: [RedFlagId, string][] = [
  ['saddle_anaesthesia', "the dentist's injection made my jaw numb"],
  ['saddle_anaesthesia', 'my bum is sore from the injection the nurse gave'],
  ['bowel_dysfunction', 'my dog keeps soiling the carpet'],
  ['bladder_dysfunction', 'the puddle by the door was from the rain, I didnt notice it'],
  ['bladder_dysfunction', 'I feel full after dinner but cant go to the gym'],
  ['sexual_dysfunction', 'I didnt feel anything in my legs after the injection'],
];

describe('session 7 shapes: the patterns raise the sign (a flag or a confirming question)', () => {
  it.each(REPORTS)('%s: "%s"', (sign, text) => {
    expect(raised(text)).toContain(sign);
  });
});

describe('session 7 shapes: other senses stay quiet', () => {
  it.each(NEAR_MISSES)('not %s: "%s"', (sign, text) => {
    expect(raised(text)).not.toContain(sign);
  });
});
