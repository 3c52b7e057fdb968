// One schema over the environment. Every setting the bot reads is here and in .env.example.
import { z } from 'zod';

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
});

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
  const hasCredentials = Boolean(config.MICROSOFT_APP_ID && config.MICROSOFT_APP_PASSWORD);
  if (config.NODE_ENV === 'production' && !hasCredentials) {
    throw new ConfigError(
      'NODE_ENV=production needs MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (the Azure Bot registration). ' +
        'Unset NODE_ENV to run in local mode without them.',
    );
  }
  return { ...config, localMode: !hasCredentials };
}
