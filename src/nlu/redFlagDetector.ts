// Red-flag detector: runs on every user message before anything else.
//
// Under-triage is the failure that matters, so the design leans to recall: lay words and
// misspellings match, and anything unclear (hedged, negation that may not reach the
// symptom, someone else's symptom, a bare question) goes to `possible`, which makes the
// bot ask one confirming question instead of dropping the hit.
//
// All medical wording lives in knowledge/red-flags.yaml (the header of that file explains
// the pattern language). This module:
//   load:   YAML -> zod -> every term compiled to word slots, indexed by first word. The
//           parsed file, and the few English words the typo index must leave alone, are
//           cached under data/red-flag-cache keyed by a hash of the file (and of this
//           engine), so a start-up parses no YAML and reads no 4 MB word list;
//   create: adds the typo index (edit distance 1 for words of 5+ letters, never for real
//           English words, using the word list that ships with `natural`);
//   detect: normalise -> sentences -> rewrites (repeated until stable) -> durations in
//           hours -> one pass of term matching over the tokens ->
//           patterns -> each hit judged against negation, hedges, third parties and
//           question cues of its clause -> flags / possible / isQuestionAbout.
// detect() does no I/O and allocates little; everything else is precomputed.
//
// This file holds the matching engine (the Detector: term matching, pattern rules, the hits
// judged and combined). The rest is split by job: redFlagPatternSchema.ts (file schema,
// compiled form, public types), redFlagCompiler.ts (validating and compiling the file),
// redFlagPatternCache.ts (loading and the pattern cache), redFlagTypos.ts (the typo index),
// redFlagSentences.ts (sentences, rewrites, durations, term hits), redFlagSentenceContext.ts
// (the cues of a sentence: negation, hedges, questions, third parties), redFlagLabels.ts.

import { RED_FLAG_IDS, type RedFlagId } from '../contract.js';
import type { RedFlagDetection } from './types.js';
import {
  type Compiled,
  DENIED_EXCUSE_GAP,
  type RedFlagDetector,
  type RedFlagHit,
  type RedFlagPatterns,
  type Rule,
  SELF_DENIAL_MAX_WORDS,
  type SentenceCueFacts,
} from './redFlagPatternSchema.js';
import { TypoIndex, loadEnglishWords } from './redFlagTypos.js';
import { SentenceView, type Span, foldDurations, overlaps, rewriteAll, splitSentences } from './redFlagSentences.js';
import { type Occurrence, STATUS_RANK, SentenceContext, type Status, WORDING_ONLY } from './redFlagSentenceContext.js';

class Detector implements RedFlagDetector {
  private readonly c: Compiled;
  private readonly typos: TypoIndex;
  /** Scratch for SentenceView.findTerms; detect() is synchronous, so one set is enough. */
  private readonly tried: Uint32Array;
  private readonly stamp = { value: 0 };

  readonly resolvable: ReadonlySet<RedFlagId>;
  readonly historyOnly: ReadonlySet<RedFlagId>;
  readonly reportedWhenUnsure: ReadonlySet<RedFlagId>;

  constructor(patterns: RedFlagPatterns) {
    this.c = patterns.compiled;
    this.resolvable = this.c.resolvable;
    this.historyOnly = this.c.historyOnly;
    this.reportedWhenUnsure = this.c.reportedWhenUnsure;
    this.tried = new Uint32Array(this.c.terms.length);
    this.typos = new TypoIndex(this.c.vocabulary, this.c.fuzzyPrefixes, patterns.englishWords !== undefined ? patterns.englishWords : loadEnglishWords());
  }

  detect(text: string): RedFlagDetection {
    const best = new Map<RedFlagId, Status>();
    this.run(text, (id, status) => {
      const prev = best.get(id);
      if (prev === undefined || STATUS_RANK[status] > STATUS_RANK[prev]) best.set(id, status);
    });
    const pick = (status: Status) => RED_FLAG_IDS.filter((id) => best.get(id) === status);
    return { flags: pick('flag'), possible: pick('possible'), isQuestionAbout: pick('question') };
  }

  explain(text: string): RedFlagHit[] {
    const hits: RedFlagHit[] = [];
    this.run(text, (id, status, where, matched, reason) => hits.push({ id, status, where, matched, reason }));
    return hits;
  }

  private views(text: string): SentenceView[] {
    const c = this.c;
    return splitSentences(text).map((s) => {
      const r = foldDurations(rewriteAll(s, c.rewrites));
      if (this.stamp.value > 0xfff00000) {
        this.tried.fill(0);
        this.stamp.value = 0;
      }
      return new SentenceView(c, r.tokens, r.commaBefore, r.endsWithQuestionMark, this.typos, this.tried, this.stamp);
    });
  }

