// Red-flag detector: the cue positions of one sentence (negation, hedges, questions, third
// parties, past and resolved), used to judge each hit in it.

import { type RedFlagId } from '../contract.js';
import {
  CARRY_CLAUSES,
  type Certainty,
  type Compiled,
  NEAR,
  NEGATION_REACH,
  type RedFlagHit,
  type Rule,
  SELF_DENIAL_MAX_WORDS,
} from './redFlagPatternSchema.js';
import { type SegmentKind, SentenceView, type Span, coveredBy, overlaps } from './redFlagSentences.js';

// =============================================================================== judging hits

export interface Occurrence {
  rule: Rule;
  spans: Span[];
  start: number;
  end: number;
  certainty: Certainty;
}

export type Status = RedFlagHit['status'];
/** Ends the reason of a `possible` whose only doubt is its wording, for a `reported_when_unsure` sign. */
export const WORDING_ONLY = '; only its wording is unsure';
export const STATUS_RANK: Record<Status, number> = { flag: 3, possible: 2, question: 1, negated: 0, explained: 0 };

/** Cue positions of one sentence, computed once, used to judge each hit in it. */
export class SentenceContext {
  private readonly negation: Span[];
  private readonly hedges: Span[];
  readonly asksAbout: boolean;
  /** Asked about, or a bare question ("cauda equina?") that the next sentence does not answer. */
  readonly asksAboutTopics: boolean;
  readonly indirect: boolean;
  /** Where each indirect frame starts: one only governs the words after it. */
  private readonly indirectStarts: number[];
  isQuestion: boolean;
  readonly firstPerson: boolean;
  private readonly answeredNo: boolean;
  private readonly answeredUnsure: boolean;
  /** First person, and not a hypothetical: may carry a topic fallback. */
  readonly reportsForSelf: boolean;
  /**
   * A question or "if" that still tells of the sign now ("do I need A&E if I can't control my
   * bowels since yesterday?"): cues.present_report, with none of cues.asked_only ("ever").
   */
  readonly presentReport: boolean;

  constructor(
    private readonly c: Compiled,
    private readonly view: SentenceView,
    private readonly next: SentenceView | undefined,
    private readonly found: readonly Occurrence[],
    /** The message says the person cared for has back trouble now (cues.patient_complaint). */
    private readonly patientComplaint = false,
  ) {
    const symptomSpans = found.flatMap((occ) => occ.spans);
    const cue = c.cues;
    const pseudo = view.spans(cue.pseudo_negation);
    // A longer pseudo-negation ("not sure why") cancels the hedge inside it ("not sure").
    this.hedges = view.spans(cue.hedge).filter((h) => !pseudo.some((p) => p.start <= h.start && h.end <= p.end && p.end - p.start > h.end - h.start));
    // A negation word that is part of a matched symptom phrase ("it never goes away",
    // "no feeling down there") belongs to that phrase and negates nothing else.
    const inSymptom = (n: Span) => symptomSpans.some((s) => s.start <= n.start && n.end <= s.end);
    this.negation = view.spans(cue.negation).filter((n) => !pseudo.some((p) => overlaps(p, n)) && !this.hedges.some((h) => overlaps(h, n)) && !inSymptom(n));

    const tokens = view.tokens;
    this.isQuestion = view.endsWithQuestionMark || c.questionWords.has(tokens[0]!);
    const requests = view.spans(cue.asking_about_requests);
    const about = view.spans(cue.asking_about);
    const indirect = view.spans(cue.indirect);
    this.indirect = indirect.length > 0;
    this.indirectStarts = indirect.map((s) => s.start);
    this.asksAbout = requests.length > 0 || this.indirect || (this.isQuestion && about.length > 0);
    // "I", "my"... outside the cue phrases themselves ("what should I do if" has its own "I")
    // and outside "my mum", "my wife"...
    const masks = [...requests, ...about, ...indirect, ...view.spans(cue.third_party)];
    this.firstPerson = view.spans(cue.first_person).some((s) => !masks.some((m) => overlaps(m, s)));

    // "Fever? No." / "Numbness down below? Not sure."
    let answeredNo = false;
    let answeredUnsure = false;
    if (next && view.endsWithQuestionMark) {
      const answerParts = [cue.post_negation, cue.negation, cue.hedge, cue.affirmation];
      if (coveredBy(next, answerParts)) {
        answeredUnsure = next.spans(cue.hedge).length > 0;
        answeredNo = !answeredUnsure && next.spans(cue.affirmation).length === 0;
        if (next.spans(cue.affirmation).length > 0 && !answeredUnsure) this.isQuestion = false;
      }
    }
    this.answeredNo = answeredNo;
    this.answeredUnsure = answeredUnsure;
    this.asksAboutTopics = this.asksAbout || (this.isQuestion && !this.firstPerson && !answeredNo && !answeredUnsure);
    this.presentReport = view.spans(cue.present_report).length > 0 && view.spans(cue.asked_only).length === 0;
    // ("the pain is all the time at night" has no "I" or "my" but is still the speaker's.)
    this.reportsForSelf =
      (view.spans(cue.hypothetical).length === 0 || this.presentReport) &&
      !(this.asksAbout && this.indirect) &&
      (this.firstPerson || (!this.isQuestion && !this.asksAbout));
  }

