// The bot's own words (knowledge/messages.<lang>.yaml), validated so a missing key fails at start.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { INTENT_IDS } from '../contract.js';

const phrases = z.array(z.string().min(1)).min(1);

const messagesSchema = z.strictObject({
  labels: z.strictObject({
    yes: z.string(),
    no: z.string(),
    unsure: z.string(),
    tell_me_more: z.string(),
    carry_on: z.string(),
    main_menu: z.string(),
    talk_to_person: z.string(),
    keep_going: z.string(),
    cancel_request: z.string(),
    end_chat: z.string(),
    call_back: z.string(),
    sources: z.string(),
    /** The tap-to-call button on urgent advice and crisis help: "Call {number}". */
    call: z.string().includes('{number}'),
    more_options: z.string(),
  }),
  commands: z.strictObject({
    menu: phrases,
    start_over: phrases,
    cancel: phrases,
    human: phrases,
    forget_me: phrases,
    more: phrases,
    /** Ends a live chat with a person (only while one is live). */
    end_chat: phrases,
    /** "Where is this from?": the sources and review date of the article last shown. */
    sources: phrases,
    /** In the warning-sign check: ask the last question again and replace its answer. */
    undo: phrases,
  }),
  reprompt: z.strictObject({
    choice: z.string(),
    yes_no: z.string(),
    /** A yes/no question with no "Not sure" button (deleting one's data, consent). */
    yes_no_only: z.string(),
    number: z.string(),
    age: z.string(),
    /** The age question about someone else ("How old is your mum?"). */
    age_other: z.string(),
    duration: z.string(),
    free_text: z.string(),
    contact: z.string(),
    out_of_range: z.string(),
    buttons: z.string(),
  }),
  turn_error: z.string(),
  empty_message: z.string(),
  attachment_only: z.string(),
  long_message: z.string(),
  disambiguate: z.string(),
  resume_offer: z.string(),
  resumed: z.string(),
  cancelled: z.string(),
  nothing_to_cancel: z.string(),
  nothing_to_resume: z.string(),
  red_flag: z.strictObject({
    offer: z.string(),
    confirm_intro: z.string(),
    confirmed_none: z.string(),
    /** Prefix for a sign's question from the questionnaire used as a confirming question. */
    confirm_prefix: z.string(),
    /** After urgent advice for a possible cauda equina sign: is it happening now, and to whom? */
    urgent_confirm: z.string(),
    urgent_confirm_other: z.string(),
    /** Yes to that: the advice stands. */
    urgent_confirmed: z.string(),
    /** No to that: the advice is not withdrawn; what to watch for. */
    urgent_not_now: z.string(),
    /** One line after a carer's urgent advice (never before it): how hard this is to hear. */
    carer_ack: z.string(),
  }),
  /** Someone says they ask for another person, and nothing else. */
  patient_noted: z.string(),
  /** The person says it is about them after all. */
  patient_noted_self: z.string(),
  /** The check was under way for "you" and turns out to be for someone else. */
  patient_switched: z.string(),
  /** The emergency signs card, shown once to anyone who describes back or leg pain. */
  safety_net: z.strictObject({ card: z.string(), check_label: z.string() }),
  /** Crisis help: suicidal thoughts, self-harm, overdose or poisoning. */
  crisis: z.strictObject({
    suicide: z.string(),
    self_harm: z.string(),
    overdose: z.string(),
    repeat: z.string(),
    repeat_overdose: z.string(),
    offer: z.string(),
    declined: z.string(),
    support_note: z.string(),
  }),
  triage: z.strictObject({
    reasons_heading: z.string(),
    human_offer: z.string(),
    already_advised: z.string(),
    advised_again: z.string(),
    urgent_reminder: z.string(),
    urgent_reminder_refusal: z.string(),
    urgent_reminder_minimised: z.string(),
    urgent_reminder_cost: z.string(),
    urgent_reminder_worried: z.string(),
    urgent_reminder_short: z.string(),
    keep_answering: z.string(),
    /** Before advice about someone else: who it is for. */
    for_other: z.string(),
  }),
  /** The warning-sign check: progress, simpler words, leaving, going back. */
  check: z.strictObject({
    /** {index}, {total} */
    progress: z.string(),
    /** Before a question asked again in simpler words. */
    simpler: z.string(),
    /** Words that mean "none of these" at a checklist question. */
    none_words: phrases,
    /** "oops I meant", "I meant": what follows is the new answer to the previous question. */
    undo_prefixes: phrases,
    went_back: z.string(),
    nothing_to_undo: z.string(),
    /** The answer taken back had led to advice: the advice is worked out again. */
    advice_recomputed: z.string(),
    /** A "no" after going back to a cauda equina sign that got urgent advice. */
    advice_stands: z.string(),
    leave_confirm: z.string(),
    leave_confirm_advised: z.string(),
    left: z.string(),
    why_asking: z.string(),
    restarted: z.string(),
    leave_yes: z.string(),
    leave_no: z.string(),
  }),
  /** The end-of-check summary ({date}, {outcome}, {count}). */
  summary: z.strictObject({
    heading: z.string(),
    outcome_line: z.string(),
    why: z.string(),
    answers: z.string(),
    age: z.string(),
    duration: z.string(),
    weeks: z.string(),
    days: z.string(),
    not_asked: z.string(),
    note: z.string(),
    file_name: z.string(),
    download: z.string(),
    /** For someone asking for another person ({patient}). */
    heading_other: z.string(),
    answers_other: z.string(),
  }),
  /** Direct questions (knowledge/nlu/direct-questions.yaml) and the tone of a message. */
  direct: z.strictObject({
    cant_tell: z.string(),
    cant_tell_general: z.string(),
    points_to: z.string(),
    check_offer: z.string(),
    dose: z.string(),
    others_prescription: z.string(),
    worry: z.string(),
    anger: z.string(),
    distress: z.string(),
    filler: z.string(),
    numbers: z.string(),
    insult: z.string(),
    small_talk: z.string(),
    bot_identity: z.string(),
    as_i_said: z.string(),
    /** The same direct question again: the point in short. */
    again: z.strictObject({ diagnosis: z.string(), dose: z.string(), others_prescription: z.string(), medicine_safety: z.string(), medicine_mistake: z.string() }),
    more_offer: z.string(),
    points_to_intro: z.string(),
    in_short: z.string(),
    cant_tell_in_check: z.string(),
    cant_tell_with_advice: z.string(),
    cant_tell_with_advice_general: z.string(),
    pause: z.string(),
    check_already: z.string(),
    refusal_ack: z.string(),
    crisis_pushback: z.string(),
    medicine_safety: z.string(),
    medicine_mistake: z.string(),
    lonely: z.string(),
    unheard: z.string(),
    exhausted: z.string(),
    low_mood: z.string(),
    sceptic: z.string(),
    cant_tell_short: z.string(),
    cant_tell_brief: z.string(),
    /** The plain "can't tell" before the answer to another question in the same message. */
    /** After a section about staying active: who can say what suits the person. */
    activity_advice: z.string(),
    /** An activity question after urgent advice: not now, get seen first. */
    activity_after_urgent: z.string(),
    cant_tell_beside: z.string(),
    cant_tell_beside_general: z.string(),
    /** The plain "can't tell" for someone asking about another person ({patient}, {their}). */
    cant_tell_other: z.string(),
    cant_tell_general_other: z.string(),
  }),
  /** Other wordings of reusable lines, so one conversation never gets the same reply twice (src/bot/repeats.ts). */
  repeats: z.strictObject({
    /** By where the line is: a message path ("direct.check_offer") or a dialog node ("dialogs.main.out_of_scope"). */
    forms: z.record(z.string(), phrases),
    said_above: z.string(),
    question_again: z.string(),
  }),
  forget: z.strictObject({ done: z.string(), what_state: z.string(), what_leads: z.string(), what_cases: z.string() }),
  teams: z.strictObject({ channel_note: z.string() }),
  sources: z.strictObject({ text: z.string(), none: z.string(), then: z.string() }),
  /** The clinical-trial pre-screen's results and privacy notice (trials are in knowledge/trials/). */
  trials: z.strictObject({
    results_intro: z.string(),
    fits: z.string(),
    maybe: z.string(),
    not_a_fit: z.string(),
    privacy: z.string(),
  }),
  /** Waiting for and talking to a person (src/handoff). */
  support: z.strictObject({
    opened: z.string(),
    event_opened: z.string(),
    queued: z.string(),
    wait_estimate: z.string(),
    wait_unknown: z.string(),
    wait_one_minute: z.string(),
    wait_minutes: z.string(),
    waiting_note: z.string(),
    held: z.string(),
    still_waiting: z.string(),
    still_waiting_options: z.string(),
    already_waiting: z.string(),
    cancelled: z.string(),
    agent_joined: z.string(),
    agent_joined_team: z.string(),
    transferred: z.string(),
    agent_message: z.string(),
    agent_closed: z.string(),
    user_left: z.string(),
    red_flag_waiting: z.string(),
    red_flag_live: z.string(),
    team_name: z.string(),
    team_label: z.string(),
    event_waiting: z.string(),
    event_failed: z.string(),
  }),
  /** How the agent console's case summary names answers that are not warning signs or trial questions. */
  answer_labels: z.strictObject({ age: z.string(), duration_weeks: z.string() }),
  intent_labels: z.record(z.enum(INTENT_IDS), z.string()),
});

export type Messages = z.infer<typeof messagesSchema>;
export type CommandName = keyof Messages['commands'];

export function loadMessages(path: string): Messages {
  const parsed = messagesSchema.safeParse(parseYaml(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
