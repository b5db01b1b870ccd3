import type { Platform } from '../platform/platform.js';
import { auditEvent } from '../audit/emit.js';
import type { ImportItem, RawChunkItem } from './model.js';
import type { DeadLetters } from '../platform/bus/dead-letters.js';
import { importsOf, type ImportProcessor } from './processor.js';
import type { RawStore } from './raw-store.js';
import { z } from 'zod';

const deadBody = z.object({ tenantId: z.string().min(1), integrationId: z.string().min(1), propertyId: z.string().min(1).optional(), importId: z.string().min(1), run: z.number().int().min(1) });

/**
 * Records every dead-lettered import message as a failed import with the broker's reason, then
 * removes it from the dead-letter queue. Messages that name no import are logged and removed.
 */
export async function sweepDeadLetters(platform: Platform, deadLetters: DeadLetters, processor: ImportProcessor, max = 100): Promise<number> {
  let recorded = 0;
  for (;;) {
    const batch = await deadLetters.take('imports', max);
    if (batch.length === 0) return recorded;
    for (const d of batch) {
      const parsed = deadBody.safeParse(d.body);
      if (!parsed.success) {
        platform.log.warn('dead-lettered import message is unreadable; dropped', { reason: d.deadLetterReason });
        continue;
      }
      const m = parsed.data;
      const item = await (await importsOf(platform, m))?.read(m.importId);
      if (!item || item.type !== 'import' || (item.processedRun ?? 0) >= m.run) continue;
      await processor.finish(item, m.run, new Date(), {
        status: 'failed',
        failure: { reason: 'deadLettered', detail: `${d.deadLetterReason || 'unknown'}: ${d.deadLetterErrorDescription}`.slice(0, 2000) },
      });
      recorded += 1;
    }
    await deadLetters.settle('imports', batch);
    if (batch.length < max) return recorded;
  }
}

/**
 * Deletes raw bodies older than the retention period: inline ones are removed from their import
 * records — and from the file records of file integrations, sealed the same way — which stay,
 * marked purged; blobs are deleted, and chunk items (bodies stored before blobs) with them. Facts and aggregates stay.
 */
export async function purgeRawBodies(platform: Platform, raw: RawStore, retentionDays: number, batch = 500): Promise<number> {
  const cutoff = new Date(Date.now() - retentionDays * 86_400_000).toISOString();
  let purged = 0;
  const perTenant = new Map<string, number>();
  for (;;) {
    const due = await platform.store.scan<Pick<ImportItem, 'id' | 'tenantId' | 'propertyId' | 'raw'>>(
      'imports',
      "SELECT c.id, c.tenantId, c.propertyId, c.raw FROM c WHERE (c.type = 'import' OR c.type = 'file') AND c.receivedAt < @cutoff AND NOT IS_DEFINED(c.raw.purgedAt)",
      { cutoff },
      batch,
    );
    for (const item of due) {
      await raw.purge(item, { purgedAt: new Date().toISOString() });
      purged += 1;
      perTenant.set(item.tenantId, (perTenant.get(item.tenantId) ?? 0) + 1);
    }
    if (due.length < batch) break;
  }
  for (;;) {
    const chunks = await platform.store.scan<Pick<RawChunkItem, 'id' | 'tenantId' | 'propertyId'>>(
      'imports',
      "SELECT c.id, c.tenantId, c.propertyId FROM c WHERE c.type = 'importRaw' AND c.receivedAt < @cutoff",
      { cutoff },
      batch,
    );
    for (const c of chunks) await platform.store.collection('imports', c.tenantId).scoped(c.propertyId).delete(c.id);
    if (chunks.length < batch) break;
  }
  for (const [tenantId, count] of perTenant) {
    await platform.outbox.emit(tenantId, [
      await auditEvent(platform.cipher, {
        tenantId,
        actor: { type: 'system', id: 'importsRawRetention' },
        action: 'import.raw_purged',
        outcome: 'success',
        details: { imports: count, retentionDays, receivedBefore: cutoff },
      }),
    ]);
  }
  if (purged > 0) platform.log.info('raw import bodies purged', { purged, retentionDays });
  return purged;
}