  cueFacts(text: string): SentenceCueFacts[] {
    const cue = this.c.cues;
    const views = this.views(text);
    const complaint = views.some((v) => v.spans(cue.patient_complaint).length > 0);
    return views.map((view, si) => {
      const context = new SentenceContext(this.c, view, views[si + 1], [], complaint);
      const first = view.tokens[0] ?? '';
      const someone = context.someoneElseSubject();
      return {
        hypothetical: view.spans(cue.hypothetical).length > 0 && !context.presentReport,
        presentReport: context.presentReport,
        asksAbout: context.asksAbout,
        indirect: context.indirect,
        isQuestion: context.isQuestion,
        firstPerson: context.firstPerson,
        someoneElse: someone
          ? {
              who: view.tokens.slice(someone.start, someone.end).join(' '),
              patient: context.isPatient(someone),
              relative: view.spans(cue.blood_relatives).some((r) => overlaps(r, someone)),
              animal: view.spans(cue.animals).some((r) => overlaps(r, someone)),
            }
          : null,
        generalPeople: view.spans(cue.generic_people).length > 0,
        familyHistory: view.spans(cue.family_history).length > 0,
        past: view.spans(cue.past).length > 0,
        resolved: view.spans(cue.resolved).some((r) => view.segKind.some((k, seg) => k === 'contrast' && view.segStart[seg]! <= r.start)),
        onlyResolved: view.tokens.length <= SELF_DENIAL_MAX_WORDS && view.spans(cue.resolved).length > 0 && view.spans(cue.negation).length === 0,
        patientComplaint: complaint,
        leadingDenial:
          view.spans(cue.negation).some((n) => n.start === 0 || (n.start <= 2 && view.spans(cue.first_person).some((f) => f.end <= n.start))) &&
          !view.segKind.includes('contrast') &&
          !view.spans(cue.pseudo_negation).some((p) => p.start === 0),
        hedged: first !== '' && view.spans(cue.hedge).length > 0,
      };
    });
  }

  private run(text: string, report: (id: RedFlagId, status: Status, where: string, matched: string, reason: string) => void): void {
    const c = this.c;
    const views = this.views(text);
    // The person cared for has back trouble somewhere in the message: their history counts.
    const complaint = views.some((v) => v.spans(c.cues.patient_complaint).length > 0);
    views.forEach((view, si) => {
      const found: Occurrence[] = [];
      for (const rule of c.regexRules) this.occurrences(rule, view, found);
      for (const part of view.hitParts) {
        const rules = c.rulesByFirstPart.get(part);
        if (rules) for (const rule of rules) this.occurrences(rule, view, found);
      }
      // Same order as the file, whatever order the parts were hit in.
      found.sort((a, b) => a.rule.order - b.rule.order);
      const context = new SentenceContext(c, view, views[si + 1], found, complaint);
      // A topic fallback only stands in for a red flag none of whose patterns matched here
      // (matched and negated stays negated), and only in a first-person report.
      const specific = new Set(found.filter((o) => !o.rule.fallback).map((o) => o.rule.id));
      const judged = found
        .filter((occ) => !occ.rule.fallback || !specific.has(occ.rule.id))
        .map((occ) => {
          const verdict = context.judge(occ);
          if (!occ.rule.fallback || verdict[0] === 'negated' || verdict[0] === 'question') return { occ, verdict };
          if (!context.reportsForSelf) return { occ, verdict: ['negated', 'topic fallback: not a first-person report'] as [Status, string] };
          if (verdict[1].startsWith('about someone') || verdict[1].startsWith('family'))
            return { occ, verdict: ['negated', `topic fallback: ${verdict[1]}`] as [Status, string] };
          return { occ, verdict: context.unsureWording(occ, `topic fallback (${verdict[1]})`) };
        });
      for (const { occ, verdict } of judged) {
        let [status, reason] = verdict;
        // "my legs are weak" reports both legs; the same words do not also make a second,
        // unsure red flag (a weak leg) that would only add a needless question. The words
        // may be shared out over several sure hits ("had an accident, pooed myself").
        if (status === 'possible') {
          const by = new Set<RedFlagId>();
          const covered = occ.spans.every((s) => {
            const other = judged.find(
              (o) => o.verdict[0] === 'flag' && o.occ.rule.id !== occ.rule.id && o.occ.spans.some((x) => x.start <= s.start && s.end <= x.end),
            );
            if (other) by.add(other.occ.rule.id);
            return other !== undefined;
          });
          if (covered) [status, reason] = ['explained', `its words already report ${[...by].join(', ')}`];
          // A cauda equina sign in the user's own report, only its wording unsure: reported.
          else if (reason.endsWith(WORDING_ONLY)) [status, reason] = ['flag', `${reason}: reported (reported_when_unsure)`];
        }
        report(occ.rule.id, status, occ.rule.where, view.tokens.slice(occ.start, occ.end).join(' '), reason);
      }
      // A named topic ("cauda equina", "bladder control") only ever makes a question.
      if (context.asksAboutTopics) {
        for (const topic of c.topics) {
          const span = view.spans(topic.part)[0];
          if (span) report(topic.id, 'question', 'topics', view.tokens.slice(span.start, span.end).join(' '), 'topic asked about');
        }
      }
    });
  }