  /**
   * Someone else's red flag (policy): a risk factor or history raises nothing; an acute
   * sign raises `possible` only when the message is about that person now, not when it is
   * clearly in the past or the message moves on to a general question.
   */
  private someoneElses(occ: Occurrence, clauseStart: number, clauseEnd: number, segLast: number, why: string, who?: Span): [Status, string] {
    const { view } = this;
    const cue = this.c.cues;
    // A carer writing about the person they look after ("my wife can't feel...", "dad's
    // legs are both numb"): that person is the patient, so it is a report, not a story.
    if (who !== undefined && view.spans(cue.animals).some((a) => overlaps(a, who))) return ['negated', `an animal's (${why})`];
    const patient = who !== undefined && this.isPatient(who);
    const past = view.spans(cue.past).some((p) => p.start >= clauseStart && p.end <= clauseEnd);
    if (this.c.historyOnly.has(occ.rule.id)) {
      // "my dad had cancer, now his back...": the parent with the back trouble is the patient.
      if (patient && this.patientComplaint && !this.generalQuestionAfter(segLast)) {
        return occ.certainty === 'possible'
          ? ['possible', `pattern only suggests it; the patient's history (${why})`]
          : ['flag', `the patient's own history, told by a carer (${why})`];
      }
      return ['negated', `someone else's history, not the user's (${why})`];
    }
    if (past) return ['negated', `someone else's, in the past (${why})`];
    if (this.generalQuestionAfter(segLast)) return ['negated', `someone else's, then a general question (${why})`];
    if (patient)
      return occ.certainty === 'possible'
        ? this.unsureWording(occ, `pattern only suggests it; a carer's report (${why})`)
        : ['flag', `a carer's report about the patient (${why})`];
    return occ.certainty === 'possible' ? ['possible', `pattern only suggests it; ${why}`] : ['possible', why];
  }

  /** Is this someone-else span a person the user may be caring for (cues.patient_others)? */
  isPatient(who: Span): boolean {
    return this.view.spans(this.c.cues.patient_others).some((p) => overlaps(p, who));
  }

  /** The first someone-else whose clause has no I/me/my of the speaker ("my gran had cancer, how do I..."). */
  someoneElseSubject(): Span | undefined {
    const cue = this.c.cues;
    const { view } = this;
    const others = view.spans(cue.third_party);
    const speaker = view.spans(cue.first_person).filter((f) => !others.some((o) => o.start <= f.start && f.end <= o.end));
    return others.find((t) => {
      const seg = view.segOf[t.start]!;
      return !speaker.some((f) => f.start >= view.segStart[seg]! && f.end <= view.segEnd[seg]!);
    });
  }

