// The numbers the bot gives: each pack has its country's defaults (knowledge/locales/*.yaml);
// EMERGENCY_NUMBER, CRISIS_LINE and POISON_LINE, when set, say where the service runs and win in
// every pack. A set EMERGENCY_NUMBER without the other two brings the lines that go with it,
// read from knowledge/locales/help-lines.yaml (safety content is data, not code).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYamlWith } from '../util/yamlFile.js';
import { z } from 'zod';
import type { ContentProblem } from '../engine/loader.js';
import { LOCALE_TAG, LOCALES_DIR, phoneNumber, type HelpNumbers } from './packs.js';

/** The file of lines by emergency number, in the content root's knowledge/locales/. */
export const HELP_LINES_FILE = 'help-lines.yaml';

const entrySchema = z.strictObject({
  /** Where the number is the emergency number (for people reading the file). */
  country: z.string().min(1),
  crisis_line: phoneNumber,
  poison_line: phoneNumber,
  /** The packs whose words fit where this number is dialled, the first preferred. */
  locales: z.array(z.string().regex(LOCALE_TAG, 'a locale such as en-US')).min(1).optional(),
});
export type HelpLinesEntry = z.infer<typeof entrySchema>;

const fileSchema = z.strictObject({
  numbers: z.record(z.string().regex(/^[0-9+]{2,20}$/, 'an emergency number without spaces, such as "911"'), entrySchema),
});

/** The lines that go with each emergency number (keys without spaces). */
export interface HelpLines {
  byNumber: ReadonlyMap<string, HelpLinesEntry>;
}

/** No table (no content root): every line is the emergency number itself. */
export const NO_HELP_LINES: HelpLines = { byNumber: new Map() };

export class HelpLinesError extends Error {}

/** Reads knowledge/locales/help-lines.yaml under root; throws HelpLinesError naming what is wrong. */
export function loadHelpLines(root: string): HelpLines {
  const file = join(root, LOCALES_DIR, HELP_LINES_FILE);
  if (!existsSync(file)) throw new HelpLinesError(`${file}: missing (the crisis and poison lines by emergency number)`);
  const data = parseYamlWith(readFileSync(file, 'utf8'), fileSchema, file, (message) => new HelpLinesError(message));
  return { byNumber: new Map(Object.entries(data.numbers)) };
}

