import type { Platform } from '../platform/platform.js';
import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import type { IntegrationItem } from '../integrations/model.js';
import type { FileMapping } from './mapping.js';
import type { ReadyMappingName } from './mappings/index.js';

/** The saved column mapping of a file integration: one item beside the integration, in its property's partition. */
export interface FileMappingItem extends Item, OutboxCarrier {
  type: 'fileMapping';
  propertyId: string;
  integrationId: string;
  mapping: FileMapping;
  /** The ready-made mapping it was copied from, if any (a copy: later releases of it do not change a saved mapping). */
  ready?: ReadyMappingName;
  updatedAt: string;
  updatedBy: string;
}

export const fileMappingId = (integrationId: string) => `file-mapping:${integrationId}`;

function mappingsOf(platform: Pick<Platform, 'store'>, integration: Pick<IntegrationItem, 'tenantId' | 'propertyId'>) {
  return platform.store.collection<FileMappingItem>('imports', integration.tenantId).for({ type: 'fileMapping', propertyId: integration.propertyId });
}

/** The saved mapping of a file integration (what an upload or a drop is read with), if one was saved. */
export async function fileMappingOf(platform: Pick<Platform, 'store'>, integration: Pick<IntegrationItem, 'id' | 'tenantId' | 'propertyId'>): Promise<FileMappingItem | undefined> {
  const item = await mappingsOf(platform, integration).read(fileMappingId(integration.id));
  return item?.type === 'fileMapping' ? item : undefined;
}
