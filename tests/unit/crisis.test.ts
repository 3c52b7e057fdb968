// The crisis detector (knowledge/crisis.yaml + src/nlu/crisis.ts) and the patient reader
// (knowledge/nlu/patient.yaml + src/nlu/patient.ts).
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createCrisisDetector, CrisisPatternError, loadCrisisLanguages, loadCrisisPatterns, parseCrisisPatterns } from '../../src/nlu/crisis.js';
import { createPatientReader, loadPatientWords } from '../../src/nlu/patient.js';

const detector = createCrisisDetector(loadCrisisPatterns('knowledge/crisis.yaml'));
const kindOf = (text: string) => detector.detect(text).kind ?? null;

describe('crisis detector', () => {
  it.each([
    ['The pain is so bad I want to end it all', 'suicide'],
    ["I don't want to be alive anymore", 'suicide'],
    ['everyone would be better off without me', 'suicide'],
    ["I've been thinking about killing myself", 'suicide'],
    ['my husband says he wants to kill himself because of his back', 'suicide'],
    ["I can't keep myself safe tonight", 'suicide'],
    ["I've been cutting myself again", 'self_harm'],
    ['I hit myself on purpose when the pain gets bad', 'self_harm'],
    ['I took too many painkillers', 'overdose'],
    ['I just swallowed a whole packet of paracetamol', 'overdose'],
    ['my toddler swallowed some of my tablets', 'overdose'],
    ['I accidentally took a double dose of my codeine and now I feel really drowsy', 'overdose'],
    ['mum took extra oxycodone and now she is hard to wake', 'overdose'],
    ['took extra tylenol for the pain and have had about 12 today', 'overdose'],
    ['I took 20 co-codamol to make it stop', 'overdose'],
  ])('"%s" -> %s', (text, kind) => {
    expect(kindOf(text)).toBe(kind);
  });

  it.each([
    'this pain is killing me',
    "I'm dying to know what the scan showed",
    "I could kill for a good night's sleep",
    "I'm dead on my feet",
    'can I take ibuprofen with paracetamol',
    'what is the maximum dose of paracetamol',
    "I'd rather die than have surgery",
    'I hurt myself lifting a box at work',
    'I cut myself shaving this morning',
    "I would never hurt myself, I'm just fed up with the pain",
    "I'm not suicidal, just worn out",
    'what are the signs of an opioid overdose',
    'my legs feel dead after sitting',
    "I don't want to do this anymore",
    'is it ok to take two co-codamol every four hours',
    'what happens if I take too many co-codamol',
    'can you overdose on paracetamol?',
  ])('"%s" is not a crisis', (text) => {
    expect(detector.detect(text)).toEqual({ crisis: false });
  });

  it('an overdose with suicidal words is reported as an overdose (it needs the emergency number)', () => {
    expect(kindOf('I took all my pills because I want to die')).toBe('overdose');
  });

  // Session 11: stockpiling, a plan or a lethal-dose question is not an overdose taken: it gets
  // the suicidal-thoughts reply; a taken overdose keeps the overdose reply even beside a plan.
  it.each([
    ["I've thought about taking them all", 'suicide'],
    ["I've been saving my tablets up", 'suicide'],
    ['been stockpiling my oxycodone for weeks', 'suicide'],
    ['I want to overdose', 'suicide'],
    ['im going to take the whole packet tonight', 'suicide'],
    ["what's the most naproxen someone could take before it's fatal", 'suicide'],
    ['she has bought paracetamol here and, she says, at two other shops today', 'suicide'],
    ['I saved up my pills and last night I took them all', 'overdose'],
    ['I took 20 paracetamol and now I want to take the rest', 'overdose'],
    ['I took an overdose last night', 'overdose'],
  ])('"%s" -> %s (planned or taken)', (text, kind) => {
    expect(kindOf(text)).toBe(kind);
  });

  it.each(["I'm not going to take them all", 'bought ibuprofen at two different shops because the first ran out', "I won't need my physio after today"])(
    '"%s" is no planned overdose',
    (text) => {
      expect(detector.detect(text)).toEqual({ crisis: false });
    },
  );

  it('a taken-overdose expression inside a planned one does not count as taken, outside it does', () => {
    const yaml =
      'version: 1\nnegations: "not|dont"\nkinds:\n  suicide: {patterns: [x]}\n  self_harm: {patterns: [y]}\n  overdose:\n    patterns: ["took (them|the lot)", overdose]\n    planned: ["want to overdose"]\n';
    const own = createCrisisDetector(parseCrisisPatterns(yaml, 'f.yaml'), [], { prescreen: false });
    expect(own.detect('i want to overdose').kind).toBe('suicide');
    expect(own.detect('i want to overdose because i took the lot').kind).toBe('overdose');
    expect(own.detect('i dont want to overdose')).toEqual({ crisis: false });
  });

  it('a plan of a kind checked first does not hide an act of a kind checked later', () => {
    const yaml =
      'version: 1\nnegations: "not|dont"\nkinds:\n  suicide: {patterns: [x]}\n  self_harm: {patterns: ["cut (myself|my arms)"]}\n  overdose:\n    patterns: ["took (them|the lot)"]\n    planned: ["saving (my|the) (pills|tablets)"]\n';
    const own = createCrisisDetector(parseCrisisPatterns(yaml, 'f.yaml'), [], { prescreen: false });
    expect(own.detect('im saving my pills').kind).toBe('suicide');
    expect(own.detect('im saving my pills and i cut my arms last night').kind).toBe('self_harm');
  });

  it('rejects a bad expression or an unknown group, naming where', () => {
    const base = 'version: 1\nnegations: "not"\nkinds:\n  suicide: {patterns: [PAT]}\n  self_harm: {patterns: [x]}\n  overdose: {patterns: [y]}\n';
    expect(() => parseCrisisPatterns(base.replace('PAT', '"(unclosed"'), 'c.yaml')).toThrow(/kinds\.suicide\.patterns\[0\]/);
    expect(() => parseCrisisPatterns(base.replace('PAT', '"@nothing"'), 'c.yaml')).toThrow(/unknown group @nothing/);
    expect(() => parseCrisisPatterns(base.replace('  overdose: {patterns: [y]}\n', ''), 'c.yaml')).toThrow(CrisisPatternError);
  });

  // The training corpus (positives and near misses, incl. idioms) written for the learned
  // detector: when it is there, print the numbers and hold the line on both.
  const corpusPath = 'knowledge/nlu/red-flag-corpus/crisis.yaml';
  it('recall and false alarms on the crisis corpus', () => {
    const corpus = parseYaml(readFileSync(corpusPath, 'utf8')) as { positives: unknown[]; near_misses: unknown[] };
    const textOf = (item: unknown) => (typeof item === 'string' ? item : (item as { text: string }).text);
    const positives = corpus.positives.map(textOf);
    const nearMisses = corpus.near_misses.map(textOf);
    const recall = positives.filter((t) => detector.detect(t).crisis).length / positives.length;
    const falseAlarms = nearMisses.filter((t) => detector.detect(t).crisis).length / nearMisses.length;
    console.log(`crisis corpus: recall ${recall.toFixed(3)} (${positives.length}), false alarms ${falseAlarms.toFixed(3)} (${nearMisses.length})`);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(falseAlarms).toBeLessThanOrEqual(0.06);
  });

  // The second writing round (session 4), written after the patterns: fresher wording, so a
  // fairer read of how the patterns generalise. Most of its false alarms are histories
  // ("I self-harmed as a teenager"), where crisis help is the tolerated side.
  const secondRound = 'knowledge/nlu/red-flag-corpus/crisis.s4.yaml';
  it('recall and false alarms on the second round of the crisis corpus', () => {
    const corpus = parseYaml(readFileSync(secondRound, 'utf8')) as { positives: string[]; near_misses: { text: string }[] };
    const recall = corpus.positives.filter((t) => detector.detect(t).crisis).length / corpus.positives.length;
    const falseAlarms = corpus.near_misses.filter((n) => detector.detect(n.text).crisis).length / corpus.near_misses.length;
    console.log(
      `crisis corpus, second round: recall ${recall.toFixed(3)} (${corpus.positives.length}), false alarms ${falseAlarms.toFixed(3)} (${corpus.near_misses.length})`,
    );
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(falseAlarms).toBeLessThanOrEqual(0.1);
  });
});