  /** Appends the rule's hits in this sentence to `out`. */
  private occurrences(rule: Rule, view: SentenceView, out: Occurrence[]): void {
    const found: Occurrence[] = [];
    if (rule.kind === 'regex') {
      const { text, starts } = view.text();
      for (const m of text.matchAll(rule.regex!)) {
        const from = m.index;
        const to = from + m[0].length;
        let start = starts.findIndex((s, i) => s <= from && from < s + view.tokens[i]!.length + 1);
        if (start < 0) start = 0;
        let end = start + 1;
        while (end < starts.length && starts[end]! < to) end++;
        found.push({ rule, spans: [{ start, end }], start, end, certainty: rule.certainty });
      }
    } else {
      const lists = rule.parts.map((p) => view.spans(p));
      if (lists.some((l) => l.length === 0)) return;
      if (rule.kind === 'any') {
        for (const s of lists[0]!) found.push({ rule, spans: [s], start: s.start, end: s.end, certainty: rule.certainty });
      } else {
        combine(lists, rule.ordered, rule.within, [], (spans) => {
          const start = Math.min(...spans.map((s) => s.start));
          const end = Math.max(...spans.map((s) => s.end));
          found.push({ rule, spans: [...spans], start, end, certainty: rule.certainty });
        });
      }
    }
    for (const occ of found) if (this.keep(rule, view, occ)) out.push(occ);
  }

  /** Applies unless / not_between / possible_if to one hit. */
  private keep(rule: Rule, view: SentenceView, occ: Occurrence): boolean {
    const near = { start: occ.start - rule.near, end: occ.end + rule.near };
    // An excuse that is itself denied excuses nothing: "lost weight, not on purpose",
    // "I haven't been dieting", "it's not a bladder infection".
    const denied = (s: Span) =>
      view.spans(this.c.cues.negation).some((n) => n.end <= s.start && n.end >= s.start - DENIED_EXCUSE_GAP && !occ.spans.some((o) => overlaps(o, n)));
    const applies = (s: Span) => overlaps(s, near) && !denied(s);
    if (rule.unless !== undefined && view.spans(rule.unless).some(applies)) return false;
    if (rule.notBetween !== undefined && occ.spans.length > 1) {
      const sorted = [...occ.spans].sort((a, b) => a.start - b.start);
      for (let k = 1; k < sorted.length; k++) {
        const gap = { start: sorted[k - 1]!.end, end: sorted[k]!.start };
        if (gap.end > gap.start && view.spans(rule.notBetween).some((s) => s.start >= gap.start && s.end <= gap.end)) return false;
      }
    }
    if (rule.possibleIf !== undefined && view.spans(rule.possibleIf).some(applies)) occ.certainty = 'possible';
    return true;
  }
}

/**
 * Every choice of one span per list that fits the window (and order), without overlaps.
 * Spans of a list are sorted by start, so only those near the spans chosen so far are
 * visited: a long pasted message stays linear, not quadratic.
 */
function combine(lists: readonly (readonly Span[])[], ordered: boolean, within: number, chosen: Span[], emit: (spans: Span[]) => void): void {
  const k = chosen.length;
  if (k === lists.length) {
    emit(chosen);
    return;
  }
  const list = lists[k]!;
  let from = 0;
  let lastStart = Number.POSITIVE_INFINITY;
  if (k > 0) {
    const start = Math.min(...chosen.map((s) => s.start));
    const end = Math.max(...chosen.map((s) => s.end));
    from = firstStartingAtOrAfter(list, end - within);
    lastStart = start + within;
  }
  for (let i = from; i < list.length && list[i]!.start <= lastStart; i++) {
    const span = list[i]!;
    if (chosen.some((s) => overlaps(s, span))) continue;
    if (ordered && k > 0 && span.start < chosen[k - 1]!.end) continue;
    const start = Math.min(span.start, ...chosen.map((s) => s.start));
    const end = Math.max(span.end, ...chosen.map((s) => s.end));
    if (end - start > within) continue;
    chosen.push(span);
    combine(lists, ordered, within, chosen, emit);
    chosen.pop();
  }
}

/** Index of the first span (sorted by start) whose start is >= `start`. */
function firstStartingAtOrAfter(spans: readonly Span[], start: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.start < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A detector over loaded patterns. Build once; detect() is pure and fast. */
export function createRedFlagDetector(patterns: RedFlagPatterns): RedFlagDetector {
  return new Detector(patterns);
}

export { DEFAULT_RED_FLAG_PATTERNS_PATH } from './redFlagPatternSchema.js';
export type { LoadRedFlagPatternsOptions, RedFlagDetector, RedFlagHit, RedFlagPatterns, SentenceCueFacts } from './redFlagPatternSchema.js';
export { loadRedFlagPatterns, parseRedFlagPatterns } from './redFlagPatternCache.js';
export { confirmQuestion, redFlagLabel } from './redFlagLabels.js';
