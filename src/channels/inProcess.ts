// Talks to the bot in-process through CloudAdapter.process, the same code path as
// POST /api/messages, with deliveryMode "expectReplies" so replies come back in the response
// instead of being posted to a serviceUrl. Used by `backline chat`, the triage runner, the
// benchmarks and the conversation tests.
import { randomUUID } from 'node:crypto';
import type { Activity } from '@microsoft/agents-activity';
import type { CloudAdapter, TurnContext } from '@microsoft/agents-hosting';

type Logic = (context: TurnContext) => Promise<void>;

class CapturedResponse {
  statusCode = 200;
  body: unknown;
  headersSent = false;
  writableEnded = false;
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  setHeader() {
    return this;
  }
  send(body: unknown) {
    this.body = body;
    this.headersSent = true;
    return this;
  }
  end() {
    this.writableEnded = true;
    return this;
  }
}

export interface InProcessOptions {
  channelId?: string;
  conversationId?: string;
  userId?: string;
  /** Extra fields merged into every activity (e.g. Teams tenant and conversationType). */
  activityDefaults?: Partial<Activity> & Record<string, unknown>;
}

export class InProcessConversation {
  readonly channelId: string;
  readonly conversationId: string;
  readonly userId: string;
  private sequence = 0;
  /** Activity ids are unique across instances: the bot does not run a message id twice, and a new
   * InProcessConversation on the same conversation (a restart, each Direct Line turn) must not reuse them. */
  private readonly idPrefix = `a-${randomUUID().slice(0, 8)}-`;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly logic: Logic,
    private readonly options: InProcessOptions = {},
  ) {
    this.channelId = options.channelId ?? 'test';
    this.conversationId = options.conversationId ?? `conv-${randomUUID()}`;
    this.userId = options.userId ?? `user-${randomUUID()}`;
  }

  /** Sends any activity; fields not given are filled in. Returns the bot's replies. */
  async send(partial: Partial<Activity> & Record<string, unknown>): Promise<Activity[]> {
    const activity = {
      type: 'message',
      id: `${this.idPrefix}${++this.sequence}`,
      channelId: this.channelId,
      serviceUrl: 'http://localhost/in-process',
      conversation: { id: this.conversationId },
      from: { id: this.userId, name: 'User', role: 'user' },
      recipient: { id: 'backline', name: 'Backline', role: 'bot' },
      timestamp: new Date().toISOString(),
      ...this.options.activityDefaults,
      ...partial,
      deliveryMode: 'expectReplies',
    };
    const response = new CapturedResponse();
    await this.adapter.process({ body: activity, headers: {}, method: 'POST' } as never, response as never, this.logic);
    if (response.statusCode >= 400) throw new Error(`the adapter answered ${response.statusCode}`);
    const body = response.body as { activities?: Activity[] } | undefined;
    return body?.activities ?? [];
  }

  say(text: string): Promise<Activity[]> {
    return this.send({ type: 'message', text });
  }

  /** Taps a button: the value a card or suggested action would send. */
  tap(choice: string, label = ''): Promise<Activity[]> {
    return this.send({ type: 'message', text: label, value: { choice } });
  }

  join(): Promise<Activity[]> {
    return this.send({
      type: 'conversationUpdate',
      membersAdded: [{ id: this.userId, name: 'User' }],
    });
  }
}