describe('patient reader', () => {
  const reader = createPatientReader(loadPatientWords('.'));

  it.each([
    ["my wife can't feel her bum", { who: 'other', rel: 'wife', pronoun: 'she' }],
    ["my dad's legs are numb", { who: 'other', rel: 'dad', pronoun: 'he' }],
    ['no, not me, my wife', { who: 'other', rel: 'wife', explicit: true }],
    ["I'm asking for my mum", { who: 'other', rel: 'mum', explicit: true }],
    ['my 78 year old mum has back pain', { who: 'other', rel: 'mum', otherAge: 78 }],
    ['she has lost control of her bladder', { who: 'other', pronoun: 'she', byPronoun: true }],
    ["it's me", { who: 'self' }],
  ])('"%s"', (text, expected) => {
    expect(reader.read(text)).toMatchObject(expected);
  });

  it.each([
    'my dad had cancer and my back hurts',
    'my mum has osteoporosis, how do i prevent back problems',
    'my husband has osteoporosis, not me. how do I stop my back pain recurring',
    'my friend had a fever with her back pain, is mine serious?',
    'how do i look after my back while it heals',
  ])('"%s" is about the writer (a relative is family history)', (text) => {
    expect(reader.read(text).who).toBeUndefined();
  });

  it('retells a report about the patient in the first person, keeping punctuation', () => {
    expect(reader.toFirstPerson("My dad's legs are both numb", { who: 'other', rel: 'dad', pronoun: 'he' })).toBe('my legs are both numb');
    expect(reader.toFirstPerson("she can't feel her bum?", { who: 'other', pronoun: 'she' })).toBe('i cant feel my bum?');
  });

  it("takes a carer's own age out of an age answer", () => {
    expect(reader.ageAnswerFor("I'm 40", 'other')).toBe('');
    expect(reader.ageAnswerFor("I'm 40, she's 78", 'other')).toBe('78');
    expect(reader.ageAnswerFor("I'm 40", 'self')).toBe("I'm 40");
  });

  it("takes a carer's own duration out of a duration answer about the patient", () => {
    expect(reader.durationAnswerFor("she's had it 3 weeks, I've had mine for 10 years", 'other')).toBe("she's had it 3 weeks");
    expect(reader.durationAnswerFor('about 3 weeks', 'other')).toBe('about 3 weeks');
    expect(reader.durationAnswerFor("I've had it 10 years", 'self')).toBe("I've had it 10 years");
  });

  it('names the patient for questions and advice', () => {
    expect(reader.nameOf({ who: 'other', rel: 'grandma', pronoun: 'she' })).toBe('your grandma');
    expect(reader.nameOf({ who: 'other', pronoun: 'they' })).toBe("the person you're asking for");
  });

  it('knows a description of back or leg pain', () => {
    expect(reader.describesPain('my lower back aches when I bend')).toBe(true);
    expect(reader.describesPain('what causes sciatica')).toBe(false);
  });
});

