import { beforeAll, describe, expect, it } from '@jest/globals';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { readFileSync } from 'node:fs';
import { useTestHost } from '../support/host.js';
import { seedTenant, type SeededTenant } from '../support/identity.js';
import { createIntegration } from './integrations-helpers.js';
import { AZURITE_ACCOUNT } from '../../shared/platform/blob/azure-blob-store.js';

/*
 * A `file` POS integration on property p0: files uploaded over HTTPS and blobs dropped into its
 * container in the host's own Azurite (written with @azure/storage-blob, as an SFTP server would),
 * both imported into facts that R&P reports.
 */

const host = useTestHost({ FILES_MAX_BYTES: '4096' });
let t: SeededTenant;
let admin: string;
let p0: string;
let integration: { id: string; container: string };

const CSV = (rows: string[]) => Buffer.from(['id,businessDate,outlet,netRevenue,covers', ...rows].join('\r\n') + '\r\n');

let endpoint: string;

function azurite(): BlobServiceClient {
  return new BlobServiceClient(`${endpoint}/${AZURITE_ACCOUNT.name}`, new StorageSharedKeyCredential(AZURITE_ACCOUNT.name, AZURITE_ACCOUNT.key));
}

const upload = (name: string, body: Buffer, contentType = 'text/csv', token = admin, id = integration.id) =>
  host.request('POST', `/api/v1/integrations/${id}/files?filename=${encodeURIComponent(name)}`, { token, rawBody: body, headers: { 'content-type': contentType } });

