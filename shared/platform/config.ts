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
  /** Interface the local host listens on; 0.0.0.0 exposes it to the network (containers, VMs). */
  HOST: z.union([z.ipv4(), z.literal('localhost')]).default('127.0.0.1'),
  /** Unset: where this process listens, http://localhost:<PORT> (the local host fills in the real port after listening). */
  PUBLIC_BASE_URL: z.url().default('http://localhost:7071'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),

  COSMOS_ENDPOINT: z.url().optional(),
  COSMOS_KEY: z.string().min(1).optional(),
  COSMOS_DATABASE: z.string().regex(/^[A-Za-z0-9-_]{1,255}$/).default('pmi'),
  COSMOS_PREFERRED_REGIONS: csv.default(['North Europe', 'West Europe']),

  SERVICEBUS_NAMESPACE: z.string().regex(/^[a-z0-9-]+\.servicebus\.windows\.net$/i, 'must be <name>.servicebus.windows.net').optional(),

  /** Blob endpoint of the storage account for file drops (`https://<account>.blob.core.windows.net`); unset: Azurite starts in-process. */
  STORAGE_ACCOUNT_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Largest file an HTTPS upload may carry. */
  FILES_MAX_BYTES: int(50 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  /** The file-drop sweep: locally (Azurite has no Event Grid) it queues every dropped blob; in Azure it catches what Event Grid missed (infra sets it hourly). */
  FILES_POLL_SCHEDULE: z.string().default('*/10 * * * * *'),

  KEYVAULT_KEY_ID: z.url().optional(),
  LOCAL_KEK: z
    .string()
    .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
  LOCAL_STATE_DIR: z.string().default('.local'),
  /** Keep the embedded store in LOCAL_STATE_DIR across restarts (snapshots); test hosts turn it off to start empty and fast. */
  LOCAL_PERSIST: bool.default(true),
  /** Seconds between snapshots of a changed embedded store: what a crash can lose at most. */
  LOCAL_PERSIST_INTERVAL_SECONDS: int(5, 1, 3600),
  KEY_CACHE_SIZE: int(2000, 1),
  KEY_CACHE_TTL_SECONDS: int(300, 1),
  KEY_CONFIRM_SECONDS: int(30, 1),

  CORS_ORIGINS: csv.default(['http://localhost:3000', 'http://localhost:5173']),
  HTTP_MAX_BODY_BYTES: int(1024 * 1024, 1024),
  /** Local host: time for a client to send the request headers, then the whole request (408 after). */
  HTTP_HEADERS_TIMEOUT_MS: int(10_000, 100, 300_000),
  HTTP_REQUEST_TIMEOUT_MS: int(30_000, 100, 3_600_000),

  BUS_MAX_DELIVERY_COUNT: int(10, 1, 100),
  BUS_RETRY_DELAY_MS: int(100, 0, 60_000),
  BUS_DUPLICATE_WINDOW_SECONDS: int(600, 1),
  OUTBOX_RELAY_SCHEDULE: z.string().default('0 */1 * * * *'),
  OUTBOX_RELAY_MIN_AGE_SECONDS: int(30, 0),

  LOCAL_TIMERS: bool.default(true),

  /** Key Vault key URI of the ES256 audit checkpoint signing key; unset = a local key in LOCAL_STATE_DIR. */
  AUDIT_SIGNING_KEY_ID: z.url().optional(),
  AUDIT_CHECKPOINT_SCHEDULE: z.string().default('0 0 * * * *'),
  /**
   * A tenant's chain is signed at most this long after an append (a scheduled, de-duplicated message
   * on its audit session); 0 leaves it to the schedule alone. At most the bus's duplicate-detection
   * window (10 minutes), which is what keeps it to one checkpoint per tenant per delay.
   */
  AUDIT_CHECKPOINT_DELAY_SECONDS: int(60, 0, 600),
  AUDIT_VERIFY_SCHEDULE: z.string().default('0 30 2 * * *'),

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
  LOGIN_IP_FAILURES_PER_MINUTE: int(30, 1),
  INVITATION_TTL_HOURS: int(72, 1),
  ACS_EMAIL_ENDPOINT: z.url().optional(),
  ACS_EMAIL_SENDER: z.string().optional(),
  /** Azure Communication Services endpoint and sender number (E.164) for SMS codes; unset = local SMS outbox. */
  ACS_SMS_ENDPOINT: z.url().optional(),
  ACS_SMS_FROM: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number').optional(),
  /** Whether new tenants' default policy requires MFA for owners, admins and agents (tenants can change it). */
  MFA_REQUIRE_BY_DEFAULT: bool.default(true),
  MFA_ISSUER: z.string().min(1).max(64).default('PMI Platform'),
  MFA_TOKEN_TTL_SECONDS: int(300, 60, 600),
  MFA_MAX_ATTEMPTS: int(5, 1, 20),
  SMS_CODE_TTL_SECONDS: int(600, 60, 600),
  SMS_MAX_SENDS: int(3, 1, 20),
  SMS_SEND_WINDOW_MINUTES: int(15, 1, 1440),
  REAUTH_MAX_AGE_SECONDS: int(300, 30, 3600),
  PASSWORD_RESET_TTL_MINUTES: int(60, 5, 60),
  PASSWORD_RESET_ACCOUNT_LIMIT_PER_HOUR: int(3, 1, 100),
  PASSWORD_RESET_IP_LIMIT_PER_15_MINUTES: int(10, 1, 10_000),
  SUPPORT_GRANT_MAX_HOURS: int(72, 1, 720),
  /** Origins a web client may ask to return to after SSO (exact match); empty = CORS_ORIGINS. */
  WEB_CLIENT_ORIGINS: csv.default([]),
  /** The web client's base URL: invitation and password-reset e-mails link to its pages, never to the API. */
  WEB_APP_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:5173'),
  /** Where SSO failures send the browser (with ?error=<code>); unset = <first web origin>/login/error. */
  SSO_ERROR_URL: z.url().optional(),
  SSO_CLIENT_CERTIFICATE_ID: z.url().optional(),
  /** Microsoft Entra authority host (sovereign clouds use another one). */
  SSO_AUTHORITY_HOST: z.url().default('https://login.microsoftonline.com'),
  SSO_HTTP_TIMEOUT_MS: int(5000, 100, 60_000),
  SSO_STATE_TTL_SECONDS: int(600, 60, 3600),
  /** How recent the caller's authentication must be to change SSO settings without re-entering the password. */
  SSO_REAUTH_MAX_AGE_SECONDS: int(900, 0, 86_400),
  SEED_DEMO: bool.default(true),
  SEED_DEMO_DATA: bool.default(true),
  DEMO_PASSWORD: z.string().min(8).optional(),

  /** Reporting: the daily close timer (six-field NCRONTAB, UTC) and the default local close hour of a property. */
  DAILY_CLOSE_SCHEDULE: z.string().default('0 5 * * * *'),
  DAILY_CLOSE_HOUR: int(6, 0, 23),
  /** Longest date range one report may cover, in days. */
  REPORT_MAX_DAYS: int(1100, 1, 3660),

  WEBHOOK_MAX_BODY_BYTES: int(5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  WEBHOOK_SECRET_OVERLAP_HOURS: int(24, 0, 24 * 30),
  IMPORT_LATE_HOUR_LOCAL: int(9, 0, 23),
  IMPORT_RAW_RETENTION_DAYS: int(30, 1),
  IMPORT_WRITE_CONCURRENCY: int(16, 1, 256),
  IMPORT_DEAD_LETTER_SCHEDULE: z.string().default('0 */5 * * * *'),
  IMPORT_RETENTION_SCHEDULE: z.string().default('0 30 2 * * *'),
  /** Privacy: the timer that purges expired sessions, refresh/reset/invitation tokens, MFA challenges and SSO codes. */
  PRIVACY_RETENTION_SCHEDULE: z.string().default('0 45 2 * * *'),
  KEYS_REWRAP_SCHEDULE: z.string().default('0 15 3 * * *'),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * The environment with PUBLIC_BASE_URL defaulting to the URL a server really listens on: with
 * PORT=0 (a free port) only the listening server knows it. An explicit PUBLIC_BASE_URL wins.
 */
export function withPublicBaseUrl(env: NodeJS.ProcessEnv, listeningUrl: string): NodeJS.ProcessEnv {
  return env.PUBLIC_BASE_URL ? env : { ...env, PUBLIC_BASE_URL: listeningUrl };
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
  if (input.PUBLIC_BASE_URL === undefined && input.PORT !== undefined && /^[1-9]\d{0,4}$/.test(input.PORT)) input.PUBLIC_BASE_URL = `http://localhost:${input.PORT}`;
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  if (runningInAzure(env)) {
    const missing = (['COSMOS_ENDPOINT', 'SERVICEBUS_NAMESPACE', 'STORAGE_ACCOUNT_URL', 'KEYVAULT_KEY_ID', 'PASSWORD_PEPPER', 'TOKEN_SIGNING_KEY_ID', 'AUDIT_SIGNING_KEY_ID'] as const).filter((k) => !config[k]);
    if (missing.length > 0) throw new ConfigError(`Invalid configuration:\n${missing.map((k) => `  ${k}: required in Azure`).join('\n')}`);
    // The localhost defaults are for development only: a deployment trusts no browser origin it didn't name.
    if (input.CORS_ORIGINS === undefined) config.CORS_ORIGINS = [];
    // Nor does it send invitation and reset links to a developer's machine: the web client's own URL, else its first origin.
    if (input.WEB_APP_URL === undefined) {
      const origin = config.WEB_CLIENT_ORIGINS[0] ?? config.CORS_ORIGINS[0];
      if (!origin) throw new ConfigError('Invalid configuration:\n  WEB_APP_URL: required in Azure (or WEB_CLIENT_ORIGINS): e-mailed links must reach the web client');
      config.WEB_APP_URL = origin;
    }
  }
  return config;
}