// Session 4 (issue #11): a crisis told across two clauses or sentences of one message, and
// wordings that were missed; ordinary medicine questions and idioms still get nothing.
describe('crisis detector: across clauses and new wordings', () => {
  it.each([
    ["I've been taking co-codamol for my back. Had about 14 today", 'overdose'],
    ['my oxycodone ran out early... i think i took too many this week', 'overdose'],
    ["took my pregabalin and two of my husband's tramadol on top, now i feel so drowsy", 'overdose'],
    ['we gave her an extra dose of morphine. now she is really hard to wake', 'overdose'],
    ['how many sleeping pills would it take to never wake up', 'suicide'], // asked, not taken: the suicidal-thoughts reply,
    ['i no want to live no more', 'suicide'],
    ["i've kept my old tramadol hidden for when i can't cope anymore", 'suicide'],
    ['been thinking about sewerslide lately', 'suicide'],
    ['been cuttin myself again', 'self_harm'],
    ['I keep hurting myself on purpose when the pain gets bad', 'self_harm'],
  ])('"%s" -> %s', (text, kind) => {
    expect(kindOf(text)).toBe(kind);
  });

  it.each([
    'I take naproxen for my back. Is it safe to take 10 a day?',
    'took my ibuprofen this morning, 10 minutes later the pain eased',
    'I took paracetamol at 9. Had 2 more at lunch today',
    'I keep a stash of paracetamol in my car for when my back flares',
    'overdosed on the ibuprofen gel haha, the whole house smells of it',
    'skipping physio is just shooting myself in the foot',
    'I hurt myself on the stairs carrying the laundry',
    "I've been on gabapentin for a month. The pharmacist said 9 a day is my maximum",
  ])('"%s" is not a crisis', (text) => {
    expect(detector.detect(text)).toEqual({ crisis: false });
  });

  it('a pair is read clause by clause: a negation in its own clause drops that part', () => {
    expect(detector.detect("I've been taking tramadol. I haven't had 10 today, only two")).toEqual({ crisis: false });
  });

  it('rejects a malformed pair, naming it', () => {
    const yaml =
      'version: 1\nnegations: "not"\nkinds:\n  suicide: {patterns: [x]}\n  self_harm: {patterns: [y]}\n  overdose:\n    patterns: [z]\n    across_clauses:\n      - first: "(took"\n        then: "ten"\n';
    expect(() => parseCrisisPatterns(yaml, 'f.yaml')).toThrow(/f\.yaml: kinds\.overdose\.across_clauses\[0\]\.first/);
    expect(() => parseCrisisPatterns(yaml.replace('"(took"', 'took'), 'f.yaml')).not.toThrow();
    expect(() => parseCrisisPatterns(yaml.replace('then: "ten"', 'then: "ten"\n        within: 9'), 'f.yaml')).toThrow(/within/);
  });
});

