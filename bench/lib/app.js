// The app built in the benchmark's own process on the embedded store, as bench/imports.js first did:
// settings for a quiet measurement and a demo tenant with one integration per source type.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const baseEnv = () => ({
  PORT: '0',
  LOG_LEVEL: 'error',
  LOCAL_TIMERS: 'false',
  // Measured on the in-memory store alone: no snapshots of local state (LOCAL_PERSIST) competing for the CPU.
  LOCAL_PERSIST: 'false',
  SEED_DEMO: 'false',
  PASSWORD_BCRYPT_COST: '4',
  // broker.idle() waits for scheduled messages too: prompt audit checkpoints would add their delay to every measurement.
  AUDIT_CHECKPOINT_DELAY_SECONDS: '0',
  DEMO_PASSWORD: 'Bench-Passw0rd!x9',
  // The admin logs in with the password alone (benchmarks that read reports over HTTP).
  MFA_REQUIRE_BY_DEFAULT: 'false',
  LOCAL_KEK: randomBytes(32).toString('base64'),
  // Keys and pepper of a state folder of its own: never the developer's .local (nor a running `npm start`'s).
  LOCAL_STATE_DIR: mkdtempSync(join(tmpdir(), 'pmi-bench-')),
});

/**
 * Starts the local host in this process with the app's functions, seeds the demo tenant and creates
 * one integration per requested source type on its first property (or `propertyIndex`). With
 * `importConsumer: false` the imports queue only fills: the caller attaches its own consumer.
 */
export async function setUp(types, { importConsumer = false, propertyIndex = 0, integration = {} } = {}) {
  Object.assign(process.env, baseEnv());
  const { catalog } = await import('../../dist/functions/catalog.js');
  const { startLocalHost } = await import('../../dist/host/host.js');
  const { ALL_PERMISSIONS } = await import('../../dist/shared/access/permissions.js');
  const { demoAccounts } = await import('../../dist/shared/integrations/demo-data.js');
  const definitions = importConsumer ? catalog : catalog.filter((d) => !(d.kind === 'serviceBus' && d.queue === 'imports'));
  const host = await startLocalHost({ port: 0, definitions, timers: false });
  const app = host.app;
  await app.identity.seedDemo();
  const tenantId = await app.identity.tenants.tenantIdForSlug('demo-hotels');
  const principal = { kind: 'user', tenantId, userId: 'system:bench', sessionId: 'bench', amr: [], authTime: 0, grants: new Map(ALL_PERMISSIONS.map((p) => [p, { all: true }])) };
  const property = (await app.integrations.service.properties.properties(tenantId))[propertyIndex];
  const departments = await app.integrations.service.properties.departments(tenantId, property.id);
  const integrations = {};
  for (const sourceType of types) {
    const accounts = sourceType === 'ams' ? demoAccounts(departments.map((d) => ({ code: d.code, usaliDepartment: d.usaliDepartment }))) : {};
    const { item, secret } = await app.integrations.service.create(principal, {
      propertyId: property.id,
      sourceType,
      name: `bench ${sourceType}`,
      format: 'json',
      mappings: { departments: {}, accounts },
      enabled: true,
      acceptance: 'row-level',
      ...integration,
    });
    integrations[sourceType] = { id: item.id, secret };
  }
  return { host, app, tenantId, principal, property, departments, integrations };
}

/** Sends records through the signed webhook endpoint; resolves the import ids (every answer must be 202). */
export async function postBatches(host, integrations, batches, prefix) {
  const { signWebhook } = await import('../../dist/shared/integrations/signature.js');
  const ids = [];
  for (const [i, b] of batches.entries()) {
    const body = JSON.stringify({ records: b.records });
    const integration = integrations[b.sourceType];
    // A sender does what the API asks: a 503 (the store is busy) is sent again after Retry-After,
    // with the same webhook-id, so a redelivery cannot import twice.
    let res;
    for (let attempt = 1; ; attempt++) {
      res = await globalThis.fetch(`${host.url}/api/v1/integrations/${integration.id}/webhook`, {
        method: 'POST',
        body,
        headers: { ...signWebhook(integration.secret, `${prefix}_${i}`, new Date(), body), 'content-type': 'application/json' },
      });
      if (res.status !== 503 || attempt === 5) break;
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 1000 * Math.min(10, Number(res.headers.get('retry-after')) || attempt)));
    }
    if (res.status !== 202) throw new Error(`webhook ${res.status}: ${await res.text()}`);
    ids.push((await res.json()).importId);
  }
  return ids;
}

/** The demo admin's bearer token (the password alone: MFA is off in baseEnv), for benchmarks that call routes over HTTP. */
export async function adminToken(host) {
  const login = await fetch(`${host.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'demo-hotels', email: 'admin@demo-hotels.example', password: process.env.DEMO_PASSWORD }),
  });
  const { accessToken } = await login.json();
  if (!accessToken) throw new Error(`login failed: HTTP ${login.status}`);
  return accessToken;
}

/**
 * Copies one imported hotel into `count - 1` more (`bench-hotel-01` …): its property item, its
 * departments and its monthly rollups, ids rewritten, every fifth copy in GBP — what the portfolio
 * benchmarks read, without importing the same data 49 more times. Store metadata and pending outbox
 * messages stay with the original. Returns the property ids (the original first) and the rollups copied.
 */
export async function copyHotel(app, tenantId, property, count) {
  const tenants = app.store.collection('tenants', tenantId);
  const aggregates = app.store.collection('aggregates', tenantId);
  const template = await tenants.read(property.id);
  const templateDepartments = await tenants.all("SELECT * FROM c WHERE c.type = 'department' AND c.propertyId = @p", { p: property.id });
  const rollups = await aggregates.all("SELECT * FROM c WHERE c.type = 'monthlyRollup' AND c.propertyId = @p", { p: property.id });
  if (rollups.length === 0) throw new Error('the import wrote no monthly rollups');
  const SYSTEM = ['_etag', '_ts', '_rid', '_self', '_attachments', 'pendingMessages', 'pendingSince'];
  const strip = (item) => Object.fromEntries(Object.entries(item).filter(([k]) => !SYSTEM.includes(k)));
  const propertyIds = [property.id];
  for (let k = 1; k < count; k++) {
    const id = `bench-hotel-${String(k).padStart(2, '0')}`;
    propertyIds.push(id);
    const dept = (d) => (d ? `${id}-${d}` : d);
    await tenants.upsert({ ...strip(template), id, name: `Bench Hotel ${String(k).padStart(2, '0')}`, currency: k % 5 === 0 ? 'GBP' : template.currency });
    await Promise.all(templateDepartments.map((d) => tenants.upsert({ ...strip(d), id: dept(d.id), propertyId: id })));
    const items = rollups.map((r) => {
      const departmentId = dept(r.departmentId);
      return { ...strip(r), id: r.id.replace(`roll:${property.id}:`, `roll:${id}:`).replace(`:${r.departmentId}:`, `:${departmentId}:`), propertyId: id, departmentId };
    });
    for (let i = 0; i < items.length; i += 32) await Promise.all(items.slice(i, i + 32).map((item) => aggregates.upsert(item)));
  }
  return { propertyIds, rollups };
}
