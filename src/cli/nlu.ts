// `backline nlu` and `backline test nlu`.
import type { Config } from '../config.js';
import { loadContent } from '../content.js';
import { crossValidate, loadTrainingData } from '../nlu/classifier.js';
import { formatNluReport, loadNluTestFile, scoreNlu } from '../nlu/evaluate.js';
import { createNluEngine } from '../nlu/understand.js';
import { join } from 'node:path';

function engineFor(config: Config) {
  const content = loadContent(config.CONTENT_DIR, config.EMERGENCY_NUMBER, { cacheDir: config.NLU_CACHE_DIR, crisisLine: config.CRISIS_LINE, poisonLine: config.POISON_LINE });
  return createNluEngine({ root: config.CONTENT_DIR, cacheDir: config.NLU_CACHE_DIR, redFlagPatterns: content.redFlagPatterns, crisisPatterns: content.crisisPatterns });
}

export function nluCommand(config: Config, text: string, json: boolean): string {
  const result = engineFor(config).understand(text);
  const { redFlagsToConfirm, ambiguous, ...contractFields } = result;
  if (json) return JSON.stringify({ ...contractFields, redFlagsToConfirm, ambiguous });
  const lines = [
    `intent:     ${result.intent} (${result.confidence.toFixed(2)})${ambiguous ? '  [close call: the bot would ask which one]' : ''}`,
    `ranking:    ${result.ranking.map((r) => `${r.intent} ${r.confidence.toFixed(2)}`).join(', ')}`,
    `red flags:  ${result.redFlags.length ? result.redFlags.join(', ') : 'none'}${redFlagsToConfirm.length ? ` (to confirm: ${redFlagsToConfirm.join(', ')})` : ''}`,
    `crisis:     ${result.crisis.crisis ? result.crisis.kind : 'no'}`,
    `entities:   ${result.entities.length ? result.entities.map((e) => `${e.type}=${e.value}`).join(', ') : 'none'}`,
  ];
  return lines.join('\n');
}

export function testNluCommand(config: Config, file: string | undefined, json: boolean, folds?: number): string {
  if (folds) {
    const data = loadTrainingData(join(config.CONTENT_DIR, 'knowledge', 'nlu'));
    const result = crossValidate(data, folds, { seed: 7 } as never);
    return json ? JSON.stringify(result) : JSON.stringify(result, null, 2);
  }
  const items = loadNluTestFile(file!);
  const engine = engineFor(config);
  const report = scoreNlu(items, (text) => engine.understand(text));
  return json ? JSON.stringify(report) : formatNluReport(report);
}