describe('crisis words that let a learned crisis hit count (learned_needs)', () => {
  it('a plain question or a carer’s story has none; an idiom is blanked first; words of risk count', () => {
    expect(detector.mentionsCrisisWords('what is spinal narrowing? my grandad has just been told he has it')).toBe(false);
    expect(detector.mentionsCrisisWords('the lady I care for has been on her own since her husband passed, her back aches')).toBe(false);
    expect(detector.mentionsCrisisWords('this pain is killing me')).toBe(false);
    expect(detector.mentionsCrisisWords('some days I just want to disappear')).toBe(true);
    expect(detector.mentionsCrisisWords('my tramadol is all I think about')).toBe(true);
  });
});

// Session 4, after the blind sets were measured once: quiet hopelessness with a softening word,
// a burden who would be better gone, cutting that has come back, and asking how much would kill.
describe('crisis detector: mechanisms the fourth blind round missed (own wordings)', () => {
  it.each([
    ["honestly I don't even want to be alive now", 'suicide'],
    ['lost all will to go on', 'suicide'],
    ["the kids would have it easier if I wasn't here anymore", 'suicide'],
    ['started cutting again last week', 'self_harm'],
    ['how many codeine until it kills you', 'suicide'],
  ])('"%s" -> %s', (text, kind) => {
    expect(kindOf(text)).toBe(kind);
  });

  it.each([
    'I have no wish to carry on with the stretches, they hurt',
    "we've been cutting the grass again and my back is sore",
    'what is the most naproxen I can take in a day',
    'how far can I walk before it hurts',
  ])('"%s" is not a crisis', (text) => {
    expect(detector.detect(text)).toEqual({ crisis: false });
  });
});

