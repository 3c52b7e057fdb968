// Test helpers: a Backline on in-memory storage (unless a storage is given) and a
// conversation wrapper with readable accessors for what the bot sent.
import type { Activity } from '@microsoft/agents-activity';
import { createBackline, type Backline } from '../../src/app.js';
import { InProcessConversation, type InProcessOptions } from '../../src/channels/inProcess.js';
import type { BacklineChannelData } from '../../src/channels/render.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import type { BacklineStorage } from '../../src/storage/index.js';

export function testBackline(env: Record<string, string> = {}, storage?: BacklineStorage): Backline {
  const config = loadConfig({ NODE_ENV: 'test', STORAGE: 'memory', LOG_LEVEL: 'silent', NLU_CACHE_DIR: 'data/test-nlu-cache', ...env });
  return createBackline(config, { logger: silentLogger, retentionSweep: false, ...(storage ? { storage } : {}) });
}

export function dataOf(activity: Activity): BacklineChannelData | undefined {
  return (activity.channelData as { backline?: BacklineChannelData } | undefined)?.backline;
}

export class Chat {
  readonly conversation: InProcessConversation;
  /** Everything the bot sent in the last turn. */
  last: Activity[] = [];

  constructor(
    readonly backline: Backline,
    options: InProcessOptions = {},
  ) {
    this.conversation = new InProcessConversation(backline.adapter, backline.bot.handle, { channelId: 'webchat', ...options });
  }

  async open(): Promise<this> {
    this.last = await this.conversation.join();
    return this;
  }

  async say(text: string): Promise<Activity[]> {
    this.last = await this.conversation.say(text);
    return this.last;
  }

  /** Taps the button whose label contains `label` (case-insensitive) in the last turn. */
  async tap(label: string): Promise<Activity[]> {
    const action = this.buttons().find((b) => b.title.toLowerCase().includes(label.toLowerCase()));
    if (!action)
      throw new Error(
        `no button "${label}" in: ${this.buttons()
          .map((b) => b.title)
          .join(' | ')}`,
      );
    this.last = await this.conversation.tap(action.value.choice, action.title);
    return this.last;
  }

  text(): string {
    return this.last.map((a) => a.text ?? '').join('\n');
  }

  buttons(): { title: string; value: { choice: string } }[] {
    const withActions = [...this.last].reverse().find((a) => a.suggestedActions?.actions?.length);
    return (withActions?.suggestedActions?.actions ?? []) as never;
  }

  buttonLabels(): string[] {
    return this.buttons().map((b) => b.title);
  }

  /** The evidence id of the question the bot is asking now, if any. */
  askedEvidence(): string | undefined {
    return [...this.last]
      .reverse()
      .map(dataOf)
      .find((d) => d?.ask)?.ask?.evidence;
  }

  /** The question being asked now (its node, kind, evidence or checklist evidence, progress). */
  asked(): BacklineChannelData['ask'] | undefined {
    return [...this.last]
      .reverse()
      .map(dataOf)
      .find((d) => d?.ask)?.ask;
  }

  /** The evidence ids of the checklist being asked now. */
  askedEvidenceList(): string[] | undefined {
    return this.asked()?.evidenceList;
  }

  /** Whether a question of the warning-sign check (one sign, a checklist, age or duration) is being asked. */
  inCheck(): boolean {
    const ask = this.asked();
    return Boolean(ask?.evidence || ask?.evidenceList);
  }

  /** Answers the check's current question with nothing to report: "No", or "None of these" at a checklist. */
  async answerNo(): Promise<Activity[]> {
    return this.asked()?.kind === 'checklist' ? this.tap('None of these') : this.tap('No');
  }

  askedNode(): string | undefined {
    return [...this.last]
      .reverse()
      .map(dataOf)
      .find((d) => d?.ask)?.ask?.node;
  }

  /** Triage levels the bot sent in the last turn, in order. */
  triageLevels(): string[] {
    return this.last
      .map(dataOf)
      .filter((d) => d?.triage)
      .map((d) => d!.triage!.level);
  }

  firstUrgentIndex(): number {
    return this.last.findIndex((a) => dataOf(a)?.urgent);
  }
}
