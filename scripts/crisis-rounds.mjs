// Leave-one-round-out for the learned crisis gate (src/nlu/crisisModel.ts), after
// `npx tsc -p tsconfig.json`. Each crisis round (knowledge/nlu/red-flag-corpus/crisis*.yaml,
// knowledge/nlu/crisis-corpus/crisis*.yaml) is scored by a gate trained on every other round
// (and the other negatives), then judged as the bot judges a learned hit: p >= threshold and
// crisis.yaml's learnedCounts (learned_needs, dose_talk, learned_not_when).
//
// The threshold for round R is chosen on the held-out probabilities of the OTHER rounds (so R's
// own numbers are held out twice over): the lowest threshold at which no held-out idiom, medicine
// question or ordinary near miss of any of those rounds raises the gate, and the other near
// misses (a stranger's story, resolved history...) stay within NEAR_MISS_BUDGET. The shipped
// threshold is chosen the same way on every round. The patterns were tuned on every round: their
// column and the union's are development numbers; the gate's are held out.
//
// --fresh ROUND=REV scores ROUND as it was when it was new: the patterns, idioms and word gates of
// knowledge/crisis.yaml at git revision REV (before they were tuned on it) in union with a gate
// trained without ROUND and every round written after it, reading with that crisis.yaml, at the
// threshold the rule picks on the other rounds: the estimate of the design on unseen wordings.
//
//   node scripts/crisis-rounds.mjs [--write] [--set key=value] [-v] [--fresh s8=89c0c15^ ...]
// --write writes the shipped threshold and these numbers to knowledge/nlu/crisis-model.json;
// --set changes a gate config field (compare variants by these numbers); -v lists misses and alarms.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const root = resolve('.');
const dist = (m) => import(join(root, 'dist', m));
const { readCrisisSources, trainCrisisModel, restoreCrisisModel, crisisCacheKey, crisisAnswerWords, CRISIS_MODEL_VERSION, DEFAULT_CRISIS_CONFIG } =
  await dist('nlu/crisisModel.js');
const { createCrisisDetector, loadCrisisPatterns, parseCrisisPatterns } = await dist('nlu/crisis.js');

const { values } = parseArgs({
  options: {
    fresh: { type: 'string', multiple: true, default: [] },
    write: { type: 'boolean', default: false },
    set: { type: 'string', multiple: true, default: [] },
    v: { type: 'boolean', default: false },
  },
});
const config = Object.fromEntries(values.set.map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])]));
const STRICT_KINDS = new Set(['idiom', 'medicine_question', 'ordinary']);
const NEAR_MISS_BUDGET = 0.02;

const crisisPatterns = loadCrisisPatterns(join(root, 'knowledge/crisis.yaml'));
const crisis = createCrisisDetector(crisisPatterns);
const reading = { read: crisis.readable, hash: crisisPatterns.hash };
const sources = readCrisisSources('knowledge/nlu');
const answers = crisisAnswerWords('knowledge/nlu');
const key = crisisCacheKey('knowledge/nlu', reading, { ...DEFAULT_CRISIS_CONFIG, ...config });
const work = join(tmpdir(), 'crisis-gate-rounds');
mkdirSync(work, { recursive: true });

/** Held-out probabilities of each round's texts, cached per sources and config. */
const heldOut = [];
for (const round of sources.rounds) {
  const file = join(work, `${key.slice(0, 16)}-${round.name}.json`);
  let scores;
  if (existsSync(file)) scores = JSON.parse(readFileSync(file, 'utf8'));
  else {
    const model = restoreCrisisModel(trainCrisisModel(sources, answers, reading, { without: [round.name], config }), reading);
    scores = { positives: round.positives.map((t) => model.probability(t)), nearMisses: round.nearMisses.map((n) => model.probability(n.text)) };
    writeFileSync(file, JSON.stringify(scores));
  }
  const judge = (text, p) => ({ text, p, counts: crisis.learnedCounts(text, p), patterns: crisis.detect(text).crisis });
  heldOut.push({
    round,
    positives: round.positives.map((t, i) => judge(t, scores.positives[i])),
    nearMisses: round.nearMisses.map((n, i) => ({ ...judge(n.text, scores.nearMisses[i]), kind: n.kind })),
  });
}

const raised = (x, t) => x.p >= t && x.counts;
const THRESHOLDS = Array.from({ length: 99 }, (_, i) => Math.round((0.01 + i * 0.01) * 100) / 100);
/** The lowest threshold at which the rounds' strict near misses never raise the gate and the rest stay within budget. */
function choose(rounds) {
  for (const t of THRESHOLDS) {
    const near = rounds.flatMap((r) => r.nearMisses);
    const strict = near.filter((n) => STRICT_KINDS.has(n.kind) && raised(n, t)).length;
    const other = near.filter((n) => !STRICT_KINDS.has(n.kind));
    const otherAlarms = other.filter((n) => raised(n, t)).length;
    if (strict === 0 && otherAlarms <= NEAR_MISS_BUDGET * other.length) return t;
  }
  return 1;
}

