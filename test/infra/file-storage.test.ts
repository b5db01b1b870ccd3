/**
 * The file-drop storage (infra/modules/storage.bicep, file-events.bicep): an SFTP-enabled, hierarchical
 * account in the deployment's EU region with shared keys off, the app's managed identity as Storage
 * Blob Data Contributor on that account only, a lifecycle rule deleting dropped files after the
 * raw-body retention, and BlobCreated events of the file containers delivered by Event Grid's own
 * identity to the file-drops queue (which alone it may send to). Read from the syntax tree.
 */
import { describe, expect, it } from '@jest/globals';
import { FILE_CONTAINER_PREFIX } from '../../shared/integrations/files-container.js';
import { RAW_CONTAINER_PREFIX } from '../../shared/integrations/raw-store.js';
import { queues } from '../../shared/platform/topology.js';
import { configSchema } from '../../shared/platform/config.js';
import { findResources, literal, literalAt, loadBicepFiles, parameter, property } from './bicep.js';

const files = await loadBicepFiles();
const main = files.find((f) => f.path === 'infra/main.bicep')!;
const one = (type: string, path?: string) => {
  const found = findResources(files, type).filter((r) => !path || r.file.path === path);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('file-drop storage account', () => {
  const account = one('Microsoft.Storage/storageAccounts', 'infra/modules/storage.bicep');

  it('is SFTP-enabled with the hierarchical namespace SFTP requires, and local users on', () => {
    expect(literalAt(account.body, 'properties.isHnsEnabled')).toBe(true);
    expect(literalAt(account.body, 'properties.isSftpEnabled')).toBe(true);
    expect(literalAt(account.body, 'properties.isLocalUserEnabled')).toBe(true);
  });

  it('takes no shared keys (the app signs in with its identity), TLS 1.2 and HTTPS only, no public blobs', () => {
    expect(literalAt(account.body, 'properties.allowSharedKeyAccess')).toBe(false);
    expect(literalAt(account.body, 'properties.defaultToOAuthAuthentication')).toBe(true);
    expect(literalAt(account.body, 'properties.minimumTlsVersion')).toBe('TLS1_2');
    expect(literalAt(account.body, 'properties.supportsHttpsTrafficOnly')).toBe(true);
    expect(literalAt(account.body, 'properties.allowBlobPublicAccess')).toBe(false);
  });

  it('lives in the deployment region (EU only, limited by main.bicep)', () => {
    expect(property(account.body, 'location')?.text).toBe('location');
    expect(main.source).toMatch(/module storage 'modules\/storage\.bicep'[\s\S]*?location: location\n/);
  });

  it('deletes dropped files after the raw-body retention days, the value the app is given too', () => {
    const policy = one('Microsoft.Storage/storageAccounts/managementPolicies');
    const rule = property(policy.body, 'properties.policy.rules')!.namedChildren.find((n) => n?.type === 'object')!;
    expect(literalAt(rule, 'definition.filters.prefixMatch')).toEqual([FILE_CONTAINER_PREFIX]);
    expect(property(rule, 'definition.actions.baseBlob.delete.daysAfterModificationGreaterThan')?.text).toBe('retentionDays');
    expect(main.source).toMatch(/retentionDays: rawBodyRetentionDays/);
    expect(main.source).toMatch(/rawBodyRetentionDays: rawBodyRetentionDays/);
    expect(parameter(main, 'rawBodyRetentionDays')?.defaultValue?.text).toBe(String(configSchema.shape.IMPORT_RAW_RETENTION_DAYS.parse(undefined)));
    const functions = files.find((f) => f.path === 'infra/modules/functions.bicep')!;
    expect(functions.source).toMatch(/name: 'IMPORT_RAW_RETENTION_DAYS'\s*value: string\(rawBodyRetentionDays\)/);
  });

  it('deletes raw-body blobs after the same retention days (an orphan whose import record was never written too)', () => {
    const policy = one('Microsoft.Storage/storageAccounts/managementPolicies');
    const rules = property(policy.body, 'properties.policy.rules')!.namedChildren.filter((n) => n?.type === 'object');
    const raw = rules.find((r) => r && (literalAt(r, 'definition.filters.prefixMatch') as unknown[] | undefined)?.includes(RAW_CONTAINER_PREFIX));
    expect(raw).toBeDefined();
    expect(literalAt(raw!, 'definition.filters.prefixMatch')).toEqual([RAW_CONTAINER_PREFIX]);
    expect(property(raw!, 'definition.actions.baseBlob.delete.daysAfterModificationGreaterThan')?.text).toBe('retentionDays');
  });

  it('grants the app Storage Blob Data Contributor on this account only', () => {
    const grants = findResources(files, 'Microsoft.Authorization/roleAssignments').filter((a) => a.file.path === 'infra/modules/storage.bicep');
    expect(grants).toHaveLength(1);
    expect(property(grants[0]!.body, 'scope')?.text).toBe(account.symbol);
    expect(property(grants[0]!.body, 'properties.roleDefinitionId')?.text).toContain('ba92f5b4-2d11-453d-a403-e96b0029c9fe');
    expect(property(grants[0]!.body, 'properties.principalId')?.text).toBe('appPrincipalId');
  });

  it('gives the app its blob endpoint as STORAGE_ACCOUNT_URL', () => {
    expect(main.source).toMatch(/storageAccountUrl: storage\.outputs\.blobEndpoint/);
    const functions = files.find((f) => f.path === 'infra/modules/functions.bicep')!;
    expect(functions.source).toMatch(/name: 'STORAGE_ACCOUNT_URL'\s*value: storageAccountUrl/);
    expect(functions.source).toMatch(/name: 'FILES_POLL_SCHEDULE'\s*value: '0 0 \* \* \* \*'/);
  });
});

describe('blob-created events to the file-drops queue', () => {
  const topic = one('Microsoft.EventGrid/systemTopics');
  const subscription = one('Microsoft.EventGrid/systemTopics/eventSubscriptions');

  it('a system topic on the file-drop account, with its own identity', () => {
    expect(topic.file.path).toBe('infra/modules/storage.bicep');
    expect(property(topic.body, 'properties.source')?.text).toBe('account.id');
    expect(literalAt(topic.body, 'properties.topicType')).toBe('Microsoft.Storage.StorageAccounts');
    expect(literalAt(topic.body, 'identity.type')).toBe('SystemAssigned');
  });

  it('subscribes BlobCreated of the file containers only, at the operations that complete a file, in Event Grid schema', () => {
    expect(literalAt(subscription.body, 'properties.filter.includedEventTypes')).toEqual(['Microsoft.Storage.BlobCreated']);
    expect(literalAt(subscription.body, 'properties.filter.subjectBeginsWith')).toBe(`/blobServices/default/containers/${FILE_CONTAINER_PREFIX}`);
    const [api] = literalAt(subscription.body, 'properties.filter.advancedFilters') as Array<{ key: string; values: string[] }>;
    expect(api?.key).toBe('data.api');
    expect(api?.values).toEqual(expect.arrayContaining(['SftpCommit', 'PutBlob', 'PutBlockList', 'FlushWithClose']));
    expect(literalAt(subscription.body, 'properties.eventDeliverySchema')).toBe('EventGridSchema');
  });

  it('delivers to the file-drops queue with the topic identity, which may send there and nowhere else', () => {
    expect(queues['file-drops'].name).toBe('file-drops');
    expect(literalAt(subscription.body, 'properties.deliveryWithResourceIdentity.destination.endpointType')).toBe('ServiceBusQueue');
    expect(property(subscription.body, 'properties.deliveryWithResourceIdentity.destination.properties.resourceId')?.text).toBe('fileDropsQueueId');
    expect(literalAt(subscription.body, 'properties.deliveryWithResourceIdentity.identity.type')).toBe('SystemAssigned');
    expect(main.source).toMatch(/fileDropsQueueId: serviceBus\.outputs\.fileDropsQueueId/);
    expect(main.source).toMatch(/fileEventsPrincipalId: storage\.outputs\.fileEventsPrincipalId/);
    const senders = findResources(files, 'Microsoft.Authorization/roleAssignments').filter((a) => property(a.body, 'properties.principalId')?.text === 'fileEventsPrincipalId');
    expect(senders).toHaveLength(1);
    const [sender] = senders;
    expect(property(sender!.body, 'properties.roleDefinitionId')?.text).toContain('69a216fc-b8fb-44d8-bc22-1f3c2552ae39');
    expect(property(sender!.body, 'scope')?.text).toBe('queueResources[fileDropsQueue]');
    expect(sender!.file.source).toMatch(/var fileDropsQueue = indexOf\(map\(queues, q => q\.name\), 'file-drops'\)/);
    expect(literal(property(sender!.body, 'properties.principalType')!)).toBe('ServicePrincipal');
  });
});