// Session 7: a learned crisis hit in talk about a dose (dose_talk) does not count, unless a sign
// of harm is there too. The probabilities are what the learned classifier gave these messages.
describe('a learned hit in a question about a dose', () => {
  it.each([
    ['and how many of them at once', 0.96],
    ['my nabour said take 3 of her tramadol', 0.89],
    ['can I take my husbands codeine for my back', 0.99],
    ["what's the max I can take at once", 0.99],
  ])('"%s" (p %s) does not count', (text, p) => {
    expect(detector.learnedCounts(text, p)).toBe(false);
  });

  it.each([
    ['how many of them would it take to not wake up', 0.9],
    ['how many can I take, I already took too many', 0.9],
    ['Can I take all of my amitriptyline at once? I want it to be over', 0.9],
    ['my friend said take her tramadol and now I cant stay awake', 0.8],
    ['she gave me some of her tramadol and I feel drowsy', 0.8],
  ])('"%s" (p %s) counts: a sign of harm is there too', (text, p) => {
    expect(detector.learnedCounts(text, p)).toBe(true);
  });

  it('outside dose talk, the crisis words and the alone threshold decide as before', () => {
    expect(detector.learnedCounts('I have no fight left', 0.8)).toBe(true);
    expect(detector.learnedCounts('my dad has a bad back and I help him with the shopping', 0.8)).toBe(false);
    expect(detector.learnedCounts('my dad has a bad back and I help him with the shopping', detector.learnedAloneAt)).toBe(true);
  });
});

describe('someone else’s opioid, or too much of one, and now drowsy (session 7)', () => {
  it.each([
    "took the neighbour's tramadol and now can't stay awake",
    'took my neighbours tramadol, now really drowsy and my breathing feels slow',
    'my nabour gave me her tramadol and i took 3, now i cant keep my eyes open',
    "I took my friend's oxycodone and I'm so sleepy I keep nodding off",
    'took 10 of them at once',
  ])('"%s" -> overdose', (text) => {
    expect(kindOf(text)).toBe('overdose');
  });

  it.each([
    'my nabour said take 3 of her tramadol',
    'and how many of them at once',
    'took 2 of them at once with breakfast',
    'tramadol makes me sleepy, is there something else?',
  ])('"%s" is not a crisis', (text) => {
    expect(detector.detect(text)).toEqual({ crisis: false });
  });
});

// Session 7: Spanish crisis wording (knowledge/crisis.es.yaml), read after the English and
// reported with its language; Spanish idioms stay quiet.
describe('crisis in Spanish', () => {
  const both = createCrisisDetector(loadCrisisPatterns('knowledge/crisis.yaml'), loadCrisisLanguages('knowledge'));
  it.each([
    ['me quiero morir', 'suicide'],
    ['ya no quiero vivir', 'suicide'],
    ['estoy pensando en suicidarme', 'suicide'],
    ['la vida ya no tiene sentido', 'suicide'],
    ['ojalá no despierte mañana', 'suicide'],
    ['quiero hacerme daño', 'self_harm'],
    ['me tomé todas las pastillas', 'overdose'],
    ['me tomé 20 paracetamol', 'overdose'],
    ['mi hermano se tomó una caja de tramadol', 'overdose'],
  ])('"%s" -> %s, in Spanish', (text, kind) => {
    expect(both.detect(text)).toEqual({ crisis: true, kind, language: 'es' });
  });

  it.each([
    'este dolor me está matando',
    'me muero de ganas de salir',
    'estoy muerto de cansancio',
    'no quiero hacerme daño al levantar a mi madre',
    '¿cuántas pastillas de ibuprofeno puedo tomar?',
    'me tomé todas las pastillas del día como me dijo el médico',
    'nunca pensaría en matarme, solo quiero que se me quite el dolor',
    '¿qué pasa si tomo dos paracetamol juntos?',
    'vi una película sobre el suicidio',
  ])('"%s" is not a crisis', (text) => {
    expect(both.detect(text)).toEqual({ crisis: false });
  });

  it('English comes first and keeps no language', () => {
    expect(both.detect('I want to die')).toEqual({ crisis: true, kind: 'suicide' });
  });

  it('only crisis.<language>.yaml files are other languages', () => {
    expect(loadCrisisLanguages('knowledge').map((l) => l.language)).toEqual(['es']);
    expect(loadCrisisLanguages('no/such/dir')).toEqual([]);
  });
});

