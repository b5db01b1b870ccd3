import { beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { useTestHost } from '../support/host.js';
import { seedTenant, type SeededTenant } from '../support/identity.js';
import { createIntegration, send } from './integrations-helpers.js';
import { rawChunkId, rawContainerName } from '../../shared/integrations/raw-store.js';
import { TENANT_SUBJECT } from '../../shared/integrations/service.js';
import type { ImportItem, RawChunkItem } from '../../shared/integrations/model.js';

/**
 * The claim check of a body too large to ride inside its import record: a blob in the tenant's raw
 * container, read back for replay and removed by retention or by the redaction of an employee it
 * names (docs/integrations.md, "Claim-check store"); bodies stored as chunk items before blobs stay
 * readable and are purged too.
 */
const host = useTestHost();
let a: SeededTenant;

beforeAll(async () => {
  a = await seedTenant(host);
});

/**
 * A body whose packed size is over the inline limit: random padding does not compress. The import
 * is rejected for the unknown member (processing it is not what is tested here: the body is stored
 * all the same, and the rejection names the member, so it was read back whole).
 */
function largeBody(records: object[]): string {
  return JSON.stringify({ records, padding: randomBytes(800_000).toString('base64') });
}

async function blobNames(tenantId: string): Promise<string[]> {
  const names: string[] = [];
  for await (const b of host.app.blobs.list(rawContainerName(tenantId))) names.push(b.name);
  return names;
}

describe('raw bodies over the inline limit', () => {
  it('are stored as a blob, replayed from it, and deleted with it by retention', async () => {
    const admin = a.users.admin.token;
    const propertyId = a.propertyIds[0] as string;
    const integration = await createIntegration(host, admin, { propertyId, sourceType: 'rms' });
    const body = largeBody([{ id: 'F-1', date: '2026-04-01', rooms: 12, adr: 100 }]);
    const res = await send(host, integration, body);
    expect(res.status).toBe(202);
    await host.app.broker?.idle();
    const importId = res.json.importId as string;
    const col = host.app.store.collection<ImportItem>('imports', a.tenantId).scoped(propertyId);
    const item = await col.read(importId);
    if (!item) throw new Error('import missing');
    expect(item.status).toBe('rejected');
    expect(item.raw).toMatchObject({ chunks: 0, blob: importId });
    expect(item.enc).toBeUndefined();
    expect(await blobNames(a.tenantId)).toContain(importId);
    expect((await host.app.integrations.raw.get(item)).toString('utf8')).toBe(body);

    const replay = await host.request('POST', `/api/v1/integrations/${integration.id}/imports/${importId}/replay`, { token: admin });
    expect(replay.status).toBe(202);
    await host.app.broker?.idle();
    expect((await host.request('GET', `/api/v1/integrations/${integration.id}/imports/${importId}`, { token: admin })).json).toMatchObject({ status: 'rejected', run: 2, processedRun: 2, errors: [{ field: 'padding' }] });

    await col.replace({ ...((await col.read(importId)) as ImportItem), receivedAt: new Date(Date.now() - 40 * 86_400_000).toISOString() });
    await host.scheduler.trigger('importsRawRetention');
    expect((await col.read(importId))?.raw.purgedAt).toBeDefined();
    expect(await blobNames(a.tenantId)).not.toContain(importId);
    expect((await host.request('POST', `/api/v1/integrations/${integration.id}/imports/${importId}/replay`, { token: admin })).status).toBe(409);
  });

  it('stored as chunk items before blobs are still read, and purged by retention', async () => {
    const admin = a.users.admin.token;
    const propertyId = a.propertyIds[0] as string;
    const integration = await createIntegration(host, admin, { propertyId, sourceType: 'rms' });
    const body = JSON.stringify({ records: [{ id: 'legacy-1', date: '2026-04-02', rooms: 7, adr: 90 }] });
    const res = await send(host, integration, body);
    expect(res.status).toBe(202);
    await host.app.broker?.idle();
    const importId = res.json.importId as string;
    const col = host.app.store.collection<ImportItem>('imports', a.tenantId).scoped(propertyId);
    const item = (await col.read(importId)) as ImportItem;
    // The record as the chunked layout wrote it: the identity-encoded body in two sealed chunk items, nothing inline.
    const packed = Buffer.from(body).toString('base64');
    const parts = [packed.slice(0, 40), packed.slice(40)];
    const chunks = host.app.store.collection<RawChunkItem>('imports', a.tenantId);
    for (const [index, part] of parts.entries()) {
      const raw = await host.app.cipher.seal({ tenantId: a.tenantId, subjectId: TENANT_SUBJECT, field: 'import.raw', recordId: `${importId}:${index}` }, part);
      await chunks.upsert({ id: rawChunkId(importId, index), tenantId: a.tenantId, propertyId, type: 'importRaw', importId, index, receivedAt: item.receivedAt, enc: { raw } });
    }
    const { enc: _inline, ...withoutInline } = item;
    const legacy: ImportItem = { ...withoutInline, raw: { chunks: 2, encoding: 'identity' } };
    await col.replace(legacy);
    expect((await host.app.integrations.raw.get(legacy)).toString('utf8')).toBe(body);

    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await col.replace({ ...legacy, receivedAt: old });
    for (const index of [0, 1]) {
      const chunk = (await chunks.for({ propertyId }).read(rawChunkId(importId, index))) as RawChunkItem;
      await chunks.upsert({ ...chunk, receivedAt: old });
    }
    await host.scheduler.trigger('importsRawRetention');
    expect((await col.read(importId))?.raw.purgedAt).toBeDefined();
    expect(await chunks.for({ propertyId }).read(rawChunkId(importId, 0))).toBeUndefined();
    expect(await chunks.for({ propertyId }).read(rawChunkId(importId, 1))).toBeUndefined();
  });

  it('naming a redacted employee are deleted with their blob', async () => {
    const propertyId = a.propertyIds[0] as string;
    const integration = await createIntegration(host, a.users.admin.token, { propertyId, sourceType: 'tms' });
    const body = largeBody([{ id: 'T-BLOB', employeeNumber: 'EMP-BLOB-7', department: 'ROOMS', date: '2026-03-14', productiveHours: 7.5, labourCost: 150 }]);
    const res = await send(host, integration, body);
    expect(res.status).toBe(202);
    await host.app.broker?.idle();
    const importId = res.json.importId as string;
    expect(await blobNames(a.tenantId)).toContain(importId);

    const redaction = await host.request('POST', '/api/v1/data-subjects/redaction', { token: a.users.owner.token, body: { employeeNumber: 'EMP-BLOB-7', reason: 'Art. 17 request', requestedBy: 'HR ticket 7' } });
    expect(redaction.status).toBe(202);
    await host.app.broker?.idle();
    const job = await host.request('GET', `/api/v1/redaction-jobs/${redaction.json.jobId}`, { token: a.users.owner.token });
    expect(job.json).toMatchObject({ status: 'completed', counts: { rawBodiesPurged: 1 } });
    const item = await host.app.store.collection<ImportItem>('imports', a.tenantId).scoped(propertyId).read(importId);
    expect(item?.raw).toMatchObject({ blob: importId, purgedBy: 'redaction' });
    expect(await blobNames(a.tenantId)).not.toContain(importId);
  });
});
