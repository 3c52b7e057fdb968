// Wires one Backline instance: config -> content -> NLU -> storage -> bot -> adapter -> HTTP.
// Used by `backline serve`, by `backline chat` and the test runners (in-process, same adapter
// path), and by the tests.
import { CloudAdapter, type AuthConfiguration, type TurnContext } from '@microsoft/agents-hosting';
import { BacklineBot } from './bot/backlineBot.js';
import type { Config } from './config.js';
import { loadContent, type LoadedContent } from './content.js';
import { fill } from './text/template.js';
import { createLogger, type Logger } from './logger.js';
import { warmUpEntityRecognizers, warmUpEntityRecognizersInSteps } from './nlu/entities.js';
import { createNluEngine, type NluEngine } from './nlu/understand.js';
import { createOutboundPolicy, parseHostList } from './server/outboundPolicy.js';
import { createHttpApp } from './server/http.js';
import { createStorage, startRetentionSweep, type BacklineStorage } from './storage/index.js';
import { createWebChat, type WebChat } from './webchat/index.js';
import { CHANNEL_ID } from './directline/localDirectLine.js';
import { createSupport, routeLocalDirectLine, type Support } from './handoff/index.js';
import { createObservability, type Observability } from './observability/index.js';
import { recentWaitSeconds } from './handoff/presence.js';
import { trialLeadWebhookOf } from './handoff/trialWebhook.js';
import type { Express } from 'express';
import { createServer, type Server } from 'node:http';
import { singleProcessCluster, type Cluster } from './cluster/index.js';
import { errorName } from './util/errors.js';
import { DailyStatsBuffer, flushingBeforeStatsRead } from './bot/dailyStatsBuffer.js';

export interface Backline {
  config: Config;
  content: LoadedContent;
  nlu: NluEngine;
  storage: BacklineStorage;
  adapter: CloudAdapter;
  bot: BacklineBot;
  http: Express;
  /**
   * An HTTP server for `http` with the Direct Line WebSocket streams attached (the upgrade event):
   * listen on it instead of calling `http.listen`, which would serve no streams.
   */
  createServer(): Server;
  logger: Logger;
  /** The web chat widget and its Direct Line (deliverToConversation for messages outside a user turn). */
  webChat: WebChat;
  /** Human support: cases, the agent console (/agent), proactive messages. */
  support: Support;
  /** Readiness (/readyz), Prometheus metrics (/metrics) and the turn observer behind them and the traces. */
  observability: Observability;
  /** Loads and builds the answer recognizers one at a time without blocking requests. */
  warmUpInBackground(): Promise<void>;
  /** Shutdown, first step: ends open streams (WebSockets with 1001, console event streams); turns in flight go on. */
  stopStreams(): void;
  /** Stops timers and streams and closes storage. */
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
  /**
   * What instances sharing a PostgreSQL store share besides it (cluster/index.ts createCluster,
   * made by `serve`); closed with the app. Default: single-process versions.
   */
  cluster?: Cluster;
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
  // The words and the emergency number agree, but not as well as they could (config, deploymentLocale).
  for (const warning of config.localeWarnings) logger.warn('locale_config', { warning });
  const { emergencyNumber, crisisLine, poisonLine } = config.helpNumberOverrides;
  const content = loadContent(config.CONTENT_DIR, emergencyNumber, {
    cacheDir: config.NLU_CACHE_DIR,
    locale: config.LOCALE,
    ...(crisisLine ? { crisisLine } : {}),
    ...(poisonLine ? { poisonLine } : {}),
  });
  const nlu = createNluEngine({
    root: config.CONTENT_DIR,
    cacheDir: config.NLU_CACHE_DIR,
    redFlagPatterns: content.redFlagPatterns,
    crisisPatterns: content.crisisPatterns,
  });
  if (options.warmUp) warmUpEntityRecognizers();
  // Counts eTag conflicts for /metrics when metrics are on; otherwise the storage itself.
  const observability = createObservability(config, options.storage ?? createStorage({ kind: config.STORAGE, sqlitePath: config.SQLITE_PATH }), {
    nluWarm: options.warmUp === true,
  });
  const storage = observability.storage;
  const cluster = options.cluster ?? singleProcessCluster();
  // One instance sweeps (the leader); the others skip their ticks until it goes away.
  const sweepTarget = {
    deleteOlderThan: async (cutoffMs: number) => ((await cluster.sweepLeader.isLeader()) ? storage.deleteOlderThan(cutoffMs) : 0),
  };
  const stopSweep = options.retentionSweep === false ? () => {} : startRetentionSweep(sweepTarget, config.RETENTION_DAYS, RETENTION_SWEEP_INTERVAL_MS);