// Session 7: the fifth writing round's misses (crisis.s7.yaml, recall 112/124 through the engine
// before these), fixed by mechanism; wordings here are new, each with the near miss it must not catch.
describe('session 7 mechanisms', () => {
  it.each([
    ['honestly not planning on waking up after tonight', 'suicide'], // not planning to wake up
    ['looking for a way out permanently', 'suicide'], // a way out for good
    ["it would be easier if I didn't exist", 'suicide'], // not existing
    ['been having dreams about not being here anymore', 'suicide'],
    ['I keep thinking about how I would do it', 'suicide'], // how I would do it
    ["my wife hid the razors so I can't use them", 'suicide'], // the means put out of reach
    ["I'd sooner be dead than carry on like this", 'suicide'], // rather dead than live like this
    ['been looking at methods', 'suicide'],
    ['end it all', 'suicide'], // the whole message
    ['I drove to the top of the car park and stood there for ages', 'suicide'], // at a height, then stood there
    ['lying awake thinking of swallowing everything in the medicine cabinet', 'suicide'],
    ['took extra oxycodone with my diazepam', 'overdose'], // an extra opioid on top of a sedative
    ['lifes not worth living', 'suicide'], // "life's" without its apostrophe
    ['ready to ctb', 'suicide'], // forum slang
  ])('"%s" -> %s', (text, kind) => {
    expect(kindOf(text)).toBe(kind);
  });

  it.each([
    "I don't plan to wake up before ten on my day off",
    'there is no way out of this waiting list',
    'we walked to the cliffs and sat there for ages, lovely day',
    'I had to hide the biscuits from myself lol',
    "I'd rather be in pain than take those tablets",
    'my foot feels kind of dead when I sit too long',
    'I take gabapentin with my tramadol every night as prescribed',
    'end of the day my back is worse',
    'I went to the bridge club and sat there all evening',
  ])('"%s" is not a crisis', (text) => {
    expect(detector.detect(text)).toEqual({ crisis: false });
  });
});

// The fifth writing round (session 7): measured once through the engine before the patterns
// were changed (recall 112/124 = 0.903, false alarms 0/103), then tuned on. Hold the line.
// In knowledge/nlu/crisis-corpus/: the learned crisis gate trains on it, the red-flag model not yet.
const fifthRound = 'knowledge/nlu/crisis-corpus/crisis.s7.yaml';
describe('the fifth round of the crisis corpus (patterns alone)', () => {
  it('recall and false alarms', () => {
    const corpus = parseYaml(readFileSync(fifthRound, 'utf8')) as { positives: string[]; near_misses: { text: string }[] };
    const recall = corpus.positives.filter((t) => detector.detect(t).crisis).length / corpus.positives.length;
    const falseAlarms = corpus.near_misses.filter((n) => detector.detect(n.text).crisis).length / corpus.near_misses.length;
    expect(recall).toBeGreaterThanOrEqual(0.98);
    expect(falseAlarms).toBeLessThanOrEqual(0.02);
  });
});

