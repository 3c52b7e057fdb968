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
  }),
  reprompt: z.strictObject({
    choice: z.string(),
    yes_no: z.string(),
    number: z.string(),
    age: z.string(),
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
  red_flag: z.strictObject({ offer: z.string(), confirm_intro: z.string(), confirmed_none: z.string() }),
  triage: z.strictObject({
    reasons_heading: z.string(),
    human_offer: z.string(),
    already_advised: z.string(),
    keep_answering: z.string(),
  }),
  forget: z.strictObject({ done: z.string(), what_state: z.string(), what_leads: z.string(), what_cases: z.string() }),
  teams: z.strictObject({ channel_note: z.string() }),
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

/** Fills {placeholders}; unknown ones are left as they are so a typo shows up in review. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
