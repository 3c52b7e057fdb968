// The numbers the bot gives: each pack has its country's defaults (knowledge/locales/*.yaml);
// EMERGENCY_NUMBER, CRISIS_LINE and POISON_LINE, when set, say where the service runs and win in
// every pack. A set EMERGENCY_NUMBER without the other two brings the lines that go with it.
import type { HelpNumbers } from './packs.js';

/** What the environment set (undefined: not set). */
export interface HelpNumberOverrides {
  emergencyNumber?: string | undefined;
  crisisLine?: string | undefined;
  poisonLine?: string | undefined;
}

/**
 * Crisis and poison lines that go with an emergency number: 911 (US, Canada) 988 and Poison
 * Help; 999 (UK) Samaritans and NHS 111; 112 (EU) the European emotional support number 116 123
 * and 112 itself; 000 (Australia) Lifeline and the Poisons Information Centre. Anywhere else the
 * emergency number itself (never nothing): set CRISIS_LINE and POISON_LINE.
 */
const LINES_BY_EMERGENCY_NUMBER: Record<string, { crisis: string; poison: string }> = {
  '911': { crisis: '988', poison: '1-800-222-1222' },
  '999': { crisis: '116 123', poison: '111' },
  '112': { crisis: '116 123', poison: '112' },
  '000': { crisis: '13 11 14', poison: '13 11 26' },
};

export function linesForEmergencyNumber(emergencyNumber: string): { crisis: string; poison: string } {
  return LINES_BY_EMERGENCY_NUMBER[emergencyNumber.replace(/\s+/g, '')] ?? { crisis: emergencyNumber, poison: emergencyNumber };
}

export function numbersForEmergencyNumber(emergencyNumber: string): HelpNumbers {
  const lines = linesForEmergencyNumber(emergencyNumber);
  return { emergency_number: emergencyNumber, crisis_line: lines.crisis, poison_line: lines.poison };
}

export function resolveHelpNumbers(pack: HelpNumbers, overrides: HelpNumberOverrides = {}): HelpNumbers {
  const derived = overrides.emergencyNumber ? linesForEmergencyNumber(overrides.emergencyNumber) : undefined;
  return {
    emergency_number: overrides.emergencyNumber ?? pack.emergency_number,
    crisis_line: overrides.crisisLine ?? derived?.crisis ?? pack.crisis_line,
    poison_line: overrides.poisonLine ?? derived?.poison ?? pack.poison_line,
  };
}
