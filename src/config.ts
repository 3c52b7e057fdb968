// One schema over the environment. Every setting the bot reads is here and in .env.example.
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import { AgentConfigError, parseAgents } from './config/agents.js';
import { parseSupportHours, SupportHoursError } from './config/supportHours.js';
import {
  deploymentLocale,
  LocaleMismatchError,
  loadHelpLines,
  NO_HELP_LINES,
  numbersForEmergencyNumber,
  resolveHelpNumbers,
  type HelpNumberOverrides,
} from './locale/numbers.js';
import { DEFAULT_LOCALE, LOCALE_TAG, LOCALES_DIR, loadPacks } from './locale/packs.js';

const booleanFromEnv = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((value) => ['true', '1', 'yes'].includes(value));

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  /** Bind address. Default: 127.0.0.1 in local mode (no credentials), 0.0.0.0 in Azure mode; all interfaces locally only when set. */
  HOST: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /**
   * The language pack of conversations whose channel sends no locale we have (knowledge/locales/<LOCALE>.yaml).
   * Default: the pack that goes with EMERGENCY_NUMBER (knowledge/locales/help-lines.yaml), else en-US.
   */
  LOCALE: z.string().regex(LOCALE_TAG, 'LOCALE must be a locale such as en-US or en-GB').optional(),
  /** Set: the number in every pack (where the service runs). Default: the pack's (911 in en-US, 999 in en-GB). */
  EMERGENCY_NUMBER: z
    .string()
    .regex(/^[0-9+ ()-]{2,20}$/, 'EMERGENCY_NUMBER must be a phone number such as 911, 999 or 112')
    .optional(),
  /** Suicide and crisis line the bot gives to anyone in crisis (988 in the US; 116 123 Samaritans in the UK). Default: by EMERGENCY_NUMBER when set, else the pack's. */
  CRISIS_LINE: z
    .string()
    .regex(/^[0-9+ ()-]{2,20}$/, 'CRISIS_LINE must be a phone number such as 988 or 116 123')
    .optional(),
  /** Poison information line for overdoses and poisoning (1-800-222-1222 in the US; NHS 111 in the UK). Default: by EMERGENCY_NUMBER. */
  POISON_LINE: z
    .string()
    .regex(/^[0-9+ ()-]{2,20}$/, 'POISON_LINE must be a phone number such as 1-800-222-1222 or 111')
    .optional(),
  MICROSOFT_APP_ID: z.string().optional(),
  MICROSOFT_APP_PASSWORD: z.string().optional(),
  MICROSOFT_APP_TENANT_ID: z.string().optional(),
  // Microsoft Teams app package (`backline teams-package`, appPackage/).
  /** The Teams app's id in the manifest, a GUID; default: MICROSOFT_APP_ID. */
  TEAMS_APP_ID: z
    .string()
    .regex(/^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/, 'TEAMS_APP_ID must be a GUID')
    .optional(),
  /** The bot's public messaging endpoint as registered in Azure (https://HOST/api/messages); its host goes into the manifest. */
  BOT_MESSAGING_ENDPOINT: z
    .string()
    .url()
    .refine((value) => value.startsWith('https://'), 'BOT_MESSAGING_ENDPOINT must be an https URL')
    .optional(),
  /** Hosts a reply may be sent to (serviceUrl). In local mode only loopback is allowed by default. */
  ALLOWED_SERVICE_URL_HOSTS: z.string().default(''),
  STORAGE: z.enum(['sqlite', 'postgres', 'memory']).default('sqlite'),
  SQLITE_PATH: z.string().default('./data/backline.db'),
  /** STORAGE=postgres: postgres://user:password@host:5432/database (several instances share it). */
  DATABASE_URL: z
    .string()
    .refine((value) => /^postgres(ql)?:\/\//.test(value), 'DATABASE_URL must be a postgres:// URL')
    .optional(),
  /** STORAGE=postgres: connections each instance keeps open at most. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(2).max(200).default(10),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  CONTENT_DIR: z.string().default('.'),
  NLU_CACHE_DIR: z.string().default('./data/nlu-cache'),
  /** Characters of user text the bot reads; longer messages are cut (and the user told). */
  MAX_MESSAGE_CHARS: z.coerce.number().int().min(100).max(100_000).default(2000),
  SHOW_STARTUP_BANNER: booleanFromEnv.default(true),
  // Human support (src/handoff). The agent console is at /agent.
  /** console: the built-in agent console; event: send handoff.initiate to a contact centre (Omnichannel, LivePerson, Genesys). */
  HANDOFF_MODE: z.enum(['console', 'event']).default('console'),
  /** Agents who may sign in: "id:Name:bcrypt-hash;..." or a JSON array (see src/config/agents.ts). */
  SUPPORT_AGENTS: z
    .string()
    .refine(agentsAreValid, { error: (issue) => agentsProblem(String(issue.input)) })
    .default(''),
  /** One shared sign-in token for small installs (sign in as "admin"); at least 24 characters. */
  SUPPORT_ADMIN_TOKEN: z.string().min(24, 'SUPPORT_ADMIN_TOKEN must be at least 24 characters').optional(),
  /** The name people see when the admin joins their chat; default: the team's name from the messages file. */
  SUPPORT_ADMIN_NAME: z.string().trim().min(1).max(80).optional(),
  /** When people can chat with the team, with a time zone: "Mon-Fri 09:00-17:00; Sat 10:00-13:00; Europe/London", "always" or "never". */
  SUPPORT_HOURS: z
    .string()
    .refine(hoursAreValid, { error: (issue) => hoursProblem(String(issue.input)) })
    .default('always'),
  /** Minutes an agent stays signed in. */
  SUPPORT_SESSION_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(480),
  /** Seconds between "still waiting" updates to someone in the queue. */
  SUPPORT_WAIT_UPDATE_SECONDS: z.coerce.number().int().min(10).max(3600).default(180),
  /** Failed sign-ins allowed per client address per 15 minutes (all accounts together); high, as a clinic may share one address. */
  SUPPORT_LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(100),
  /** Failed sign-ins allowed per account before it is locked for SUPPORT_LOGIN_LOCKOUT_MINUTES (other accounts are not affected). */
  SUPPORT_LOGIN_ACCOUNT_LIMIT: z.coerce.number().int().min(1).max(1000).default(5),
  /** Minutes an account stays locked after too many failed sign-ins (counted from its first failure). */
  SUPPORT_LOGIN_LOCKOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(5),
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
  /** Optional: each consenting lead is POSTed here as signed JSON (see src/handoff/trialWebhook.ts). https (http only for localhost). */
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
  WIDGET_CONVERSATION_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .optional(),
  /** The public base URL of this server when behind a proxy (for the Direct Line stream URL); default: from each request. */
  WIDGET_PUBLIC_URL: z.string().url().refine(isHttpsOrLoopback, 'WIDGET_PUBLIC_URL must be https (http only for localhost)').optional(),
  // Operating (src/observability; README "Operating Backline"). /healthz and /readyz are always on.
  /** Bearer token for GET /metrics on the main port (at least 16 characters). Unset and no METRICS_PORT: no metrics at all. */
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  /** Serve /metrics on this port of its own instead (with METRICS_TOKEN too, if set); 0 picks a free port. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Bind address of the metrics port: loopback unless you open it on purpose (0.0.0.0 in a container). */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** OTLP/HTTP collector base URL (traces go to <url>/v1/traces). Set: traces on; unset (and no Application Insights): the tracing SDK is not even loaded. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .url()
    .refine((value) => /^https?:\/\//.test(value), 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://otel-collector:4318')
    .optional(),
  /** The service name on traces. */
  OTEL_SERVICE_NAME: z.string().min(1).default('backline'),
  /** Azure Monitor (Application Insights) connection string: traces go there too. */
  APPLICATIONINSIGHTS_CONNECTION_STRING: z
    .string()
    .regex(
      /InstrumentationKey=|IngestionEndpoint=/i,
      'APPLICATIONINSIGHTS_CONNECTION_STRING looks wrong: copy it from the Application Insights resource (InstrumentationKey=...;IngestionEndpoint=...)',
    )
    .optional(),
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
  const entries = trimmed
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const bad = entries.find((entry) => !PROXY_RANGES.has(entry) && !isAddressOrSubnet(entry));
  if (bad !== undefined || entries.length === 0)
    return `TRUST_PROXY must be false, a number of proxies, or addresses/subnets such as 10.0.0.1,10.1.0.0/16 or loopback (not "${bad ?? value}")`;
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

export type Config = Omit<z.infer<typeof configSchema>, 'HOST' | 'LOCALE' | 'EMERGENCY_NUMBER' | 'CRISIS_LINE' | 'POISON_LINE'> & {
  HOST: string;
  /** LOCALE, or the pack that goes with EMERGENCY_NUMBER (src/locale/numbers.ts, deploymentLocale). */
  LOCALE: string;
  /** What start-up logs about the words and the number (e.g. no pack of the number's first choice). */
  localeWarnings: string[];
  /** The numbers of the LOCALE pack, with what the environment set (src/locale/numbers.ts). */
  EMERGENCY_NUMBER: string;
  CRISIS_LINE: string;
  POISON_LINE: string;
  /** Only what the environment set: these win in every language pack. */
  helpNumberOverrides: HelpNumberOverrides;
  localMode: boolean;
};

export class ConfigError extends Error {}

function loadHelpLinesOrRefuse(root: string) {
  try {
    return loadHelpLines(root);
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  EMERGENCY_NUMBER: ${error instanceof Error ? error.message : String(error)}`);
  }
}

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
  if (config.STORAGE === 'postgres') {
    if (!config.DATABASE_URL) {
      throw new ConfigError('Invalid configuration:\n  DATABASE_URL: STORAGE=postgres needs DATABASE_URL (postgres://user:password@host:5432/database)');
    }
    // Several instances share the store: a widget token signed by one must verify on the others.
    if (!config.DIRECT_LINE_TOKEN_SECRET && !config.DIRECT_LINE_SECRET) {
      throw new ConfigError(
        'Invalid configuration:\n  DIRECT_LINE_TOKEN_SECRET: required with STORAGE=postgres (shared storage, several instances): ' +
          'every instance must sign widget tokens with the same key (at least 32 characters, e.g. `openssl rand -base64 48`)',
      );
    }
  }
  const helpNumberOverrides: HelpNumberOverrides = { emergencyNumber: config.EMERGENCY_NUMBER, crisisLine: config.CRISIS_LINE, poisonLine: config.POISON_LINE };
  const hasPacks = existsSync(join(config.CONTENT_DIR, LOCALES_DIR));
  // The lines that go with a set EMERGENCY_NUMBER are content (knowledge/locales/help-lines.yaml).
  // No content here at all (e.g. `backline teams-package` run elsewhere): the numbers are only
  // shown, never said, so the emergency number (911 when unset) stands for every line.
  const lines = hasPacks ? loadHelpLinesOrRefuse(config.CONTENT_DIR) : NO_HELP_LINES;
  const packs = hasPacks ? loadPacks(config.CONTENT_DIR, [])?.packs : undefined;
  let chosen: { locale: string; warnings: string[] } = { locale: config.LOCALE ?? DEFAULT_LOCALE, warnings: [] };
  if (packs) {
    try {
      chosen = deploymentLocale({
        locale: config.LOCALE,
        emergencyNumber: config.EMERGENCY_NUMBER,
        lines,
        packs: new Set(packs.keys()),
        defaultLocale: DEFAULT_LOCALE,
      });
    } catch (error) {
      if (error instanceof LocaleMismatchError) throw new ConfigError(`Invalid configuration:\n  LOCALE: ${error.message}`);
      throw error;
    }
  }
  const packDefaults = packs?.get(chosen.locale)?.numbers;
  if (!packDefaults && hasPacks)
    throw new ConfigError(`Invalid configuration:\n  LOCALE: no language pack ${chosen.locale} in ${join(config.CONTENT_DIR, LOCALES_DIR)}`);
  const numbers = resolveHelpNumbers(packDefaults ?? numbersForEmergencyNumber(lines, config.EMERGENCY_NUMBER ?? '911'), helpNumberOverrides, lines);
  return {
    ...config,
    HOST: config.HOST ?? (hasCredentials ? '0.0.0.0' : '127.0.0.1'),
    LOCALE: chosen.locale,
    localeWarnings: chosen.warnings,
    EMERGENCY_NUMBER: numbers.emergency_number,
    CRISIS_LINE: numbers.crisis_line,
    POISON_LINE: numbers.poison_line,
    helpNumberOverrides,
    localMode: !hasCredentials,
  };
}