async function revenueOn(date: string): Promise<number> {
  const res = await host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${p0}&from=${date}&to=${date}`, { token: t.users.owner.token });
  expect(res.status).toBe(200);
  return res.json.properties[0].periods[0].total.actual.revenue;
}

async function importsNamed(name: string): Promise<Array<{ id: string; status: string; file?: { name: string } }>> {
  const res = await host.request('GET', `/api/v1/integrations/${integration.id}/imports?limit=100`, { token: admin });
  expect(res.status).toBe(200);
  return res.json.items.filter((i: { file?: { name: string } }) => i.file?.name === name);
}

beforeAll(async () => {
  t = await seedTenant(host);
  admin = t.users.admin.token;
  p0 = t.propertyIds[0] as string;
  const created = await createIntegration(host, admin, { kind: 'file', propertyId: p0, sourceType: 'pos', name: 'Night audit drop' });
  integration = { id: created.id, container: created.json.container as string };
  if (!host.app.azurite) throw new Error('the test host has no Azurite');
  endpoint = (await host.app.azurite()).endpoint;
});

describe('file integrations', () => {
  it('are created with their own blob container, named in the integration', async () => {
    expect(integration.container).toMatch(/^int-[0-9a-f]{24}$/);
    expect(await azurite().getContainerClient(integration.container).exists()).toBe(true);
    const view = await host.request('GET', `/api/v1/integrations/${integration.id}`, { token: admin });
    expect(view.json).toMatchObject({ kind: 'file', filesPath: `/api/v1/integrations/${integration.id}/files`, container: integration.container });
    expect(view.json.secrets).toEqual([]);
  });

  it('import an uploaded CSV into facts that R&P shows; the same file again imports nothing', async () => {
    const body = CSV(['U1,2026-03-14,FB,3000,150', 'U2,2026-03-14,FB,250.5,10']);
    const res = await upload('pos-2026-03-14.csv', body);
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ name: 'pos-2026-03-14.csv', origin: 'upload', status: 'imported', records: 2, bytes: body.length, duplicate: false });
    expect(res.json.importIds).toHaveLength(1);
    await host.app.broker?.idle();
    const imp = await host.request('GET', `/api/v1/integrations/${integration.id}/imports/${res.json.importIds[0]}`, { token: admin });
    expect(imp.json).toMatchObject({ status: 'accepted', file: { id: res.json.id, name: 'pos-2026-03-14.csv' }, counts: { accepted: 2 } });
    expect(await revenueOn('2026-03-14')).toBe(3250.5);

    const again = await upload('pos-2026-03-14.csv', body);
    expect(again.status).toBe(202);
    expect(again.json).toMatchObject({ id: res.json.id, duplicate: true });
    await host.app.broker?.idle();
    expect(await importsNamed('pos-2026-03-14.csv')).toHaveLength(1);
    const file = await host.request('GET', `/api/v1/integrations/${integration.id}/files/${res.json.id}`, { token: admin });
    expect(file.json).toMatchObject({ status: 'imported', importIds: res.json.importIds });
  });

  it('stores the file sealed, never in clear, and audits the upload', async () => {
    const res = await upload('sealed.csv', CSV(['S1,2026-03-10,FB,123.45,3']));
    await host.app.broker?.idle();
    const stored = await host.app.store.collection('imports', t.tenantId).scoped(p0).read(res.json.id);
    expect(stored).toMatchObject({ type: 'file', raw: { chunks: 0 } });
    expect(JSON.stringify(stored)).not.toContain('123.45');
    const audit = await host.request('GET', `/api/v1/audit?action=file.received&targetId=${res.json.id}`, { token: t.users.owner.token });
    expect(audit.status).toBe(200);
    expect(audit.json.items).toHaveLength(1);
  });

  it('picks up a blob dropped into the container (the poll stands in for Event Grid) and deletes it once sealed', async () => {
    const container = azurite().getContainerClient(integration.container);
    const name = 'opera/pos-2026-03-15.csv';
    const body = CSV(['D1,2026-03-15,FB,2000,100']);
    await container.getBlockBlobClient(name).uploadData(body, { blobHTTPHeaders: { blobContentType: 'text/csv' } });
    await host.scheduler.trigger('filesDropPoll');
    await host.app.broker?.idle();
    const imports = await importsNamed(name);
    expect(imports.map((i) => i.status)).toEqual(['accepted']);
    expect(await revenueOn('2026-03-15')).toBe(2000);
    expect(await container.getBlobClient(name).exists()).toBe(false);
  });

  it('imports a blob once when its event is delivered twice', async () => {
    const container = azurite().getContainerClient(integration.container);
    const name = 'pos-2026-03-16.csv';
    const put = await container.getBlockBlobClient(name).uploadData(CSV(['E1,2026-03-16,FB,700,20']), { blobHTTPHeaders: { blobContentType: 'text/csv' } });
    // Event Grid's envelope as it lands on the queue (Event Grid schema), delivered twice (at-least-once), under different message ids.
    const event = {
      id: 'evt-1',
      topic: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/pmifiles',
      subject: `/blobServices/default/containers/${integration.container}/blobs/${name}`,
      eventType: 'Microsoft.Storage.BlobCreated',
      eventTime: new Date().toISOString(),
      data: { api: 'SftpCommit', eTag: put.etag ?? '', contentType: 'text/csv', contentLength: 40, blobType: 'BlockBlob', url: `https://pmifiles.blob.core.windows.net/${integration.container}/${name}` },
      dataVersion: '',
      metadataVersion: '1',
    };
    await host.app.bus.publish('file-drops', [
      { messageId: 'delivery-1', body: event },
      { messageId: 'delivery-2', body: event },
    ]);
    await host.app.broker?.idle();
    await host.app.bus.publish('file-drops', [{ messageId: 'delivery-3', body: event }]);
    await host.app.broker?.idle();
    expect(await importsNamed(name)).toHaveLength(1);
    expect(await revenueOn('2026-03-16')).toBe(700);
  });

  it('reads a dropped night-audit export with the integration’s column mapping (OPERA TSA03, ready-made)', async () => {
    const pms = await createIntegration(host, admin, { kind: 'file', propertyId: p0, sourceType: 'pms', name: 'OPERA night audit' });
    const saved = await host.request('PUT', `/api/v1/integrations/${pms.id}/file-mapping`, { token: admin, body: { ready: 'opera-tsa03' } });
    expect(saved.status).toBe(200);
    const container = azurite().getContainerClient(pms.json.container as string);
    // What OPERA's scheduler puts on SFTP: the export as it is, named by its date.
    await container.getBlockBlobClient('EXP_TSA03_20250303.csv').uploadData(readFileSync('test/fixtures/files/opera-tsa03.csv'));
    await host.scheduler.trigger('filesDropPoll');
    await host.app.broker?.idle();
    const imports = await host.request('GET', `/api/v1/integrations/${pms.id}/imports`, { token: admin });
    expect(imports.json.items.map((i: { status: string; file?: { name: string } }) => [i.status, i.file?.name])).toEqual([['accepted', 'EXP_TSA03_20250303.csv']]);
    // Room revenue of the three room types of 3 March 2025, summed by the mapping.
    expect(await revenueOn('2025-03-03')).toBe(6120 + 5610 + 2430);
  });

  it('refuses what is not a file for a file integration', async () => {
    expect((await upload('x.json', Buffer.from('{}'), 'application/json')).status).toBe(415);
    expect((await upload('empty.csv', Buffer.alloc(0))).status).toBe(400);
    const noName = await host.request('POST', `/api/v1/integrations/${integration.id}/files`, { token: admin, rawBody: CSV([]), headers: { 'content-type': 'text/csv' } });
    expect(noName.status).toBe(400);
    expect(noName.json.errors[0].field).toBe('query.filename');
    expect((await upload('../etc/passwd', CSV([]))).status).toBe(400);
    const webhook = await createIntegration(host, admin, { propertyId: p0, sourceType: 'pos' });
    expect((await upload('a.csv', CSV([]), 'text/csv', admin, webhook.id)).status).toBe(409);
    expect((await upload('a.csv', CSV([]), 'text/csv', t.users.endUser.token)).status).toBe(403);
  });

  it('refuses a file over FILES_MAX_BYTES before reading it', async () => {
    const big = CSV(Array.from({ length: 200 }, (_, i) => `B${i},2026-03-20,FB,1,1`));
    expect(big.length).toBeGreaterThan(4096);
    expect((await upload('big.csv', big)).status).toBe(413);
  });

  it('loses the sealed copy of a file with the raw bodies past retention', async () => {
    const res = await upload('old.csv', CSV(['O1,2026-02-01,FB,5,1']));
    await host.app.broker?.idle();
    const files = host.app.store.collection<{ id: string; tenantId: string; type: string; receivedAt: string; enc?: unknown; raw: { purgedAt?: string } }>('imports', t.tenantId).scoped(p0);
    const item = await files.read(res.json.id);
    if (!item) throw new Error('file record missing');
    await files.replace({ ...item, receivedAt: new Date(Date.now() - 40 * 86_400_000).toISOString() });
    await host.scheduler.trigger('importsRawRetention');
    const purged = await files.read(res.json.id);
    expect(purged?.enc).toBeUndefined();
    expect(purged?.raw.purgedAt).toBeDefined();
    const view = await host.request('GET', `/api/v1/integrations/${integration.id}/files/${res.json.id}`, { token: admin });
    expect(view.json.raw.purgedAt).toBeDefined();
  });

  it('rejects a spreadsheet without a column mapping, and says why', async () => {
    const res = await upload('report.xml', Buffer.from('<report/>'), 'application/xml');
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ status: 'rejected', importIds: [], errors: [{ field: 'file' }] });
  });
});