  /** A later clause of the sentence, or the next sentence, asks a general question ("what is a slipped disc?"). */
  private generalQuestionAfter(seg: number): boolean {
    const cue = this.c.cues;
    const { view } = this;
    const general = (v: SentenceView, from: number, to: number) =>
      v.spans(cue.general_question).some((g) => g.start >= from && g.end <= to) && !v.spans(cue.third_party).some((t) => t.start >= from && t.end <= to);
    for (let s = seg; s < view.segStart.length; s++) {
      if (general(view, view.segStart[s]!, view.segEnd[s]!)) return true;
    }
    const next = this.next;
    return next !== undefined && general(next, 0, next.tokens.length);
  }

  judge(occ: Occurrence): [Status, string] {
    const { c, view } = this;
    const cue = c.cues;
    const inOcc = (s: Span) => occ.spans.some((o) => overlaps(o, s));
    const seg0 = view.segOf[occ.start]!;
    const segLast = view.segOf[occ.end - 1]!;
    const clauseStart = view.segStart[seg0]!;
    const clauseEnd = view.segEnd[segLast]!;

    // Hedged: a hedge in the hit's clauses, in an earlier clause it continues, or in a
    // neighbouring clause made only of hedge words ("numb down below, i think").
    const hedgeIn = (from: number, to: number) => this.hedges.some((h) => h.start >= from && h.end <= to && !inOcc(h));
    let hedged = this.answeredUnsure || hedgeIn(clauseStart, clauseEnd);
    for (const seg of [seg0 - 1, segLast + 1]) {
      if (seg >= 0 && seg < view.segStart.length && view.segKind[Math.max(seg, seg0)] !== 'contrast' && this.onlyHedge(seg)) hedged = true;
    }

    // Negated inside its clause: a negation word after the last subject ("i", "it") before
    // the hit and not more than NEGATION_REACH words back, or between the hit's parts.
    const subjects = view.spans(cue.subject_pronouns).filter((s) => s.start >= clauseStart && s.end <= occ.start);
    const scopeStart = Math.max(clauseStart, occ.start - NEGATION_REACH, ...subjects.map((s) => s.end));
    const negWord = this.negation.find((n) => n.start >= scopeStart && n.end <= occ.end && !inOcc(n));
    let negated = negWord !== undefined;
    let why = negWord ? `negated by "${view.tokens.slice(negWord.start, negWord.end).join(' ')}"` : '';
    // ... or denied just after it, at the end of its clause ("numbness down below: none").
    if (!negated) {
      const post = view.spans(cue.post_negation).find((p) => p.start >= occ.end && p.start <= occ.end + NEAR && p.end === clauseEnd && !inOcc(p));
      const nextSeg = segLast + 1 < view.segStart.length && view.segKind[segLast + 1] !== 'contrast' ? segLast + 1 : -1;
      if (post || (nextSeg >= 0 && this.onlyParts(nextSeg, [cue.post_negation, cue.negation]))) {
        negated = true;
        why = 'denied after it';
      }
    }
    // ... or said to be fine straight after it, ending its clause ("both my legs are fine",
    // "my right leg is totally fine"), unless the hit itself holds a negation ("my bladder
    // is not working normal").
    if (!negated) {
      const fine = view.spans(cue.post_normal).find((p) => p.start === occ.end && p.end === clauseEnd);
      if (fine && !view.spans(cue.negation).some((n) => n.start >= occ.start && n.end <= occ.end)) {
        negated = true;
        why = `said to be fine ("${view.tokens.slice(fine.start, fine.end).join(' ')}")`;
      }
    }
    if (!negated && this.answeredNo) {
      negated = true;
      why = 'answered no';
    }

    // Negation carried over "and", "or" or a comma into a clause with no subject or verb
    // of its own: "no bladder or bowel problems" (sure), "no fever, numb bum" (unsure).
    // A clause after "or" with a verb but no subject of its own shares the subject and the
    // negation before it: "never fallen or had an accident", "not on steroids or had chemo".
    let carried: 'sure' | 'unsure' | null = null;
    if (!negated && !this.isFreshAfter(seg0)) {
      let seg = seg0;
      for (let step = 0; step < CARRY_CLAUSES && seg > 0 && view.segKind[seg] !== 'contrast' && view.segKind[seg] !== 'start'; step++) {
        const prev = seg - 1;
        const from = view.segStart[prev]!;
        const to = view.segEnd[prev]!;
        if (this.negation.some((n) => n.start >= from && n.end <= to)) {
          carried = this.listIsDisjunctive(prev, seg0) ? 'sure' : 'unsure';
          break;
        }
        if (hedgeIn(from, to)) {
          hedged = true;
          break;
        }
        if (this.isFreshAfter(prev)) break;
        seg = prev;
      }
    }
    if (carried === 'sure') {
      negated = true;
      why = 'negation carried over "or"';
    }

    // Over by now, said in a later clause: "had a temperature last week but it's gone".
    if (!negated && c.resolvable.has(occ.rule.id) && this.resolvedAfter(segLast)) {
      negated = true;
      why = 'said to be over';
    }
    if (negated) return hedged ? ['possible', `${why}, but hedged`] : ['negated', why];
    if (carried === 'unsure') return ['possible', 'negation may carry over "and" or a comma'];
    if (hedged) return this.unsureWording(occ, 'hedged');

    // Someone else's, and denied for oneself after it: "my mum had cancer but I never have".
    // ... or said to be the speaker's too: "my dad had cancer and now I have it too".
    const deniedForSelf = (): [Status, string] | null => {
      if (this.selfDenialAfter(segLast, occ.rule.id)) return ['negated', "someone else's, denied for oneself"];
      if (this.selfTooAfter(segLast))
        return occ.certainty === 'possible' ? ['possible', 'pattern only suggests it'] : ['flag', "someone else's, and the speaker's too"];
      return null;
    };
    // "should I worry if I ever get numbness in both legs?", "what do I do if my mum's legs
    // ever give way?": asks about the sign, whoever it would be about.
    // ... unless it still tells of the sign now ("do I need A&E if I can't control my bowels since
    // yesterday?"): then it is read as any question that holds a report.
    const hypo = this.presentReport ? undefined : view.spans(cue.hypothetical).find((h) => h.end <= occ.start && !inOcc(h));
    if (hypo) return ['question', `hypothetical ("${view.tokens.slice(hypo.start, hypo.end).join(' ')}")`];
    const family = view.spans(cue.family_history).find((f) => f.start >= clauseStart && f.end <= clauseEnd);
    if (family)
      return (
        deniedForSelf() ??
        this.someoneElses(
          occ,
          clauseStart,
          clauseEnd,
          seg0 + 1,
          `family history ("${view.tokens.slice(family.start, family.end).join(' ')}")`,
          view.spans(cue.third_party).find((t) => t.start >= clauseStart && t.end <= clauseEnd),
        )
      );
    // Someone else's symptom: "my mum had breast cancer" (unless "I" or "my" follows the cue
    // in the clause: "she found a lump on my back").
    // Also earlier in the sentence when no I/me/my stands between ("my nan takes steroids and
    // has brittle bones").
    const firstSpans = view.spans(cue.first_person);
    const third =
      view.spans(cue.third_party).find((t) => t.start >= clauseStart && t.end <= occ.start) ??
      view
        .spans(cue.third_party)
        .find(
          (t) =>
            t.end <= clauseStart &&
            !firstSpans.some((f) => f.start >= t.end && f.end <= occ.start && !view.spans(cue.third_party).some((o) => o.start <= f.start && f.end <= o.end)),
        );
    if (third) {
      const others = view.spans(cue.third_party);
      // ... or the writer named with them ("me and my partner both have HIV"): the writer's too.
      const mine =
        view.spans(cue.first_person).some((f) => f.start >= third.end && f.end <= clauseEnd && !others.some((o) => o.start <= f.start && f.end <= o.end)) ||
        view.spans(cue.with_self).some((w) => w.end === third.start);
      // "do people with sciatica lose bladder control?" asks about it in general.
      const generic = view.spans(cue.generic_people).some((g) => g.start <= third.start && third.end <= g.end);
      if (!mine && generic && this.asksAbout && !this.firstPerson) return ['question', 'asked about people in general'];
      if (!mine)
        return (
          deniedForSelf() ??
          this.someoneElses(occ, clauseStart, clauseEnd, seg0 + 1, `about someone else ("${view.tokens.slice(third.start, third.end).join(' ')}")`, third)
        );
    }

    // Questions: asking what it is (no "I"/"my") vs. asking about one's own symptom.
    let status: Status = 'flag';
    let reason = 'reported';
    if (this.asksAbout) {
      if (!this.firstPerson) [status, reason] = ['question', 'asked about, no first person'];
      // "should I be worried about ..." governs what follows it; a sign said before it is told
      // as a fact ("I'm in remission from melanoma, should I be worried about my back?").
      else if (this.indirectStarts.some((start) => start <= occ.start)) [status, reason] = ['possible', 'hypothetical or second-hand, about oneself'];
      else reason = 'question that reports a symptom';
    } else if (this.isQuestion && !this.firstPerson && !this.presentReport) {
      // (A bare question that still tells of the sign now, cues.present_report, is a report, as
      // assertion.ts reads it for the learned side: "had a melanoma removed in 2019, now...?")
      [status, reason] = ['possible', 'bare question, no first person'];
    } else if (this.isQuestion) {
      reason = 'question that reports a symptom';
    }
    if (status === 'flag' && occ.certainty === 'possible') return this.unsureWording(occ, 'pattern only suggests it');
    return [status, reason];
  }