  const authConfig = authConfigOf(config);
  const adapter = new CloudAdapter(
    authConfig,
    undefined,
    undefined,
    { emitStackTrace: false },
    createOutboundPolicy(config.localMode, parseHostList(config.ALLOWED_SERVICE_URL_HOSTS)),
  );
  if (observability.middleware) adapter.use(observability.middleware);
  adapter.onTurnError = async (context: TurnContext, error: unknown) => {
    // Log the kind of failure only; the message may quote what the person typed.
    logger.error('turn_error', { error: errorName(error), channel: String(context.activity.channelId) });
    try {
      const words = content.locales.engineFor(context.activity.locale);
      await context.sendActivity(fill(words.messages.turn_error, { emergency_number: words.emergencyNumber }));
    } catch {
      // The channel may be unreachable; nothing more to do.
    }
  };

  // The day's figures: counted per turn, written once a second; the console's reads flush them first.
  const dailyStats = new DailyStatsBuffer(storage, logger);
  const support = createSupport({ config, storage: flushingBeforeStatsRead(storage, dailyStats), content: content.engine, nlu, logger, adapter, cluster });
  const webhook = trialLeadWebhookOf(config, logger);
  const bot = new BacklineBot({
    content: content.engine,
    contentFor: content.locales.engineFor,
    nlu: observability.understander(nlu),
    storage,
    logger,
    maxMessageChars: config.MAX_MESSAGE_CHARS,
    support: support.service,
    dailyStats,
    ...(webhook ? { onTrialLead: webhook } : {}),
  });
  // Across instances, one turn per conversation at a time (the bot orders turns within this process).
  const handle = (context: TurnContext) => {
    const conversationId = context.activity.conversation?.id;
    if (!conversationId) return bot.handle(context);
    // The turn's state and the team's presence are read in the lock's own round trip (PostgreSQL): two round trips less.
    return cluster.turnLock.run(
      `${String(context.activity.channelId)}/${conversationId}`,
      (prefetched) => bot.handle(context, prefetched),
      BacklineBot.readKeysOf(context.activity),
    );
  };
  const http = createHttpApp({
    adapter,
    bot: { handle },
    authConfig,
    logger,
    localMode: config.localMode,
    trustProxy: config.TRUST_PROXY,
    // webChat is made below; a request can only arrive after this function returns.
    ownedElsewhere: async (channelId, conversationId) =>
      channelId === CHANNEL_ID && webChat.directLine !== undefined && (await webChat.directLine.store.meta(conversationId)) !== undefined,
    health: async () => {
      await storage.read(['healthz']);
      return { ok: true, details: { storage: config.STORAGE } };
    },
  });
  // /readyz, and /metrics behind METRICS_TOKEN (unless it has a port of its own).
  http.use(observability.router);
  // Web chat: pages, widget, token endpoint, built-in Direct Line; WebSocket streams on createServer() servers.
  const webChat = createWebChat({ config, adapter, logic: handle, storage, logger, cluster });
  webChat.mount(http);
  // The agent console; a team member's messages reach built-in Direct Line chats through it.
  http.use('/agent', support.console);
  if (webChat.directLine) routeLocalDirectLine(support.sender, webChat.directLine);
  observability.readFrom({
    directLineConnections: () => webChat.directLine?.openStreams() ?? 0,
    supportQueue: () => support.service.queue(),
    recentWaits: () => recentWaitSeconds(storage),
  });
  return {
    config,
    content,
    nlu,
    storage,
    adapter,
    bot,
    http,
    createServer: () => {
      const server = createServer(http);
      webChat.attach(server);
      return server;
    },
    logger,
    webChat,
    support,
    observability,
    warmUpInBackground: () => warmUpEntityRecognizersInSteps().then(() => observability.readiness.markNluWarm()),
    stopStreams: () => {
      webChat.close();
      support.stop();
    },
    close: async () => {
      stopSweep();
      support.stop();
      webChat.close();
      await dailyStats.close().catch(() => {});
      await cluster.close();
      await storage.close();
      await observability.close();
    },
  };
}
