// The learned crisis gate (src/nlu/crisisModel.ts): a second crisis detector beside the patterns.
// Read here on its own (not through the patterns), as the bot counts its hit: probability at the
// threshold of knowledge/nlu/crisis-model.json and crisis.yaml's word gates (learnedCounts).
import { beforeAll, describe, expect, it } from 'vitest';
import { createCrisisDetector, loadCrisisPatterns } from '../../src/nlu/crisis.js';
import { loadOrTrainCrisisModel, type CrisisModel } from '../../src/nlu/crisisModel.js';

const patterns = loadCrisisPatterns('knowledge/crisis.yaml');
const detector = createCrisisDetector(patterns);
let gate: CrisisModel;
const gateCounts = (text: string) => {
  const p = gate.probability(text);
  return p >= gate.threshold && detector.learnedCounts(text, p);
};

beforeAll(() => {
  gate = loadOrTrainCrisisModel({ cacheDir: 'data/test-nlu-cache', reading: { read: detector.readable, hash: patterns.hash } }).model;
}, 300_000); // trains the gate when the test cache is cold

describe('learned crisis gate', () => {
  it('its threshold was chosen on the current rounds, reading and config (node scripts/crisis-rounds.mjs --write)', () => {
    expect(gate.thresholdCurrent).toBe(true);
    expect(gate.threshold).toBeGreaterThan(0);
    expect(gate.threshold).toBeLessThan(1);
  });

  // Development-set crisis messages (tests/nlu-dev-18, -20, -24, -25) no pattern catches: the gate
  // is what reaches them (it was not trained on the development sets).
  it.each([
    'honestly some nights I think everyone would be better off if I just wasnt here',
    "everyone would be better off if I just didn't wake up tomorrow",
    'sometimes i think better to die than this pain, I have plan also',
    'I swallow many sleeping pill because I am tired of everything',
    "the nurse on the phone said I sounded low. I am. I keep planning how I'd end it",
  ])('catches "%s"', (text) => {
    expect(gateCounts(text)).toBe(true);
  });

  // Idioms and ordinary medicine questions never raise it.
  it.each([
    'this pain is killing me',
    'I could kill for a sleep',
    "I'm dying to know what the scan showed",
    'dying to know if the physio will help',
    'can I take ibuprofen with paracetamol',
    'what is the maximum dose of paracetamol in a day',
    'how many co-codamol can I take in 24 hours',
    'i wish this pain would just disappear',
    'my sciatica will be the death of me',
    "I'm dead on my feet after that shift",
    'is it safe to take tramadol with my sertraline',
    'Can amitriptyline cause suicidal thoughts? The leaflet mentions it and I want to know what to watch for',
  ])('not "%s"', (text) => {
    expect(gateCounts(text)).toBe(false);
  });

  it('leaves answers and single words to the patterns', () => {
    for (const text of ['no', 'about three weeks', 'yes', "I'm 52"]) expect(gate.probability(text)).toBe(0);
  });
});