  /**
   * A report whose only doubt is its wording: `possible`, marked (WORDING_ONLY) for a sign with
   * `reported_when_unsure`, which the detector then reports unless its words are another
   * sure hit's (the cauda equina signs: the advice at once, not with a question).
   */
  unsureWording(occ: Occurrence, why: string): [Status, string] {
    return ['possible', this.c.reportedWhenUnsure.has(occ.rule.id) ? `${why}${WORDING_ONLY}` : why];
  }

  /**
   * Does a negation before this clause stop short of it? After "or" only a subject of its
   * own stops it ("no fever or had chills" carries, "no fever or i get chills" does not);
   * after "and" or a comma a verb does too.
   */
  private isFreshAfter(seg: number): boolean {
    if (this.view.segKind[seg] !== 'or') return this.isFresh(seg);
    const from = this.view.segStart[seg]! + 1;
    const to = this.view.segEnd[seg]!;
    const cue = this.c.cues;
    return [cue.subject_pronouns, cue.first_person].some((p) => this.view.spans(p).some((s) => s.start >= from && s.end <= to));
  }

  /**
   * A later clause of the sentence, or the whole next sentence, that only denies it for the
   * speaker: "but I never have", "not me though", "my bones are fine", and in the same
   * sentence also with the red flag's own words: "I haven't fallen". A clause with other
   * words ("and I'm not coping") denies nothing: the caregiver's report stands.
   */
  private selfDenialAfter(seg: number, id: RedFlagId): boolean {
    const cue = this.c.cues;
    const parts = [cue.negation, cue.post_negation, cue.post_normal, cue.first_person, cue.subject_pronouns, cue.self_denial_filler];
    const denies = (view: SentenceView, from: number, to: number) =>
      [cue.negation, cue.post_normal].some((p) => view.spans(p).some((n) => n.start >= from && n.end <= to)) &&
      view.spans(cue.first_person).some((f) => f.start >= from && f.end <= to) &&
      !view.spans(cue.hedge).some((h) => h.start >= from && h.end <= to);
    const own = this.found.filter((o) => o.rule.id === id).flatMap((o) => o.spans);
    for (let s = seg + 1; s < this.view.segStart.length; s++) {
      const from = this.view.segStart[s]!;
      const to = this.view.segEnd[s]!;
      if (to - from <= SELF_DENIAL_MAX_WORDS && this.onlyParts(s, parts, own) && denies(this.view, from, to)) return true;
    }
    const next = this.next;
    return next !== undefined && coveredBy(next, parts) && denies(next, 0, next.tokens.length);
  }

