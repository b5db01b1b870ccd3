import type { Item } from '../../platform/cosmos/store.js';
import type { OutboxCarrier } from '../../platform/outbox/outbox.js';
import type { Sealed } from '../../platform/crypto/field-cipher.js';
import type { PropertyScope } from '../../access/principal.js';

/** Entra group object id → the role (and property scope) its members hold, kept in line at each SSO sign-in. */
export interface GroupRoleMapping {
  groupId: string;
  roleId: string;
  scope: PropertyScope;
}

/** A tenant's single sign-on configuration, as the API reads and writes it (no secret). */
export interface SsoSettings {
  enabled: boolean;
  /** The customer's Entra (directory) tenant id: every ID token must carry exactly this `tid`. */
  entraTenantId: string;
  /** The application (client) id registered in the customer's Entra tenant; the ID token's `aud`. */
  clientId: string;
  /**
   * How the app authenticates to the customer's token endpoint: a client secret the customer gave
   * us (sealed), or PMI's certificate the customer uploaded (private_key_jwt: no shared secret).
   * Settings saved before the choice existed use the secret.
   */
  clientCredential?: 'secret' | 'certificate';
  jit: { enabled: boolean; defaultRoleId: string; scope: PropertyScope };
  groupRoles: GroupRoleMapping[];
  /** When on, password login is refused for everyone except `breakGlassUserIds`. */
  ssoOnly: boolean;
  breakGlassUserIds: string[];
  /** Whether `amr` containing `mfa` in the ID token counts as our second factor. */
  idpMfaSatisfiesPolicy: boolean;
}

/** Stored in the `tenants` container (id `sso-settings`); the client secret is sealed under the tenant's key. */
export interface SsoSettingsItem extends Item, OutboxCarrier, SsoSettings {
  type: 'ssoSettings';
  enc: { clientSecret?: Sealed };
  updatedAt: string;
}

/**
 * `tid:oid` → user: the only way an Entra identity reaches an account (never e-mail or UPN). The
 * item id is a blind index (keyed HMAC) of `tid:oid`, so the person's object id is not stored in clear.
 */
export interface SsoLinkItem extends Item, OutboxCarrier {
  type: 'ssoLink';
  userId: string;
  entraTenantId: string;
  createdAt: string;
}

/** A single-use code the web client exchanges for our tokens after a successful callback. */
export interface SsoExchangeItem extends Item {
  type: 'ssoExchange';
  userId: string;
  amr: string[];
  createdAt: string;
  expiresAt: string;
}

export const SSO_SETTINGS_ID = 'sso-settings';

export function ssoLinkId(blind: string): string {
  return `ssolink:${blind}`;
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
