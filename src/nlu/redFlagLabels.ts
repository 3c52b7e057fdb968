// Red-flag labels and confirming questions, as knowledge/red-flags.yaml words them.

import { type RedFlagId } from '../contract.js';
import type { RedFlagPatterns } from './redFlagPatternSchema.js';

export function redFlagLabel(patterns: RedFlagPatterns, id: RedFlagId): string {
  return patterns.labels.get(id) ?? id;
}

export function confirmQuestion(patterns: RedFlagPatterns, id: RedFlagId): string {
  return patterns.confirmQuestions.get(id) ?? `Do you have ${redFlagLabel(patterns, id)}?`;
}
