import type { Platform } from '../platform/platform.js';

/** Identity items that end at `expiresAt`: refresh tokens, invitations, reset tokens, MFA challenges, SSO exchange codes, throttle windows. */
const EXPIRING_TYPES = ['refreshToken', 'invitation', 'passwordReset', 'mfaChallenge', 'ssoExchange', 'failureWindow'] as const;

export interface RetentionResult {
  sessions: number;
  expiring: number;
}

/**
 * Deletes identity items whose lifetime is over. Expiry is enforced in code where each item is
 * used (an expired token is refused whether or not it was purged yet); this sweep is the clean-up,
 * across all tenants, in batches. Sessions go once neither their idle nor their absolute lifetime
 * can be extended any more (a refresh needs a live session). Raw import bodies are purged by the
 * integrations area's own retention timer (IMPORT_RAW_RETENTION_DAYS); completed redaction jobs
 * are kept as evidence — they hold no personal data.
 */
export async function purgeExpiredIdentityItems(platform: Platform, now = new Date(), batch = 500): Promise<RetentionResult> {
  const at = now.toISOString();
  const result: RetentionResult = { sessions: 0, expiring: 0 };
  const sweep = async (query: string, params: Record<string, string | string[]>): Promise<number> => {
    let n = 0;
    for (;;) {
      const due = await platform.store.scan<{ id: string; tenantId: string }>('identity', query, params, batch);
      for (const item of due) await platform.store.collection('identity', item.tenantId).delete(item.id);
      n += due.length;
      if (due.length < batch) return n;
    }
  };
  result.sessions = await sweep("SELECT c.id, c.tenantId FROM c WHERE c.type = 'session' AND (c.absoluteExpiresAt < @now OR c.idleExpiresAt < @now)", { now: at });
  // Reset tokens also count towards the per-account hourly reset limit: they stay for that hour.
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  result.expiring = await sweep(
    "SELECT c.id, c.tenantId FROM c WHERE ARRAY_CONTAINS(@types, c.type) AND c.expiresAt < @now AND (c.type != 'passwordReset' OR c.createdAt < @hourAgo)",
    { now: at, hourAgo, types: [...EXPIRING_TYPES] },
  );
  if (result.sessions + result.expiring > 0) platform.log.info('expired identity items purged', { ...result });
  return result;
}