/** For `backline check`: the table, or a problem. */
export function inspectHelpLines(root: string, problems: ContentProblem[]): HelpLines | undefined {
  try {
    return loadHelpLines(root);
  } catch (error) {
    problems.push({ file: join(root, LOCALES_DIR, HELP_LINES_FILE), line: 1, message: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

/** What the environment set (undefined: not set). */
export interface HelpNumberOverrides {
  emergencyNumber?: string | undefined;
  crisisLine?: string | undefined;
  poisonLine?: string | undefined;
}

const numberKey = (emergencyNumber: string) => emergencyNumber.replace(/\s+/g, '');

/** The table's entry for an emergency number (spaces ignored), if it has one. */
export function helpLinesEntry(lines: HelpLines, emergencyNumber: string): HelpLinesEntry | undefined {
  return lines.byNumber.get(numberKey(emergencyNumber));
}

/** The crisis and poison lines for an emergency number; one not in the table gives itself. */
export function linesForEmergencyNumber(lines: HelpLines, emergencyNumber: string): { crisis: string; poison: string } {
  const entry = helpLinesEntry(lines, emergencyNumber);
  return entry ? { crisis: entry.crisis_line, poison: entry.poison_line } : { crisis: emergencyNumber, poison: emergencyNumber };
}

export function numbersForEmergencyNumber(lines: HelpLines, emergencyNumber: string): HelpNumbers {
  const found = linesForEmergencyNumber(lines, emergencyNumber);
  return { emergency_number: emergencyNumber, crisis_line: found.crisis, poison_line: found.poison };
}

export function resolveHelpNumbers(pack: HelpNumbers, overrides: HelpNumberOverrides, lines: HelpLines): HelpNumbers {
  const derived = overrides.emergencyNumber ? linesForEmergencyNumber(lines, overrides.emergencyNumber) : undefined;
  return {
    emergency_number: overrides.emergencyNumber ?? pack.emergency_number,
    crisis_line: overrides.crisisLine ?? derived?.crisis ?? pack.crisis_line,
    poison_line: overrides.poisonLine ?? derived?.poison ?? pack.poison_line,
  };
}

/** The default pack of a deployment, and what start-up should log about it (each warning fits a log line). */
export interface DeploymentLocale {
  locale: string;
  /** Words and number agree but not as well as they could: logged at start (never health data). */
  warnings: string[];
}

export class LocaleMismatchError extends Error {}

/**
 * The words follow the number. LOCALE set: it must be one of the packs listed for EMERGENCY_NUMBER
 * (when the number is listed with packs), else LocaleMismatchError: two settings that disagree on
 * the country are a deployment mistake, and a reply that gives 999 with "the emergency room" and
 * 988 sends a person in crisis to services that are not there. LOCALE unset: the first listed pack
 * that exists (a warning when it is not the first choice); none exists: LocaleMismatchError.
 */
export function deploymentLocale(options: {
  locale: string | undefined;
  emergencyNumber: string | undefined;
  lines: HelpLines;
  packs: ReadonlySet<string>;
  defaultLocale: string;
}): DeploymentLocale {
  const { locale, emergencyNumber, lines, packs, defaultLocale } = options;
  if (!emergencyNumber) return { locale: locale ?? defaultLocale, warnings: [] };
  const fitting = helpLinesEntry(lines, emergencyNumber)?.locales;
  if (!fitting) {
    if (locale) return { locale, warnings: [] };
    return {
      locale: defaultLocale,
      warnings: [
        `EMERGENCY_NUMBER=${emergencyNumber} is not listed with packs in ${HELP_LINES_FILE}: the words are ${defaultLocale}'s. Set LOCALE to the pack that fits.`,
      ],
    };
  }
  const listed = fitting.join(', ');
  if (locale) {
    if (fitting.includes(locale)) return { locale, warnings: [] };
    throw new LocaleMismatchError(
      `LOCALE=${locale} and EMERGENCY_NUMBER=${emergencyNumber} disagree: ${emergencyNumber} goes with the words of ${listed} (${HELP_LINES_FILE}), ` +
        `and replies must not mix one country's number with another's services. Set LOCALE to one of ${listed}, or unset LOCALE to let the words follow the number.`,
    );
  }
  const chosen = fitting.find((l) => packs.has(l));
  if (!chosen)
    throw new LocaleMismatchError(
      `EMERGENCY_NUMBER=${emergencyNumber} goes with the words of ${listed} (${HELP_LINES_FILE}), and there is no such language pack: ` +
        `add knowledge/locales/${fitting[0]}.yaml (it can inherit a pack and change its terms), or list an existing pack for ${emergencyNumber}.`,
    );
  if (chosen === fitting[0]) return { locale: chosen, warnings: [] };
  return {
    locale: chosen,
    warnings: [
      `EMERGENCY_NUMBER=${emergencyNumber}: no ${fitting[0]} pack (first choice in ${HELP_LINES_FILE}); the words are ${chosen}'s. Add it, or set LOCALE.`,
    ],
  };
}

/**
 * The packs a conversation's own locale may choose when EMERGENCY_NUMBER is set: those listed for
 * the number (an en-GB browser on a 911 service gets en-US words, not A&E with 911); all of them
 * when the number is unset or not listed with packs.
 */
export function packsForNumber(available: Iterable<string>, emergencyNumber: string | undefined, lines: HelpLines): string[] {
  const all = [...available];
  const fitting = emergencyNumber ? helpLinesEntry(lines, emergencyNumber)?.locales : undefined;
  return fitting ? all.filter((l) => fitting.includes(l)) : all;
}
