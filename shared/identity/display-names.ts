import type { Platform } from '../platform/platform.js';
import type { PersonNames } from '../audit/names.js';
import { REDACTED_TEXT } from '../audit/views.js';
import type { UserService } from './users.js';

const NAME_FIELDS = ['firstName', 'lastName'] as const;

/**
 * Display names for the audit views, opened from the profile at view time under the person's own
 * data key: a redacted account (status `redacted`, or a key already shredded) reads "[redacted]";
 * an account that no longer exists reads null.
 */
export class ProfileDisplayNames implements PersonNames {
  constructor(
    private readonly platform: Pick<Platform, 'cipher'>,
    private readonly users: Pick<UserService, 'get'>,
  ) {}

  async displayName(tenantId: string, userId: string): Promise<string | null> {
    const user = await this.users.get(tenantId, userId);
    if (!user) return null;
    if (user.status === 'redacted') return REDACTED_TEXT;
    const parts: string[] = [];
    for (const field of NAME_FIELDS) {
      const sealed = user.enc?.[field];
      if (!sealed) continue;
      const opened = await this.platform.cipher.open({ tenantId, subjectId: userId, field: `user.${field}` }, sealed);
      if (opened.redacted) return REDACTED_TEXT;
      parts.push(opened.value);
    }
    const name = parts.join(' ').trim();
    return name || null;
  }
}
