import type { Platform } from '../platform/platform.js';
import { isStoreError } from '../platform/cosmos/errors.js';
import type { Item } from '../platform/cosmos/store.js';
import type { UserItem } from './model.js';
import { newTenantToken, sha256, splitTenantToken, type UserService } from './users.js';

/**
 * A short-lived, single-use token handed to a client (an MFA challenge, a password reset link),
 * stored by the SHA-256 of its value and bound to the user and to the password they had when it was
 * issued (its change time): a password change in between voids it.
 */
export interface BoundTokenItem extends Item {
  userId: string;
  passwordChangedAt: string | null;
  createdAt: string;
  expiresAt: string;
  /** Wrong codes given with the token; at MFA_MAX_ATTEMPTS it is dead. */
  attempts: number;
  usedAt?: string;
}

type Extra<T extends BoundTokenItem> = Omit<T, keyof BoundTokenItem | 'type'>;

/** Issues, resolves and consumes the bound tokens of one item type in the `identity` container. */
export class BoundTokens<T extends BoundTokenItem> {
  constructor(
    private readonly platform: Platform,
    private readonly users: UserService,
    private readonly kind: { type: T['type']; idPrefix: string; invalid: () => Error },
    private readonly now: () => number,
  ) {}

  private col(tenantId: string) {
    return this.platform.store.collection<T>('identity', tenantId);
  }

  async issue(user: UserItem, ttlMs: number, extra: Extra<T>): Promise<string> {
    const token = newTenantToken(user.tenantId);
    const now = this.now();
    const item = {
      id: `${this.kind.idPrefix}:${sha256(token)}`,
      tenantId: user.tenantId,
      type: this.kind.type,
      ...extra,
      userId: user.id,
      passwordChangedAt: user.passwordChangedAt ?? null,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + ttlMs).toISOString(),
      attempts: 0,
    } as T;
    await this.col(user.tenantId).create<T>(item);
    return token;
  }

  /** The token's record and its (active) user when the token is live and `accept`ed; `invalid` otherwise. */
  async resolve(token: string, accept: { item?: (item: T) => boolean; user?: (user: UserItem) => boolean } = {}): Promise<{ item: T; user: UserItem }> {
    const parts = splitTenantToken(token);
    if (!parts) throw this.kind.invalid();
    const item = await this.col(parts.tenantId).read<T>(`${this.kind.idPrefix}:${sha256(token)}`);
    if (!item || item.type !== this.kind.type || item.usedAt || (accept.item && !accept.item(item))) throw this.kind.invalid();
    if (Date.parse(item.expiresAt) <= this.now() || item.attempts >= this.platform.config.MFA_MAX_ATTEMPTS) throw this.kind.invalid();
    const user = await this.users.get(parts.tenantId, item.userId);
    if (!user || user.status !== 'active' || (accept.user && !accept.user(user)) || (user.passwordChangedAt ?? null) !== item.passwordChangedAt) throw this.kind.invalid();
    return { item, user };
  }

  /** Marks the token used; a second use (or a concurrent one) fails. */
  async consume(item: T): Promise<void> {
    try {
      await this.col(item.tenantId).patch(item.id, [{ op: 'set', path: '/usedAt', value: new Date(this.now()).toISOString() }], item._etag);
    } catch (err) {
      if (isStoreError(err, 'precondition_failed') || isStoreError(err, 'not_found')) throw this.kind.invalid();
      throw err;
    }
  }

  /** Counts a wrong code given with the token. */
  async countFailure(item: T): Promise<void> {
    await this.col(item.tenantId).patch(item.id, [{ op: 'incr', path: '/attempts', value: 1 }]).catch(() => undefined);
  }
}
