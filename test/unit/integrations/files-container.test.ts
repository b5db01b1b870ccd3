import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { fileContainerName, integrationOfContainer } from '../../../shared/integrations/files-container.js';
import { blobCreatedSchema, fileIdFor } from '../../../shared/integrations/files.js';

describe('file integration containers', () => {
  it('are valid Blob Storage container names that name their integration back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 12 }), (bytes) => {
        const id = 'int_' + Buffer.from(bytes).toString('base64url');
        const name = fileContainerName(id);
        // 3-63 characters, lowercase letters, digits and single hyphens, starting with a letter or digit.
        expect(name).toMatch(/^[a-z0-9](?!.*--)[a-z0-9-]{2,62}$/);
        expect(integrationOfContainer(name)).toBe(id);
      }),
    );
  });

  it('other containers name no integration', () => {
    for (const name of ['$root', 'deployments', 'int-', 'int-0123', `int-${'0'.repeat(24)}x`, `int-${'A'.repeat(24)}`]) expect(integrationOfContainer(name)).toBeUndefined();
  });
});

describe('file ids and blob-created events', () => {
  it('a file id depends on integration, name and version only', () => {
    const id = 'int_' + randomBytes(12).toString('base64url');
    expect(fileIdFor(id, 'a.csv', 'v1')).toBe(fileIdFor(id, 'a.csv', 'v1'));
    expect(new Set([fileIdFor(id, 'a.csv', 'v1'), fileIdFor(id, 'a.csv', 'v2'), fileIdFor(id, 'b.csv', 'v1'), fileIdFor('int_' + randomBytes(12).toString('base64url'), 'a.csv', 'v1')]).size).toBe(4);
    expect(fileIdFor(id, 'a.csv', 'v1')).toMatch(/^fil_[A-Za-z0-9_-]{32}$/);
  });

  it("takes Event Grid's BlobCreated event as delivered, and refuses other events and subjects", () => {
    const event = {
      id: 'e1',
      topic: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/a',
      subject: '/blobServices/default/containers/int-00112233445566778899aabb/blobs/night/a.csv',
      eventType: 'Microsoft.Storage.BlobCreated',
      eventTime: '2026-12-05T02:00:00Z',
      data: { api: 'SftpCommit', eTag: '0x8DC', contentType: 'text/csv', contentLength: 10, blobType: 'BlockBlob', url: 'https://a.blob.core.windows.net/x' },
      dataVersion: '',
      metadataVersion: '1',
    };
    expect(blobCreatedSchema.safeParse(event).success).toBe(true);
    expect(blobCreatedSchema.safeParse({ ...event, eventType: 'Microsoft.Storage.BlobDeleted' }).success).toBe(false);
    expect(blobCreatedSchema.safeParse({ ...event, subject: '/blobServices/default/containers/int-x/other' }).success).toBe(false);
    expect(blobCreatedSchema.safeParse({ ...event, data: { api: 'PutBlob' } }).success).toBe(false);
  });
});
