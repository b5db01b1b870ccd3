import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../shared/app.js';
import { DEMO_SLUG } from '../shared/identity/seed.js';
import { demoAccounts } from '../shared/integrations/demo-data.js';
import { demoName, seedDemoData, type SeedDirectory, type SeedSummary } from '../shared/integrations/demo-seed.js';
import { SOURCE_TYPES, type SourceType } from '../shared/integrations/formats/index.js';
import type { SystemActor } from '../shared/integrations/index.js';

/** Who the seed's integration changes are audited as: system work, holding no permissions. */
const SEED_ACTOR: SystemActor = { type: 'system', id: 'demo-seed' };

/**
 * The demo seed inside the process that owns the store (the local host's first start, where the
 * embedded store lives in memory): integrations are set up through the integrations' system ports, and
 * the data still goes through the real, signed webhook endpoint at `baseUrl`.
 */
export interface InProcessSeedOptions {
  today?: string;
  historyDays?: number;
  aheadDays?: number;
  log?: (l: string) => void;
  progress?: (sent: number, planned: number) => void;
}

export async function seedDemoInProcess(app: App, baseUrl: string, options: InProcessSeedOptions = {}): Promise<SeedSummary | undefined> {
  const tenantId = await app.identity.tenants.tenantIdForSlug(DEMO_SLUG);
  if (!tenantId) return undefined;
  const meta = { correlationId: 'demo-seed' };
  const props = app.identity.tenants.directory;
  const directory: SeedDirectory = {
    properties: async () => (await props.properties(tenantId)).map((p) => ({ id: p.id, name: p.name, roomsAvailable: p.roomsAvailable })),
    departments: async (propertyId) => (await props.departments(tenantId, propertyId)).map((d) => ({ id: d.id, code: d.code, usaliDepartment: d.usaliDepartment })),
    integrations: async (property, departments) => {
      const existing = await app.integrations.integrationsOf(tenantId);
      const out = new Map<SourceType, { id: string; secret: string }>();
      for (const type of SOURCE_TYPES) {
        const found = existing.find((i) => i.propertyId === property.id && i.sourceType === type && i.name === demoName(type));
        if (found) {
          const rotated = await app.integrations.rotateSecretAsSystem(tenantId, SEED_ACTOR, found.id, meta);
          out.set(type, { id: found.id, secret: rotated.secret });
          continue;
        }
        const { item, secret } = await app.integrations.createAsSystem(
          tenantId,
          SEED_ACTOR,
          {
            propertyId: property.id,
            sourceType: type,
            name: demoName(type),
            format: 'json',
            mappings: { departments: {}, accounts: type === 'ams' ? demoAccounts(departments) : {} },
            enabled: true,
            acceptance: 'row-level',
          },
          meta,
        );
        out.set(type, { id: item.id, secret });
      }
      return out;
    },
  };
  return seedDemoData({
    baseUrl,
    directory,
    outcome: async (integrationId, importId) => (await app.integrations.importStatus(tenantId, integrationId, importId)) ?? 'queued',
    ...(options.today ? { today: options.today } : {}),
    ...(options.historyDays ? { historyDays: options.historyDays } : {}),
    ...(options.aheadDays ? { aheadDays: options.aheadDays } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.progress ? { progress: options.progress } : {}),
  });
}

const MARKER = 'demo-data-imported.json';

/** When the demo data import last finished for the store kept in LOCAL_STATE_DIR (undefined: never). */
export function demoDataImportedAt(app: App): string | undefined {
  const file = join(app.config.LOCAL_STATE_DIR, MARKER);
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { completedAt?: string }).completedAt;
}

/**
 * The demo data import, once per kept store: a start on a store that was seeded and imported before
 * skips it (the import takes tens of seconds and would only re-send the same year). A store seeded
 * just now (`freshTenant`) is always imported, whatever an old marker says; an import a stop cut
 * short runs again (its deliveries are idempotent). The marker lives beside the store's snapshot
 * and is wiped with it (`npm run reset`).
 */
export async function importDemoDataOnce(
  app: App,
  baseUrl: string,
  freshTenant: boolean,
  options: InProcessSeedOptions = {},
): Promise<{ skipped: string } | { summary: SeedSummary | undefined }> {
  const done = freshTenant ? undefined : demoDataImportedAt(app);
  if (done) return { skipped: done };
  const summary = await seedDemoInProcess(app, baseUrl, options);
  if (summary && app.config.LOCAL_PERSIST) {
    mkdirSync(app.config.LOCAL_STATE_DIR, { recursive: true });
    const file = join(app.config.LOCAL_STATE_DIR, MARKER);
    writeFileSync(`${file}.tmp`, JSON.stringify({ completedAt: new Date().toISOString(), ...summary }));
    renameSync(`${file}.tmp`, file);
  }
  return { summary };
}
