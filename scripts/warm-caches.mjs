// Run by `npm install` (the "prepare" script, after the build): trains the NLU models (intent
// classifier, learned red-flag model, parsed red-flag patterns) into NLU_CACHE_DIR, so the first
// `npm start` restores them instead of training them. Fast when the cache is already warm (it only
// restores). Never fails the install: a problem here only means the first start trains them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('dist')) {
  console.warn('backline: not built, so the NLU caches were not warmed (the first start trains them).');
} else {
  const started = Date.now();
  const result = spawnSync(process.execPath, ['bin/backline.js', 'nlu', 'warm up'], {
    stdio: 'ignore',
    env: { ...process.env, LOG_LEVEL: 'silent' },
    timeout: 180_000,
  });
  if (result.status === 0) console.log(`backline: NLU caches warm (${((Date.now() - started) / 1000).toFixed(1)} s).`);
  else console.warn('backline: the NLU caches were not warmed (the first start trains them, a few seconds).');
}
