import { z } from 'zod';

const csv = z
  .string()
  .transform((s) => s.split(',').map((p) => p.trim()).filter((p) => p.length > 0));

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def);

/**
 * The whole environment contract, in one place. Each key is an app setting in Azure and a line of
 * local.settings.sample.json; the README's configuration table documents the same keys.
 * Unknown keys are ignored (the process environment holds far more than ours), but every key we read is here.
 */
export const configSchema = z.object({
  APP_ENV: z.enum(['local', 'dev', 'test', 'prod']).default('local'),
  APP_VERSION: z.string().default('0.1.0'),
  PORT: int(7071, 0, 65535),
  PUBLIC_BASE_URL: z.url().default('http://localhost:7071'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),

  COSMOS_ENDPOINT: z.url().optional(),
  COSMOS_KEY: z.string().min(1).optional(),
  COSMOS_DATABASE: z.string().regex(/^[A-Za-z0-9-_]{1,255}$/).default('pmi'),
  COSMOS_PREFERRED_REGIONS: csv.default(['North Europe', 'West Europe']),

  SERVICEBUS_NAMESPACE: z.string().regex(/^[a-z0-9-]+\.servicebus\.windows\.net$/i, 'must be <name>.servicebus.windows.net').optional(),

  KEYVAULT_KEY_ID: z.url().optional(),
  LOCAL_KEK: z
    .string()
    .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
  LOCAL_STATE_DIR: z.string().default('.local'),
  KEY_CACHE_SIZE: int(2000, 1),
  KEY_CACHE_TTL_SECONDS: int(300, 1),

  CORS_ORIGINS: csv.default(['http://localhost:3000', 'http://localhost:5173']),
  HTTP_MAX_BODY_BYTES: int(1024 * 1024, 1024),

  BUS_MAX_DELIVERY_COUNT: int(10, 1, 100),
  BUS_RETRY_DELAY_MS: int(100, 0, 60_000),
  BUS_DUPLICATE_WINDOW_SECONDS: int(600, 1),
  OUTBOX_RELAY_SCHEDULE: z.string().default('0 */1 * * * *'),
  OUTBOX_RELAY_MIN_AGE_SECONDS: int(30, 0),

  LOCAL_TIMERS: bool.default(true),

  PASSWORD_PEPPER: z
    .string()
    .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
  PASSWORD_BCRYPT_COST: int(12, 4, 31),
  PASSWORD_HASH_THREADS: int(0, 0, 256),
  TOKEN_SIGNING_KEY_ID: z.url().optional(),
  TOKEN_AUDIENCE: z.string().min(1).default('pmi-api'),
  ACCESS_TOKEN_TTL_SECONDS: int(600, 60, 900),
  TOKEN_KEY_ROTATION_DAYS: int(30, 1),
  SESSION_IDLE_HOURS: int(12, 1),
  SESSION_ABSOLUTE_DAYS: int(7, 1),
  SESSION_CHECK_CACHE_SECONDS: int(5, 0, 60),
  LOGIN_IP_LIMIT_PER_MINUTE: int(30, 1),
  INVITATION_TTL_HOURS: int(72, 1),
  ACS_EMAIL_ENDPOINT: z.url().optional(),
  ACS_EMAIL_SENDER: z.string().optional(),
  SEED_DEMO: bool.default(true),
  DEMO_PASSWORD: z.string().min(8).optional(),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** True where the Functions host runs us in Azure: the embedded servers must never stand in for real ones there. */
function runningInAzure(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.WEBSITE_SITE_NAME) && !env.WEBSITE_SITE_NAME?.startsWith('local');
}

/**
 * Reads and validates the environment. Throws a ConfigError naming every bad setting, so a
 * misconfigured deployment stops at start-up instead of failing on the first request.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  if (runningInAzure(env)) {
    const missing = (['COSMOS_ENDPOINT', 'SERVICEBUS_NAMESPACE', 'KEYVAULT_KEY_ID', 'PASSWORD_PEPPER', 'TOKEN_SIGNING_KEY_ID'] as const).filter((k) => !config[k]);
    if (missing.length > 0) throw new ConfigError(`Invalid configuration:\n${missing.map((k) => `  ${k}: required in Azure`).join('\n')}`);
  }
  return config;
}
