// What the warning-sign check remembers about each answer, so "go back" can undo it, and the
// rule that a cauda equina sign already given urgent advice is never taken back by a bare "no".
import { CAUDA_EQUINA_FLAGS, type RedFlagId } from '../contract.js';
import { isCheck, urgentAdviceGiven, type TurnDraft } from './draft.js';
import type { Position } from './state.js';

/** Most answers kept for going back; older ones cannot be changed. */
const MAX_HISTORY = 30;

/** Before an answer in the check is recorded: what it replaces, so "go back" can undo it. */
export function rememberAnswer(draft: TurnDraft, position: Position, keys: string[]): void {
  const { state } = draft;
  if (!isCheck(draft.content, position)) return;
  const prev: Record<string, string | number | null> = {};
  for (const key of keys) prev[key] = state.answers[key] ?? null;
  state.history = [...(state.history ?? []), { at: position, prev, announced: state.announced ?? null }].slice(-MAX_HISTORY);
}

export function isCaudaEquina(key: string): boolean {
  return (CAUDA_EQUINA_FLAGS as readonly string[]).includes(key as RedFlagId);
}

export function urgentAnnounced(draft: TurnDraft): boolean {
  return urgentAdviceGiven(draft.state);
}

/**
 * A "no" to a cauda equina question whose sign is already on record and got urgent advice
 * (after going back): the advice stands, the sign stays as possible, and the person is told
 * what to watch for. Returns true when it applied.
 */
export function keepCaudaEquinaSign(draft: TurnDraft, evidence: string | undefined, answer: string): boolean {
  if (!evidence || answer !== 'no' || !isCaudaEquina(evidence)) return false;
  const now = draft.state.answers[evidence];
  if ((now !== 'yes' && now !== 'unsure') || !urgentAnnounced(draft)) return false;
  draft.state.answers[evidence] = 'unsure';
  draft.state.held = [...new Set([...(draft.state.held ?? []), evidence])];
  draft.say(draft.content.messages.check.advice_stands);
  return true;
}
