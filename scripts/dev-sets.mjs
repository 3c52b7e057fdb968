// The set-up the development-set scripts share (dev-set-outcomes.mjs, gate-dev-alarms.mjs): which
// files to read, a bot with in-memory storage, and each file's first replies and scores.
//
//   import { devSetFiles, openBackline, scoreDevSet } from './dev-sets.mjs';
import { readdirSync } from 'node:fs';
import { createBackline } from '../dist/app.js';
import { firstReplies } from '../dist/cli/nlu.js';
import { loadConfig } from '../dist/config.js';
import { loadNluTestFile, scoreNlu } from '../dist/eval/nluEvaluate.js';
import { silentLogger } from '../dist/logger.js';

/** The files named on the command line, else tests/ files whose name matches `pattern`, sorted. */
export function devSetFiles(positionals, pattern = /^nlu-(dev.*|heldout)\.yaml$/) {
  if (positionals.length > 0) return positionals;
  return readdirSync('tests')
    .filter((f) => pattern.test(f))
    .map((f) => `tests/${f}`)
    .sort();
}

/** The bot as the development-set tests run it: in-memory storage, no logs, 911. */
export function openBackline() {
  const config = loadConfig({ ...process.env, STORAGE: 'memory', LOG_LEVEL: 'error', EMERGENCY_NUMBER: '911' });
  return createBackline(config, { logger: silentLogger, retentionSweep: false });
}

/**
 * One development set: its items, the first reply to every labelled message (a fresh
 * conversation each), the understanding of a text and the set's scores (`backline test nlu`).
 */
export async function scoreDevSet(backline, file) {
  const items = loadNluTestFile(file);
  const labelled = items.filter((i) => i.red_flags !== undefined || i.crisis !== undefined).map((i) => i.text);
  const replies = await firstReplies(backline, labelled);
  const understand = (text) => backline.nlu.understand(text);
  const report = scoreNlu(items, understand, replies);
  return { items, replies, understand, report };
}