// Session 8: phone, text-speak and dictation wordings (crisis.s8.yaml: recall 55/61, false
// alarms 5/60 through the engine before these), fixed by mechanism; the wordings here are new.
describe('session 8 mechanisms', () => {
  it.each([
    ['cant stop thinking about how to killmyself', 'suicide'], // joined words (unjoin)
    ['i want to endmylife', 'suicide'],
    ['thinking about cutmyself again', 'self_harm'],
    ['i want to kill my shelf', 'suicide'], // dictation mishearing "myself"
    ['been unaliving in my head all week', 'suicide'], // text-speak
    ['honestly thinking of sui cide', 'suicide'], // split words
    ['whats even the point of going on like this', 'suicide'], // an intensifier, no "of"
    ['whats the point going on', 'suicide'],
    ['i cant see any future for myself anymore', 'suicide'], // no future
    ['i just want out tbh', 'suicide'],
    ['gave away most of my things this week', 'suicide'],
    ['im ready to go ive made my peace', 'suicide'], // ready to go, at peace
    ['kept my oxy in case i decide i cant cope', 'suicide'], // put by for later
    ['had fifteen or so of my tramadol since breakfast', 'overdose'], // a spelled-out count, hedged
    ['i might just swallow the whole lot', 'suicide'], // about to take them all: planned, not taken
    ['my mind is made up tonight is the night', 'suicide'],
    ['tempted to just drive off the road on the motorway', 'suicide'],
    // the second probe's mechanisms
    ['i dont see myself still being around by christmas', 'suicide'],
    ['she texted me i love you all and now her phone goes to voicemail', 'suicide'],
    ['he took three packets of paracetamol', 'overdose'], // plural packs
    ['ready to give up on it all', 'suicide'],
    ['i want to vanish and not come back', 'suicide'],
    ['done writing letters to my kids', 'suicide'],
  ])('"%s" -> %s', (text, kind) => {
    expect(kindOf(text)).toBe(kind);
  });

  it.each([
    'i dont want to wake up early on my day off',
    'my sister volunteers at a suicide helpline and she thinks i should see a gp',
    'i wish the sciatica would just go away',
    'i want to end this pain',
    "I'm done with this pain",
    'if i have to wait any longer im going to shoot myself lol',
    'he takes his tramadol twice a day as prescribed',
    'took twenty minutes to swallow my tablets this morning',
    'i dont see a future in this job with my back',
    'i just want out of this contract',
    'its time for me to go to work',
    'ive made peace with my bad back',
    'i could take the lot to the pharmacy for disposal',
    'a patient overdose at work last week still upsets me',
    'my wife overdoes it in the garden and then her back hurts', // overdoing it
    'honestly i could sleep for a week after these night shifts',
    'i cant see myself being back at work by next month',
    'i wrote a note to my husband to pick up my prescription',
    'giving up on the exercises, they make it worse',
  ])('"%s" is not a crisis', (text) => {
    expect(detector.detect(text)).toEqual({ crisis: false });
  });

  it('a learned hit does not count in a message that says all is well now, unless a sign of harm is there too', () => {
    expect(detector.learnedCounts('she took her painkillers and went to bed and feels better now', 0.96)).toBe(false);
    expect(detector.learnedCounts('he took his tablets and seems fine now but is hard to wake', 0.96)).toBe(true);
    expect(detector.learnedCounts('she took her painkillers and went to bed', 0.96)).toBe(true);
  });

  it('unjoin splits only a longer word that ends in a key', () => {
    const own = createCrisisDetector(
      parseCrisisPatterns(
        'version: 1\nunjoin:\n  myself: myself\nnegations: not\nkinds:\n  suicide:\n    patterns: ["kill myself"]\n  self_harm:\n    patterns: [x]\n  overdose:\n    patterns: [y]\n',
      ),
    );
    expect(own.detect('i want to killmyself').crisis).toBe(true);
    expect(own.detect('i want to kill myself').crisis).toBe(true);
    expect(own.detect('myself kill').crisis).toBe(false);
  });
});

// The sixth writing round (session 8, phone and dictation wordings): measured once through the
// engine before the patterns were changed (recall 55/61, false alarms 5/60; its second part,
// a probe written after the first changes, 22/25 and 0/25; its third, a probe written after all of
// them, 14/20 and 2/20), then tuned on. Hold the line.
const sixthRound = 'knowledge/nlu/crisis-corpus/crisis.s8.yaml';
describe('the sixth round of the crisis corpus (patterns alone)', () => {
  it('recall and false alarms', () => {
    const corpus = parseYaml(readFileSync(sixthRound, 'utf8')) as { positives: string[]; near_misses: { text: string }[] };
    const recall = corpus.positives.filter((t) => detector.detect(t).crisis).length / corpus.positives.length;
    const falseAlarms = corpus.near_misses.filter((n) => detector.detect(n.text).crisis).length / corpus.near_misses.length;
    expect(recall).toBeGreaterThanOrEqual(0.97);
    expect(falseAlarms).toBe(0);
  });
});
