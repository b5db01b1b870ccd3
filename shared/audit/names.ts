import { PLATFORM_TENANT } from '../platform/topology.js';

/**
 * The port through which the audit views learn a person's display name, at view time: names are
 * never copied into the chain; they stay in the person's profile, sealed under the person's data
 * key (shared/identity/display-names.ts implements it). Shredding that key therefore hides the name
 * in every entry at once.
 */
export interface PersonNames {
  /**
   * The display name of a person of `tenantId` (`_platform` for platform staff): the name, the
   * text "[redacted]" when the person was redacted, or null when there is no such person any more.
   */
  displayName(tenantId: string, userId: string): Promise<string | null>;
}

/**
 * One rendering's memory of names: every person is looked up (one point read, one key unwrap) once
 * per request, however many entries of the page name them.
 */
export class NameCache {
  private readonly seen = new Map<string, Promise<string | null>>();

  constructor(private readonly names: PersonNames) {}

  get(tenantId: string, userId: string): Promise<string | null> {
    const key = `${tenantId}\u0000${userId}`;
    let name = this.seen.get(key);
    if (!name) {
      name = this.names.displayName(tenantId, userId);
      this.seen.set(key, name);
    }
    return name;
  }

  /** Platform staff are users of the platform tenant; everyone else of the event's tenant. */
  person(eventTenantId: string, type: string, id: string | undefined): Promise<string | null> | undefined {
    if (!id) return undefined;
    if (type === 'user') return this.get(eventTenantId, id);
    if (type === 'platform-operator' || type === 'support-agent') return this.get(PLATFORM_TENANT, id);
    return undefined;
  }
}
