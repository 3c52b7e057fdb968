// Human support, wired: the service the bot and console share, sign-in, the console routes and
// the proactive sender. See README "Human support" and src/handoff/keys.ts for the storage layout.
import type { ConversationReference } from '@microsoft/agents-activity';
import type { CloudAdapter } from '@microsoft/agents-hosting';
import type { Router } from 'express';
import type { Understander } from '../nlu/types.js';
import type { Config } from '../config.js';
import type { EngineContent } from '../engine/runtime.js';
import type { Logger } from '../logger.js';
import type { BacklineStorage } from '../storage/index.js';
import { parseAgents } from '../config/agents.js';
import { AgentAuth } from './auth.js';
import { cannedRepliesPath, inspectCannedReplies } from './cannedReplies.js';
import { createAgentConsole, EventStreams } from './console.js';
import { parseSupportHours } from '../config/supportHours.js';
import type { Cluster } from '../cluster/index.js';
import { ChangeNotifier } from './notifier.js';
import { AdapterProactiveSender, ProactiveDeliveryError, RoutingProactiveSender, type ProactiveSender } from './proactive.js';
import { SupportService } from './service.js';

export interface Support {
  service: SupportService;
  auth: AgentAuth;
  /** Mount at /agent. */
  console: Router;
  /** Add routes for channels that are not reached through a serviceUrl (the built-in Direct Line). */
  sender: RoutingProactiveSender;
  /** Stops the timers and ends the console's open event streams. */
  stop(): void;
}

export interface SupportDependencies {
  config: Config;
  storage: BacklineStorage;
  content: EngineContent;
  nlu: Understander;
  logger: Logger;
  adapter: CloudAdapter;
  now?: () => number;
  /** Shared across instances (PostgreSQL): the change bus and rate-limit counters. */
  cluster?: Pick<Cluster, 'bus' | 'rateLimitStore'>;
}

export function createSupport(deps: SupportDependencies): Support {
  const { config, storage, content, logger } = deps;
  const sender = new RoutingProactiveSender(new AdapterProactiveSender(deps.adapter, config.localMode ? undefined : config.MICROSOFT_APP_ID));
  const notifier = new ChangeNotifier(storage, config.SUPPORT_SYNC_INTERVAL_MS, logger, deps.cluster?.bus);
  // Without SUPPORT_ADMIN_NAME the admin is "the support team" to people, "Support team" in the console.
  const adminName = config.SUPPORT_ADMIN_NAME;
  const service = new SupportService({
    storage,
    content,
    nlu: deps.nlu,
    logger,
    sender,
    notifier,
    settings: {
      mode: config.HANDOFF_MODE,
      hours: parseSupportHours(config.SUPPORT_HOURS),
      waitUpdateMs: config.SUPPORT_WAIT_UPDATE_SECONDS * 1000,
      ...(adminName ? { adminName } : {}),
    },
    ...(deps.now ? { now: deps.now } : {}),
  });
  const auth = new AgentAuth({
    storage,
    agents: parseAgents(config.SUPPORT_AGENTS),
    ...(config.SUPPORT_ADMIN_TOKEN ? { adminToken: config.SUPPORT_ADMIN_TOKEN } : {}),
    adminName: adminName ?? content.messages.support.team_label,
    ttlMs: config.SUPPORT_SESSION_TTL_MINUTES * 60 * 1000,
    ...(deps.now ? { now: deps.now } : {}),
  });
  const cannedReplies = inspectCannedReplies(cannedRepliesPath(config.CONTENT_DIR)).replies;
  const streams = new EventStreams();
  const publicOrigin = config.WIDGET_PUBLIC_URL ? new URL(config.WIDGET_PUBLIC_URL).origin : undefined;
  const consoleRouter = createAgentConsole({
    support: service,
    auth,
    storage,
    logger,
    cannedReplies,
    localMode: config.localMode,
    loginLimits: {
      perAddress: config.SUPPORT_LOGIN_RATE_LIMIT,
      perAccount: config.SUPPORT_LOGIN_ACCOUNT_LIMIT,
      lockoutMinutes: config.SUPPORT_LOGIN_LOCKOUT_MINUTES,
    },
    loginRateLimitStore: deps.cluster?.rateLimitStore('login:'),
    accountLockoutStore: deps.cluster?.rateLimitStore('login-account:'),
    streams,
    ...(publicOrigin ? { publicOrigin } : {}),
  });
  if (config.HANDOFF_MODE === 'console' && !auth.enabled) {
    logger.warn('support_no_agents', {
      note: 'SUPPORT_AGENTS and SUPPORT_ADMIN_TOKEN are unset: nobody can sign in to /agent, so people are offered call-backs only',
    });
  }
  service.start();
  return {
    service,
    auth,
    console: consoleRouter,
    sender,
    stop: () => {
      streams.closeAll();
      service.stop();
    },
  };
}

/** The built-in Direct Line's way in: append to the conversation's stored activities. */
export interface LocalConversationDelivery {
  deliverToConversation(conversationId: string, activity: Record<string, unknown>): Promise<{ id: string }>;
}

/**
 * Routes proactive messages for the built-in Direct Line (channel "webchat", no serviceUrl: its
 * turns run in-process) to its deliverToConversation.
 */
export function routeLocalDirectLine(sender: RoutingProactiveSender, directLine: LocalConversationDelivery, channelId = 'webchat'): void {
  const local: ProactiveSender = {
    async send(reference: Partial<ConversationReference>, activities) {
      const conversationId = reference.conversation?.id;
      if (!conversationId) throw new ProactiveDeliveryError('the conversation reference has no conversation id');
      for (const activity of activities) await directLine.deliverToConversation(conversationId, activity as Record<string, unknown>);
    },
  };
  sender.route((reference) => reference.channelId === channelId && !reference.serviceUrl, local);
}

export { SupportService, SupportActionError } from './service.js';
export type { ProactiveSender } from './proactive.js';
