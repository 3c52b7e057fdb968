// `backline check`: validates knowledge/ and dialogs/ and prints every problem with file:line.
import type { Config } from '../config.js';
import { inspectContent, MAX_READING_GRADE } from '../content.js';
import { coverageLine } from '../locale/packFiles.js';

export function checkCommand(config: Config, json: boolean): { ok: boolean; output: string } {
  const { emergencyNumber, crisisLine, poisonLine } = config.helpNumberOverrides;
  const inspected = inspectContent(config.CONTENT_DIR, emergencyNumber, {
    cacheDir: config.NLU_CACHE_DIR,
    locale: config.LOCALE,
    ...(crisisLine ? { crisisLine } : {}),
    ...(poisonLine ? { poisonLine } : {}),
  });
  const ok = inspected.problems.length === 0;
  const overrides = Object.fromEntries(inspected.locales?.overrides ?? []);
  if (json)
    return {
      ok,
      output: JSON.stringify({
        ok,
        problems: inspected.problems,
        readability: inspected.readability,
        locales: { default: inspected.locales?.defaultLocale, overrides, coverage: inspected.locales?.coverage ?? [] },
      }),
    };
  const lines: string[] = [];
  const trees = inspected.engine ? inspected.engine.dialogs.trees.size : 0;
  const articles = inspected.readability?.length ?? 0;
  const trials = inspected.engine ? inspected.engine.trials.trials.length : 0;
  lines.push(`Checked ${articles} articles, ${trees} dialog trees and ${trials} clinical ${trials === 1 ? 'trial' : 'trials'}.`);
  if (inspected.readability && inspected.readability.length > 0) {
    const worst = [...inspected.readability].sort((a, b) => b.grade - a.grade);
    lines.push(`Reading grade (max ${MAX_READING_GRADE}): ${worst.map((r) => `${r.article} ${r.grade}`).join(', ')}`);
  }
  for (const [locale, keys] of Object.entries(overrides)) {
    lines.push(
      `Language pack ${locale}${locale === inspected.locales?.defaultLocale ? ' (default)' : ''}: ${keys.length === 0 ? 'no text overrides' : `overrides ${keys.length} ${keys.length === 1 ? 'text' : 'texts'}: ${keys.join(', ')}`}`,
    );
  }
  for (const c of inspected.locales?.coverage ?? []) lines.push(coverageLine(c));
  for (const warning of config.localeWarnings) lines.push(`Warning: ${warning}`);
  if (ok) lines.push('No problems found.');
  else {
    lines.push(`${inspected.problems.length} problem(s):`);
    for (const p of inspected.problems) lines.push(`  ${p.file}:${p.line}: ${p.message}`);
  }
  return { ok, output: lines.join('\n') };
}
