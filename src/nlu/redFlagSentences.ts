// Red-flag detector: the text side. Sentences and words, rewrites, durations folded to
// hours, and the SentenceView (every term hit of one sentence and its clause structure).

import { type BoundaryKind, type Compiled, FUZZY_PREFIX_MARK, type Slot } from './redFlagPatternSchema.js';
import { TypoIndex } from './redFlagTypos.js';

// =============================================================================== text

export type SegmentKind = 'start' | 'comma' | BoundaryKind;

export interface Span {
  start: number;
  end: number;
}

interface Sentence {
  tokens: string[];
  /** A soft punctuation mark (, : ( ) -) stands before token i. */
  commaBefore: boolean[];
  endsWithQuestionMark: boolean;
}

/** Lowercase, accents and apostrophes dropped, sentences and words. */
export function splitSentences(text: string): Sentence[] {
  let cleaned = text.toLowerCase();
  if (/[^\x00-\x7f]/.test(cleaned)) {
    cleaned = cleaned
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[\u2018\u2019\u201b\u02bc\u00b4]/g, "'");
  }
  if (/['`]/.test(cleaned)) {
    cleaned = cleaned
      .replace(/`/g, "'")
      .replace(/'ll\b/g, ' will') // "I'll" is not "ill"
      .replace(/([a-z0-9])'([a-z])/g, '$1$2')
      .replace(/'/g, ' ');
  }
  if (/[-_/&]|\d[.,]\d|([a-z])\1\1/.test(cleaned)) {
    cleaned = cleaned
      .replace(/([a-z])\1{2,}/g, '$1$1')
      .replace(/([a-z0-9])[-_/]+(?=[a-z0-9])/g, '$1 ')
      .replace(/(\d)[.,](\d)/g, '$1 $2')
      .replace(/&/g, ' and ');
  }
  const sentences: Sentence[] = [];
  let current: Sentence = { tokens: [], commaBefore: [], endsWithQuestionMark: false };
  let pendingComma = false;
  const flush = (question: boolean) => {
    if (current.tokens.length > 0) {
      current.endsWithQuestionMark = question;
      sentences.push(current);
    }
    current = { tokens: [], commaBefore: [], endsWithQuestionMark: false };
    pendingComma = false;
  };
  for (const m of cleaned.matchAll(/[a-z0-9]+|[.!?;\n\u2026]+|[,:()\u2013\u2014-]/g)) {
    const t = m[0];
    if (/^[a-z0-9]/.test(t)) {
      current.tokens.push(t);
      current.commaBefore.push(pendingComma);
      pendingComma = false;
    } else if (/^[.!?;\n\u2026]/.test(t)) {
      flush(t.includes('?'));
    } else {
      pendingComma = current.tokens.length > 0;
    }
  }
  flush(false);
  return sentences;
}

/** Rewrites until nothing changes (at most 3 rounds): "cannot really feel" -> "cant really feel" -> "cant feel". */
export function rewriteAll(sentence: Sentence, rewrites: Compiled['rewrites']): Sentence {
  let current = sentence;
  for (let round = 0; round < 3; round++) {
    const next = applyRewrites(current, rewrites);
    if (!next) break;
    current = next;
  }
  return current;
}

/** One left-to-right pass; null when nothing was rewritten. */
function applyRewrites(sentence: Sentence, rewrites: Compiled['rewrites']): Sentence | null {
  const tokens: string[] = [];
  const commaBefore: boolean[] = [];
  const { tokens: input } = sentence;
  let changed = false;
  let i = 0;
  outer: while (i < input.length) {
    for (const r of rewrites.get(input[i]!) ?? []) {
      if (r.from.every((w, k) => input[i + k] === w)) {
        changed = true;
        r.to.forEach((w, k) => {
          tokens.push(w);
          commaBefore.push(k === 0 && sentence.commaBefore[i]!);
        });
        i += r.from.length;
        continue outer;
      }
    }
    tokens.push(input[i]!);
    commaBefore.push(sentence.commaBefore[i]!);
    i++;
  }
  return changed ? { tokens, commaBefore, endsWithQuestionMark: sentence.endsWithQuestionMark } : null;
}

const MINUTE_WORDS: ReadonlySet<string> = new Set(['min', 'mins', 'minute', 'minutes']);
const HOUR_WORDS: ReadonlySet<string> = new Set(['hour', 'hours', 'hr', 'hrs']);
const NUMBER_UNIT_RE = /^(\d+)(mins?|minutes?|hrs?|hours?)$/;

/**
 * Durations read in hours: "90 mins" -> "1 hour", "2 hrs 15 mins" -> "2 hours", so a
 * pattern that asks for "hour" sees every duration of an hour or more and minute words
 * are only ever left for durations under an hour.
 */
export function foldDurations(sentence: Sentence): Sentence {
  const { tokens: input, commaBefore: commas } = sentence;
  if (!input.some((t) => /\d/.test(t))) return sentence;
  // "90mins" -> "90 mins".
  const split: string[] = [];
  const splitCommas: boolean[] = [];
  input.forEach((t, i) => {
    const m = NUMBER_UNIT_RE.exec(t);
    if (m) {
      split.push(m[1]!, m[2] === 'hr' ? 'hour' : m[2] === 'hrs' ? 'hours' : m[2]!);
      splitCommas.push(commas[i]!, false);
    } else {
      split.push(t);
      splitCommas.push(commas[i]!);
    }
  });
  const tokens: string[] = [];
  const commaBefore: boolean[] = [];
  for (let i = 0; i < split.length; i++) {
    const t = split[i]!;
    const next = split[i + 1];
    if (/^\d+$/.test(t) && next !== undefined && MINUTE_WORDS.has(next) && Number(t) >= 60) {
      const hours = Math.floor(Number(t) / 60);
      tokens.push(String(hours), hours >= 2 ? 'hours' : 'hour');
      commaBefore.push(splitCommas[i]!, false);
      i++;
      continue;
    }
    tokens.push(t);
    commaBefore.push(splitCommas[i]!);
    if (HOUR_WORDS.has(t)) {
      // "an hour and 20 minutes", "2 hours 10 mins": the minutes only add to the hours.
      let k = i + 1;
      if (split[k] === 'and') k++;
      if (split[k] !== undefined && /^(\d+|a|few|some|ten|twenty|thirty|forty|fifteen)$/.test(split[k]!) && MINUTE_WORDS.has(split[k + 1] ?? '')) i = k + 1;
    }
  }
  return { tokens, commaBefore, endsWithQuestionMark: sentence.endsWithQuestionMark };
}

// =============================================================================== analysis

/** One sentence with every term hit and its clause structure. */
export class SentenceView {
  readonly partSpans: Array<Span[] | undefined>;
  /** Parts with at least one hit, in the order first hit. */
  readonly hitParts: number[] = [];
  readonly segOf: number[] = [];
  readonly segStart: number[] = [];
  readonly segEnd: number[] = [];
  readonly segKind: SegmentKind[] = [];
  private textCache: { text: string; starts: number[] } | undefined;

  constructor(
    readonly c: Compiled,
    readonly tokens: string[],
    commaBefore: boolean[],
    readonly endsWithQuestionMark: boolean,
    typos: TypoIndex,
    tried: Uint32Array,
    stamp: { value: number },
  ) {
    this.partSpans = new Array<Span[] | undefined>(c.partCount);
    this.findTerms(typos, tried, stamp);
    // Clauses: a new one starts at a comma-like mark or at a boundary word
    // ("and", "or", "but"...). The boundary word belongs to the clause it opens.
    for (let i = 0; i < tokens.length; i++) {
      const word = c.boundaryKind.get(tokens[i]!);
      const kind: SegmentKind | undefined = word ?? (commaBefore[i] ? 'comma' : undefined);
      if (i === 0 || kind !== undefined) {
        if (i > 0) this.segEnd.push(i);
        this.segStart.push(i);
        this.segKind.push(i === 0 ? 'start' : kind!);
      }
      this.segOf.push(this.segStart.length - 1);
    }
    this.segEnd.push(tokens.length);
  }

  /**
   * Every term that starts at every token, found through the first-word index. `tried`
   * (one slot per term, marked with `stamp`) stops a term being tried twice at one token.
   */
  private findTerms(typos: TypoIndex, tried: Uint32Array, stamp: { value: number }): void {
    const { c, tokens } = this;
    const forms = tokens.map((t) => typos.forms(t));
    for (let i = 0; i < tokens.length; i++) {
      const mark = ++stamp.value;
      const attempt = (termIds: readonly number[] | undefined) => {
        if (!termIds) return;
        for (const termId of termIds) {
          if (tried[termId] === mark) continue;
          tried[termId] = mark;
          const end = matchSlots(c.terms[termId]!.slots, 0, i, tokens, forms);
          if (end < 0) continue;
          for (const part of c.termParts[termId]!) {
            let list = this.partSpans[part];
            if (!list) {
              list = this.partSpans[part] = [];
              this.hitParts.push(part);
            }
            list.push({ start: i, end });
          }
        }
      };
      for (const f of forms[i]!) {
        const entry = c.firstWord.get(f);
        if (!entry) continue;
        attempt(entry.other);
        if (entry.bySecond.size > 0 && i + 1 < tokens.length) for (const g of forms[i + 1]!) attempt(entry.bySecond.get(g));
      }
      const token = tokens[i]!;
      const bucket = c.firstPrefix.get(token.slice(0, 3));
      if (bucket) for (const entry of bucket) if (token.startsWith(entry.prefix)) attempt(entry.termIds);
    }
  }

  spans(part: number | undefined): readonly Span[] {
    return part === undefined ? [] : (this.partSpans[part] ?? []);
  }

  /** Tokens joined by single spaces, with each token's start offset (for regex patterns). */
  text(): { text: string; starts: number[] } {
    if (!this.textCache) {
      const starts: number[] = [];
      let text = '';
      for (const t of this.tokens) {
        if (text) text += ' ';
        starts.push(text.length);
        text += t;
      }
      this.textCache = { text, starts };
    }
    return this.textCache;
  }
}

/** End (exclusive) of a match of slots[k..] starting at token `pos`, or -1. */
function matchSlots(slots: readonly Slot[], k: number, pos: number, tokens: string[], forms: readonly (readonly string[])[]): number {
  if (k === slots.length) return pos;
  const slot = slots[k]!;
  if (slot.gap > 0) {
    for (let g = 0; g <= slot.gap && pos + g <= tokens.length; g++) {
      const end = matchSlots(slots, k + 1, pos + g, tokens, forms);
      if (end >= 0) return end;
    }
    return -1;
  }
  if (pos < tokens.length && slotAccepts(slot, tokens[pos]!, forms[pos]!)) {
    const end = matchSlots(slots, k + 1, pos + 1, tokens, forms);
    if (end >= 0) return end;
  }
  return slot.optional ? matchSlots(slots, k + 1, pos, tokens, forms) : -1;
}

function slotAccepts(slot: Slot, token: string, forms: readonly string[]): boolean {
  if (slot.anyWord) return true;
  for (const f of forms) if (slot.words.has(f)) return true;
  for (const p of slot.prefixes) if (token.startsWith(p) || (forms.length > 1 && forms.includes(FUZZY_PREFIX_MARK + p))) return true;
  return false;
}

export function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

export function coveredBy(view: SentenceView, parts: number[]): boolean {
  for (let i = 0; i < view.tokens.length; i++) {
    if (!parts.some((p) => view.spans(p).some((s) => s.start <= i && i < s.end))) return false;
  }
  return view.tokens.length > 0;
}