const share = (xs, f) => `${xs.filter(f).length}/${xs.length}`;
const report = { rounds: {} };
let total = { hit: 0, raw: 0, n: 0, alarms: 0, strict: 0, negatives: 0 };
for (const r of heldOut) {
  const t = choose(heldOut.filter((o) => o !== r));
  const hit = r.positives.filter((x) => raised(x, t)).length;
  const raw = r.positives.filter((x) => x.p >= t).length;
  const alarms = r.nearMisses.filter((x) => raised(x, t));
  const strict = alarms.filter((x) => STRICT_KINDS.has(x.kind)).length;
  total = {
    hit: total.hit + hit,
    raw: total.raw + raw,
    n: total.n + r.positives.length,
    alarms: total.alarms + alarms.length,
    strict: total.strict + strict,
    negatives: total.negatives + r.nearMisses.length,
  };
  report.rounds[r.round.name] = {
    threshold: t,
    recall: hit / r.positives.length,
    falseAlarms: alarms.length,
    idiomMedicineAlarms: strict,
    nearMisses: r.nearMisses.length,
  };
  console.log(
    `${r.round.file.padEnd(36)} t=${t.toFixed(2)}  gate (held out) recall ${hit}/${r.positives.length} (no word gate ${raw}) false alarms ${alarms.length}/${r.nearMisses.length} (idiom/medicine/ordinary ${strict})` +
      ` | patterns ${share(r.positives, (x) => x.patterns)} / ${share(r.nearMisses, (x) => x.patterns)}` +
      ` | union ${share(r.positives, (x) => x.patterns || raised(x, t))} / ${share(r.nearMisses, (x) => x.patterns || raised(x, t))}`,
  );
  if (values.v) {
    for (const x of r.positives.filter((x) => !raised(x, t)))
      console.log(`   missed${x.patterns ? ' (patterns have it)' : ''} p=${x.p.toFixed(3)}${x.counts ? '' : ' (word gate)'}: ${x.text}`);
    for (const x of alarms) console.log(`   alarm [${x.kind}] p=${x.p.toFixed(3)}: ${x.text}`);
  }
}
const shipped = choose(heldOut);
console.log(
  `all rounds held out: gate recall ${total.hit}/${total.n} = ${(total.hit / total.n).toFixed(4)} (no word gate ${total.raw}), false alarms ${total.alarms}/${total.negatives} (idiom/medicine/ordinary ${total.strict}); shipped threshold ${shipped}`,
);
if (values.write) {
  const out = {
    version: CRISIS_MODEL_VERSION,
    corpusHash: crisisCacheKey('knowledge/nlu', reading),
    threshold: shipped,
    chosen: {
      how: `scripts/crisis-rounds.mjs: the lowest threshold at which no held-out idiom, medicine question or ordinary near miss of any round raises the gate (through crisis.yaml learnedCounts) and the other near misses stay within ${NEAR_MISS_BUDGET}`,
      rounds: sources.rounds.map((r) => r.name),
    },
    leaveOneRoundOut: {
      recall: Math.round((total.hit / total.n) * 10000) / 10000,
      falseAlarms: total.alarms,
      nearMisses: total.negatives,
      idiomMedicineAlarms: total.strict,
      rounds: report.rounds,
    },
  };
  writeFileSync(join(root, 'knowledge/nlu/crisis-model.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log('wrote knowledge/nlu/crisis-model.json');
}

// Rounds in the order they were written.
const ORDER = ['base', 's4', 's5', 's5b', 's5c', 's6', 's7', 's8', 's10'];
for (const spec of values.fresh) {
  const [name, rev] = spec.split('=');
  const round = sources.rounds.find((r) => r.name === name);
  if (!round) throw new Error(`--fresh: no round ${name}`);
  const later = sources.rounds.map((r) => r.name).filter((r) => !ORDER.includes(r) || ORDER.indexOf(r) >= ORDER.indexOf(name));
  const oldPatterns = parseCrisisPatterns(execFileSync('git', ['show', `${rev}:knowledge/crisis.yaml`], { encoding: 'utf8' }), `crisis.yaml@${rev}`);
  const old = createCrisisDetector(oldPatterns);
  const oldReading = { read: old.readable, hash: oldPatterns.hash };
  const model = restoreCrisisModel(trainCrisisModel(sources, answers, oldReading, { without: later, config }), oldReading);
  const t = choose(heldOut.filter((o) => !later.includes(o.round.name)));
  const judge = (text) => {
    const p = model.probability(text);
    const byPatterns = old.detect(text).crisis;
    const byGate = p >= t && old.learnedCounts(text, p);
    return { text, byPatterns, byGate, union: byPatterns || byGate, p };
  };
  const pos = round.positives.map(judge);
  const near = round.nearMisses.map((n) => ({ ...judge(n.text), kind: n.kind }));
  console.log(
    `fresh ${name} (crisis.yaml@${rev}, gate without ${later.join(' ')}, t=${t}): patterns ${share(pos, (x) => x.byPatterns)} / ${share(near, (x) => x.byPatterns)}` +
      ` | gate ${share(pos, (x) => x.byGate)} / ${share(near, (x) => x.byGate)} (idiom/medicine/ordinary ${near.filter((x) => x.byGate && STRICT_KINDS.has(x.kind)).length})` +
      ` | union ${share(pos, (x) => x.union)} / ${share(near, (x) => x.union)}`,
  );
  if (values.v) {
    for (const x of pos.filter((x) => !x.union)) console.log(`   missed p=${x.p.toFixed(3)}: ${x.text}`);
    for (const x of near.filter((x) => x.union))
      console.log(`   alarm [${x.kind}]${x.byGate ? ' gate' : ''}${x.byPatterns ? ' patterns' : ''} p=${x.p.toFixed(3)}: ${x.text}`);
  }
}
