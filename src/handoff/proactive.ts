// Messages to a person outside their own turn (a team member's reply, "Sam has joined", a queue
// update). The person's conversation reference is stored with their case.
//
//   Teams, Azure Direct Line, anything with a Bot Connector serviceUrl:
//       CloudAdapter.continueConversation -> POST {serviceUrl}/v3/conversations/{id}/activities
//   the built-in Direct Line (local Web Chat): its own sender, which appends the activity to the
//       conversation's stored activity log for the widget to pick up; registered with `route`.
import type { Activity, ConversationReference } from '@microsoft/agents-activity';
import type { CloudAdapter } from '@microsoft/agents-hosting';

export interface ProactiveSender {
  send(reference: Partial<ConversationReference>, activities: Partial<Activity>[]): Promise<void>;
}

export class ProactiveDeliveryError extends Error {
  override readonly name = 'ProactiveDeliveryError';
}

/** Through the adapter, as the bot: the same outbound host policy and credentials as replies. */
export class AdapterProactiveSender implements ProactiveSender {
  constructor(
    private readonly adapter: CloudAdapter,
    /** The bot's app id; undefined in local mode (anonymous, loopback serviceUrls only). */
    private readonly appId: string | undefined,
  ) {}

  async send(reference: Partial<ConversationReference>, activities: Partial<Activity>[]): Promise<void> {
    if (!reference.serviceUrl || !reference.conversation?.id) throw new ProactiveDeliveryError('the conversation reference has no serviceUrl');
    // Local mode has no app id: an identity without an audience makes the SDK use an anonymous client.
    const identity = this.appId ?? ({} as Record<string, never>);
    await this.adapter.continueConversation(identity as never, reference as ConversationReference, async (context) => {
      await context.sendActivities(activities as Activity[]);
    });
  }
}

/** Picks a sender by the reference: the first route that claims it, else the fallback. */
export class RoutingProactiveSender implements ProactiveSender {
  private readonly routes: { claims: (reference: Partial<ConversationReference>) => boolean; sender: ProactiveSender }[] = [];

  constructor(private readonly fallback: ProactiveSender) {}

  route(claims: (reference: Partial<ConversationReference>) => boolean, sender: ProactiveSender): this {
    this.routes.push({ claims, sender });
    return this;
  }

  send(reference: Partial<ConversationReference>, activities: Partial<Activity>[]): Promise<void> {
    const route = this.routes.find((r) => r.claims(reference));
    return (route?.sender ?? this.fallback).send(reference, activities);
  }
}