  /** A later short clause that says the speaker has it too: "and now I have it too", "me too". */
  private selfTooAfter(seg: number): boolean {
    const cue = this.c.cues;
    for (let s = seg + 1; s < this.view.segStart.length; s++) {
      const from = this.view.segStart[s]!;
      const to = this.view.segEnd[s]!;
      const inside = (x: Span) => x.start >= from && x.end <= to;
      if (
        to - from <= SELF_DENIAL_MAX_WORDS &&
        this.view.spans(cue.first_person).some(inside) &&
        this.view.spans(cue.self_too).some(inside) &&
        !this.negation.some(inside) &&
        !this.hedges.some(inside)
      ) {
        return true;
      }
    }
    return false;
  }

  /** A later clause, or the next sentence, that only says it is over: "but it's all gone now". */
  private resolvedAfter(seg: number): boolean {
    const cue = this.c.cues;
    const parts = [cue.resolved, cue.post_normal, cue.first_person, cue.subject_pronouns, cue.self_denial_filler];
    for (let s = seg + 1; s < this.view.segStart.length; s++) {
      const from = this.view.segStart[s]!;
      const to = this.view.segEnd[s]!;
      if (this.onlyParts(s, parts) && this.view.spans(cue.resolved).some((r) => r.start >= from && r.end <= to)) return true;
    }
    const next = this.next;
    return next !== undefined && coveredBy(next, parts) && next.spans(cue.resolved).length > 0;
  }

