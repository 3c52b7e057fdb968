// One schema over the environment. Every setting the bot reads is here and in .env.example.
import { isIP } from 'node:net';
import { z } from 'zod';
import { AgentConfigError, parseAgents } from './handoff/agents.js';
import { parseSupportHours, SupportHoursError } from './handoff/hours.js';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => ['true', '1', 'yes'].includes(value));

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  EMERGENCY_NUMBER: z
    .string()
    .regex(/^[0-9+ ()-]{2,20}$/, 'EMERGENCY_NUMBER must be a phone number such as 911, 999 or 112')
    .default('911'),
  MICROSOFT_APP_ID: z.string().optional(),
  MICROSOFT_APP_PASSWORD: z.string().optional(),
  MICROSOFT_APP_TENANT_ID: z.string().optional(),
  // Microsoft Teams app package (`backline teams-package`, appPackage/).
  /** The Teams app's id in the manifest, a GUID; default: MICROSOFT_APP_ID. */
  TEAMS_APP_ID: z.string().regex(/^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/, 'TEAMS_APP_ID must be a GUID').optional(),
  /** The bot's public messaging endpoint as registered in Azure (https://HOST/api/messages); its host goes into the manifest. */
  BOT_MESSAGING_ENDPOINT: z.string().url().refine((value) => value.startsWith('https://'), 'BOT_MESSAGING_ENDPOINT must be an https URL').optional(),
  /** Hosts a reply may be sent to (serviceUrl). In local mode only loopback is allowed by default. */
  ALLOWED_SERVICE_URL_HOSTS: z.string().default(''),
  STORAGE: z.enum(['sqlite', 'memory']).default('sqlite'),
  SQLITE_PATH: z.string().default('./data/backline.db'),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  CONTENT_DIR: z.string().default('.'),
  NLU_CACHE_DIR: z.string().default('./data/nlu-cache'),
  /** Characters of user text the bot reads; longer messages are cut (and the user told). */
  MAX_MESSAGE_CHARS: z.coerce.number().int().min(100).max(100_000).default(2000),
  SHOW_STARTUP_BANNER: booleanFromEnv.default(true),
  // Human support (src/handoff). The agent console is at /agent.
  /** console: the built-in agent console; event: send handoff.initiate to a contact centre (Omnichannel, LivePerson, Genesys). */
  HANDOFF_MODE: z.enum(['console', 'event']).default('console'),
  /** Agents who may sign in: "id:Name:bcrypt-hash;..." or a JSON array (see src/handoff/agents.ts). */
  SUPPORT_AGENTS: z.string().refine(agentsAreValid, { error: (issue) => agentsProblem(String(issue.input)) }).default(''),
  /** One shared sign-in token for small installs (sign in as "admin"); at least 24 characters. */
  SUPPORT_ADMIN_TOKEN: z.string().min(24, 'SUPPORT_ADMIN_TOKEN must be at least 24 characters').optional(),
  /** The name people see when the admin joins their chat; default: the team's name from the messages file. */
  SUPPORT_ADMIN_NAME: z.string().trim().min(1).max(80).optional(),
  /** When people can chat with the team, with a time zone: "Mon-Fri 09:00-17:00; Sat 10:00-13:00; Europe/London", "always" or "never". */
  SUPPORT_HOURS: z.string().refine(hoursAreValid, { error: (issue) => hoursProblem(String(issue.input)) }).default('always'),
  /** Minutes an agent stays signed in. */
  SUPPORT_SESSION_TTL_MINUTES: z.coerce.number().int().min(5).max(7 * 24 * 60).default(480),
  /** Seconds between "still waiting" updates to someone in the queue. */
  SUPPORT_WAIT_UPDATE_SECONDS: z.coerce.number().int().min(10).max(3600).default(180),
  /** Failed sign-ins allowed per client address per 15 minutes (all accounts together); high, as a clinic may share one address. */
  SUPPORT_LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(100),
  /** Failed sign-ins allowed per account before it is locked for SUPPORT_LOGIN_LOCKOUT_MINUTES (other accounts are not affected). */
  SUPPORT_LOGIN_ACCOUNT_LIMIT: z.coerce.number().int().min(1).max(1000).default(5),
  /** Minutes an account stays locked after too many failed sign-ins (counted from its first failure). */
  SUPPORT_LOGIN_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(5),
  /** Express `trust proxy`: false (default), the number of proxies in front (1), or their addresses/subnets. Never "true". */
  TRUST_PROXY: z
    .string()
    .transform((value, ctx) => {
      const parsed = parseTrustProxy(value);
      if (typeof parsed === 'string') {
        ctx.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }
      return parsed;
    })
    .default(false),
  /** How often (ms) each server checks the shared store for changes made by other instances, for live agent updates. */
  SUPPORT_SYNC_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  // Clinical-trial leads (src/trials). Consenting leads are also exported at /agent/api/export/leads.csv.
  /** Optional: each consenting lead is POSTed here as signed JSON (see src/trials/webhook.ts). https (http only for localhost). */
  TRIAL_LEAD_WEBHOOK_URL: z.string().url().refine(isHttpsOrLoopback, 'TRIAL_LEAD_WEBHOOK_URL must be https (http only for localhost)').optional(),
  /** HMAC-SHA256 key for the webhook's X-Backline-Signature header; required with TRIAL_LEAD_WEBHOOK_URL, at least 32 characters. */
  TRIAL_LEAD_WEBHOOK_SECRET: z.string().min(32, 'TRIAL_LEAD_WEBHOOK_SECRET must be at least 32 characters').optional(),
  // Web chat widget (src/webchat, src/directline). The look lives in web/widget.yaml.
  /** Azure Direct Line secret: set in production; unset runs the built-in Direct Line at /v3/directline. */
  DIRECT_LINE_SECRET: z.string().min(16, 'DIRECT_LINE_SECRET looks too short to be a Direct Line secret').optional(),
  /** Azure Direct Line base URL (a regional one such as https://europe.directline.botframework.com/v3/directline). */
  DIRECT_LINE_ENDPOINT: z
    .string()
    .url()
    .refine(isHttpsOrLoopback, 'DIRECT_LINE_ENDPOINT must be an https URL (http only for localhost)')
    .default('https://directline.botframework.com/v3/directline'),
  /** HMAC key for the built-in Direct Line's tokens; unset: a random key at start (tokens die with the process). */
  DIRECT_LINE_TOKEN_SECRET: z.string().min(32, 'DIRECT_LINE_TOKEN_SECRET must be at least 32 characters').optional(),
  /** Token requests allowed per client IP per minute. */
  DIRECT_LINE_TOKEN_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(30),
  /** Comma-separated origins (https://clinic.example) that may embed the widget and call the chat API. */
  WIDGET_ALLOWED_ORIGINS: z.string().refine(isOriginList, 'WIDGET_ALLOWED_ORIGINS must be comma-separated origins such as https://clinic.example').default(''),
  /** Minutes a browser keeps an idle conversation before starting fresh; overrides web/widget.yaml. */
  WIDGET_CONVERSATION_TTL_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).optional(),
  /** The public base URL of this server when behind a proxy (for the Direct Line stream URL); default: from each request. */
  WIDGET_PUBLIC_URL: z.string().url().refine(isHttpsOrLoopback, 'WIDGET_PUBLIC_URL must be https (http only for localhost)').optional(),
});

