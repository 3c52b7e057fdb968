// Wires one Backline instance: config -> content -> NLU -> storage -> bot -> adapter -> HTTP.
// Used by `backline serve`, by `backline chat` and the test runners (in-process, same adapter
// path), and by the tests.
import { CloudAdapter, type AuthConfiguration, type TurnContext } from '@microsoft/agents-hosting';
import { BacklineBot } from './bot/backlineBot.js';
import type { Config } from './config.js';
import { loadContent, type LoadedContent } from './content.js';
import { fill } from './knowledge/messages.js';
import { createLogger, type Logger } from './logger.js';
import { warmUpEntityRecognizers, warmUpEntityRecognizersInSteps } from './nlu/entities.js';
import { createNluEngine, type NluEngine } from './nlu/understand.js';
import { createOutboundPolicy, parseHostList } from './server/outboundPolicy.js';
import { createHttpApp } from './server/http.js';
import { createStorage, startRetentionSweep, type BacklineStorage } from './storage/index.js';
import { createWebChat, type WebChat } from './webchat/index.js';
import { createSupport, routeLocalDirectLine, type Support } from './handoff/index.js';
import { trialLeadWebhookOf } from './trials/webhook.js';
import type { Express } from 'express';

export interface Backline {
  config: Config;
  content: LoadedContent;
  nlu: NluEngine;
  storage: BacklineStorage;
  adapter: CloudAdapter;
  bot: BacklineBot;
  http: Express;
  logger: Logger;
  /** The web chat widget and its Direct Line (deliverToConversation for messages outside a user turn). */
  webChat: WebChat;
  /** Human support: cases, the agent console (/agent), proactive messages. */
  support: Support;
  /** Loads and builds the answer recognizers one at a time without blocking requests. */
  warmUpInBackground(): Promise<void>;
  close(): Promise<void>;
}

export interface BacklineOptions {
  logger?: Logger;
  /** Use this storage instead of the configured one (tests). */
  storage?: BacklineStorage;
  /** Run the retention sweep (off for short-lived CLI runs). */
  retentionSweep?: boolean;
  /** Build the answer recognizers now, blocking (benchmarks). Servers use `warmUpInBackground`. */
  warmUp?: boolean;
}

const RETENTION_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

export function authConfigOf(config: Config): AuthConfiguration {
  return {
    clientId: config.MICROSOFT_APP_ID,
    clientSecret: config.MICROSOFT_APP_PASSWORD,
    tenantId: config.MICROSOFT_APP_TENANT_ID,
  } as AuthConfiguration;
}

export function createBackline(config: Config, options: BacklineOptions = {}): Backline {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const content = loadContent(config.CONTENT_DIR, config.EMERGENCY_NUMBER);
  const nlu = createNluEngine({ root: config.CONTENT_DIR, cacheDir: config.NLU_CACHE_DIR, redFlagPatterns: content.redFlagPatterns });
  if (options.warmUp) warmUpEntityRecognizers();
  const storage = options.storage ?? createStorage({ kind: config.STORAGE, sqlitePath: config.SQLITE_PATH });
  const stopSweep = options.retentionSweep === false ? () => {} : startRetentionSweep(storage, config.RETENTION_DAYS, RETENTION_SWEEP_INTERVAL_MS);

  const authConfig = authConfigOf(config);
  const adapter = new CloudAdapter(authConfig, undefined, undefined, { emitStackTrace: false }, createOutboundPolicy(config.localMode, parseHostList(config.ALLOWED_SERVICE_URL_HOSTS)));
  adapter.onTurnError = async (context: TurnContext, error: unknown) => {
    // Log the kind of failure only; the message may quote what the person typed.
    logger.error('turn_error', { error: error instanceof Error ? error.name : 'unknown', channel: String(context.activity.channelId) });
    try {
      await context.sendActivity(fill(content.engine.messages.turn_error, { emergency_number: config.EMERGENCY_NUMBER }));
    } catch {
      // The channel may be unreachable; nothing more to do.
    }
  };

  const support = createSupport({ config, storage, content: content.engine, nlu, logger, adapter });
  const webhook = trialLeadWebhookOf(config, logger);
  const bot = new BacklineBot({
    content: content.engine,
    nlu,
    storage,
    logger,
    maxMessageChars: config.MAX_MESSAGE_CHARS,
    support: support.service,
    ...(webhook ? { onTrialLead: webhook } : {}),
  });
  const http = createHttpApp({
    adapter,
    bot,
    authConfig,
    logger,
    localMode: config.localMode,
    trustProxy: config.TRUST_PROXY,
    health: async () => {
      await storage.read(['healthz']);
      return { ok: true, details: { storage: config.STORAGE } };
    },
  });
  // Web chat: pages, widget, token endpoint, built-in Direct Line; WebSocket streams on http.listen servers.
  const webChat = createWebChat({ config, adapter, logic: bot.handle, storage, logger });
  webChat.mount(http);
  // The agent console; a team member's messages reach built-in Direct Line chats through it.
  http.use('/agent', support.console);
  if (webChat.directLine) routeLocalDirectLine(support.sender, webChat.directLine);
  return {
    config,
    content,
    nlu,
    storage,
    adapter,
    bot,
    http,
    logger,
    webChat,
    support,
    warmUpInBackground: () => warmUpEntityRecognizersInSteps(),
    close: async () => {
      stopSweep();
      support.stop();
      webChat.close();
      await storage.close();
    },
  };
}