  /** A clause with its own subject or verb ("and my legs are numb") starts afresh. */
  private isFresh(seg: number): boolean {
    const from = this.view.segStart[seg]! + (this.view.segKind[seg] === 'and' || this.view.segKind[seg] === 'or' ? 1 : 0);
    const to = this.view.segEnd[seg]!;
    return this.view.spans(this.c.cues.clause_starters).some((s) => s.start >= from && s.end <= to);
  }

  /** Does the list that joins clause `from` to clause `to` (and on while it continues) use "or"? */
  private listIsDisjunctive(from: number, to: number): boolean {
    const kinds: SegmentKind[] = [];
    for (let s = from + 1; s <= to; s++) kinds.push(this.view.segKind[s]!);
    for (let s = to + 1; s < this.view.segStart.length && !this.isFresh(s); s++) {
      const kind = this.view.segKind[s]!;
      if (kind === 'contrast') break;
      kinds.push(kind);
    }
    return kinds.includes('or') && !kinds.includes('and');
  }

  private onlyHedge(seg: number): boolean {
    return (
      this.onlyParts(seg, [this.c.cues.hedge, this.c.cues.subject_pronouns, this.c.cues.first_person]) &&
      this.hedges.some((h) => h.start >= this.view.segStart[seg]! && h.end <= this.view.segEnd[seg]!)
    );
  }

  /** Every word of the clause (after its boundary word) belongs to one of these parts. */
  private onlyParts(seg: number, parts: number[], alsoSpans: readonly Span[] = []): boolean {
    const { view } = this;
    const skip = view.segKind[seg] === 'and' || view.segKind[seg] === 'or' || view.segKind[seg] === 'contrast' ? 1 : 0;
    const from = view.segStart[seg]! + skip;
    const to = view.segEnd[seg]!;
    if (from >= to) return false;
    const covers = (s: Span, i: number) => s.start <= i && i < s.end && s.start >= from && s.end <= to;
    for (let i = from; i < to; i++) {
      if (!parts.some((p) => view.spans(p).some((s) => covers(s, i))) && !alsoSpans.some((s) => covers(s, i))) return false;
    }
    return true;
  }
}
