import type { Platform } from '../platform/platform.js';
import { conflict, notFound } from '../http/problem.js';
import type { IntegrationItem } from '../integrations/model.js';
import { openCredentials, readIntegration } from '../integrations/service.js';
import type { Connector, VendorHttp } from './connector.js';
import { createVendorHttp, type VendorHttpOptions } from './http/vendor-http.js';
import { connectorById } from './registry.js';

/** A connector integration as a run or a push needs it: the stored item, its connector, its settings and its credentials, opened. */
export interface ConnectorIntegration {
  integration: IntegrationItem;
  connector: Connector;
  /** Parsed by the connector's settings schema (defaults applied). */
  settings: unknown;
  /** Unsealed and parsed by the connector's credentials schema: never log or return them. */
  credentials: unknown;
}

/**
 * Opens a pull or vendor-push integration of `tenantId`: reads it, finds its connector in the
 * registry, parses its settings and unseals its credentials. 404 when the integration does not exist
 * or is not a connector integration; 409 when its connector is no longer registered or its
 * credentials can no longer be opened (crypto-shredded tenant key) or no longer parse.
 */
export async function openConnectorIntegration(platform: Pick<Platform, 'store' | 'cipher'>, tenantId: string, integrationId: string): Promise<ConnectorIntegration> {
  const integration = await readIntegration(platform, tenantId, integrationId);
  return openConnectorItem(platform, integration);
}

/** openConnectorIntegration for an item already read (the push receiver resolved it through the platform index). */
export async function openConnectorItem(platform: Pick<Platform, 'cipher'>, integration: IntegrationItem): Promise<ConnectorIntegration> {
  if (!integration.connector) throw notFound('integration');
  const connector = connectorById(integration.connector);
  if (!connector) throw conflict(`The connector '${integration.connector}' of this integration is not available.`);
  const settings = connector.manifest.settings.safeParse(integration.settings ?? {});
  const opened = await openCredentials(platform.cipher, integration);
  const credentials = opened === undefined ? undefined : connector.manifest.credentials.safeParse(opened);
  // Neither message quotes a value: settings are not secret, but the error path stays uniform with credentials'.
  if (!settings.success) throw conflict('The stored settings of this integration no longer match its connector; update them.');
  if (!credentials?.success) throw conflict('The credentials of this integration are missing or can no longer be read; rotate them.');
  return { integration, connector, settings: settings.data, credentials: credentials.data };
}

/**
 * The framework's HTTP client for an opened integration: its circuit is the integration's, and an
 * `oauth-client-credentials` connector's token request comes from its settings and credentials.
 * `options` overrides the defaults (tests inject a clock; runs may shorten timeouts).
 */
export function vendorHttpFor(opened: ConnectorIntegration, options: Partial<Omit<VendorHttpOptions, 'tokenRequest'>> = {}): VendorHttp {
  const { connector, integration } = opened;
  const tokenRequest = connector.manifest.auth === 'oauth-client-credentials' ? connector.tokenRequest?.(opened.settings, opened.credentials) : undefined;
  return createVendorHttp({ vendor: connector.manifest.vendor, circuitKey: integration.id, ...options, ...(tokenRequest ? { tokenRequest } : {}) });
}
