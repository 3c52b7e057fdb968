// HANDOFF_MODE=event: the Bot Framework hand-off protocol, for contact centres that take a
// conversation over (Dynamics 365 Omnichannel, LivePerson, Genesys and others).
//
//   bot -> channel   event "handoff.initiate": value = the case and its summary (the context the
//                    agent sees); attachment "Transcript" (application/json) = { activities }
//   channel -> bot   event "handoff.status": value = { state: "accepted" | "failed" | "completed", message? }
//                    accepted: a person has it; failed: nobody could take it (we offer a call-back);
//                    completed: the person is back with the bot (we ask for feedback).
import type { Activity } from '@microsoft/agents-activity';
import { runFrom, type TurnDraft } from '../engine/runtime.js';
import { FEEDBACK_NODE, leaveSupport, SUPPORT_TREE } from './decideSupport.js';
import type { TranscriptItem } from './transcript.js';
import type { SupportCase } from './types.js';

export const HANDOFF_INITIATE = 'handoff.initiate';
export const HANDOFF_STATUS = 'handoff.status';
const OFFER_NODE = 'offer_offline';

export function handoffInitiation(supportCase: SupportCase, transcript: TranscriptItem[], user: { id?: string; name?: string } | undefined): Partial<Activity> {
  const activities = transcript.flatMap((item) =>
    item.entries.map((entry) => ({
      type: 'message',
      timestamp: item.at,
      text: entry.text,
      from:
        entry.role === 'user'
          ? { id: user?.id ?? 'user', ...(user?.name ? { name: user.name } : {}), role: 'user' }
          : { id: 'backline', name: entry.agent ?? 'Backline', role: 'bot' },
    })),
  );
  return {
    type: 'event',
    name: HANDOFF_INITIATE,
    value: {
      caseId: supportCase.id,
      reason: supportCase.reason,
      triageLevel: supportCase.level,
      redFlags: supportCase.redFlags,
      summary: supportCase.summary,
    },
    attachments: [{ contentType: 'application/json', name: 'Transcript', content: { activities } }],
  } as Partial<Activity>;
}

export type HandoffState = 'accepted' | 'failed' | 'completed';

export function handoffStateOf(value: unknown): HandoffState | undefined {
  const state = (value as { state?: unknown } | undefined)?.state;
  return state === 'accepted' || state === 'failed' || state === 'completed' ? state : undefined;
}

/** What a handoff.status event does to the conversation. Returns the case it was about, if any. */
export function decideHandoffStatus(draft: TurnDraft, state: HandoffState): string | undefined {
  const support = draft.state.support;
  if (!support || support.mode !== 'event') return undefined;
  const caseId = support.caseId;
  switch (state) {
    case 'accepted':
      draft.state.support = { ...support, status: 'live' };
      return caseId;
    case 'failed':
      leaveSupport(draft);
      draft.state.lastCaseId = undefined;
      draft.effects.push({ type: 'support', event: 'cancelled', caseId });
      draft.say(draft.content.messages.support.event_failed);
      runFrom(draft, { tree: SUPPORT_TREE, node: OFFER_NODE });
      return caseId;
    case 'completed':
      leaveSupport(draft);
      draft.effects.push({ type: 'support', event: 'ended', caseId });
      runFrom(draft, { tree: SUPPORT_TREE, node: FEEDBACK_NODE });
      return caseId;
  }
}