/** express's named ranges for `trust proxy`. */
const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: "false", a hop count ("1": one load balancer in front), or comma-separated proxy
 * addresses, subnets (10.0.0.0/8) and express's named ranges. "true" is refused: it would believe
 * any X-Forwarded-For a client makes up, and so defeat the per-address sign-in and token limits.
 * Returns the value for express, or a problem.
 */
export function parseTrustProxy(value: string): false | number | string[] | string {
  const trimmed = value.trim().toLowerCase();
  if (trimmed === 'false' || trimmed === '0' || trimmed === '') return false;
  if (trimmed === 'true') return 'TRUST_PROXY=true would trust any X-Forwarded-For header; give the number of proxies in front (e.g. 1) or their addresses';
  if (/^\d+$/.test(trimmed)) {
    const hops = Number(trimmed);
    return hops <= 10 ? hops : 'TRUST_PROXY: at most 10 proxies';
  }
  const entries = trimmed.split(',').map((entry) => entry.trim()).filter(Boolean);
  const bad = entries.find((entry) => !PROXY_RANGES.has(entry) && !isAddressOrSubnet(entry));
  if (bad !== undefined || entries.length === 0) return `TRUST_PROXY must be false, a number of proxies, or addresses/subnets such as 10.0.0.1,10.1.0.0/16 or loopback (not "${bad ?? value}")`;
  return entries;
}

function isAddressOrSubnet(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address ?? '');
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

function isHttpsOrLoopback(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname));
  } catch {
    return false;
  }
}

function isOriginList(value: string): boolean {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .every((entry) => {
      try {
        return /^https?:$/.test(new URL(entry).protocol) && new URL(entry).origin === entry.replace(/\/$/, '');
      } catch {
        return false;
      }
    });
}

function agentsAreValid(value: string): boolean {
  return agentsProblem(value) === undefined;
}

function agentsProblem(value: string): string | undefined {
  try {
    parseAgents(value);
    return undefined;
  } catch (error) {
    // The message names the entry and the problem, never the hash.
    return error instanceof AgentConfigError ? error.message : 'SUPPORT_AGENTS could not be read';
  }
}

function hoursAreValid(value: string): boolean {
  return hoursProblem(value) === undefined;
}

function hoursProblem(value: string): string | undefined {
  try {
    parseSupportHours(value);
    return undefined;
  } catch (error) {
    return `SUPPORT_HOURS: ${error instanceof SupportHoursError ? error.message : 'could not be read'}`;
  }
}

export type Config = z.infer<typeof configSchema> & { localMode: boolean };

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings in .env files mean "not set".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const config = parsed.data;
  if (config.TRIAL_LEAD_WEBHOOK_URL && !config.TRIAL_LEAD_WEBHOOK_SECRET) {
    throw new ConfigError('TRIAL_LEAD_WEBHOOK_URL needs TRIAL_LEAD_WEBHOOK_SECRET (the key the receiver checks the signature with).');
  }
  const hasCredentials = Boolean(config.MICROSOFT_APP_ID && config.MICROSOFT_APP_PASSWORD);
  if (config.NODE_ENV === 'production' && !hasCredentials) {
    throw new ConfigError(
      'NODE_ENV=production needs MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (the Azure Bot registration). ' +
        'Unset NODE_ENV to run in local mode without them.',
    );
  }
  return { ...config, localMode: !hasCredentials };
}
