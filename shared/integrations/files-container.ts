/**
 * The blob container of a `file` integration, named from its id: Blob Storage container names are
 * lowercase letters, digits and single hyphens, and integration ids are base64url (`int_` + 12 random
 * bytes), so the 12 bytes are written in hex. The mapping is reversible, which is how a blob-created
 * event names its integration without a look-up table.
 */
const PREFIX = 'int-';

export function fileContainerName(integrationId: string): string {
  return PREFIX + Buffer.from(integrationId.slice('int_'.length), 'base64url').toString('hex');
}

/** The integration a container belongs to; undefined for any other container. */
export function integrationOfContainer(container: string): string | undefined {
  const m = /^int-([0-9a-f]{24})$/.exec(container);
  return m ? 'int_' + Buffer.from(m[1] as string, 'hex').toString('base64url') : undefined;
}

/** Every file integration's container starts with this (listings, Event Grid subject filters). */
export const FILE_CONTAINER_PREFIX = PREFIX;

/** What the integration service needs of Blob Storage: a container for each new file integration. */
export interface FileContainers {
  ensureContainer(container: string): Promise<void>;
}
