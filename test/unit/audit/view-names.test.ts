import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { AuditViewRenderer } from '../../../shared/audit/views.js';
import type { PersonNames } from '../../../shared/audit/names.js';
import { buildEntry, GENESIS_HASH, type ChainEntry } from '../../../shared/audit/chain.js';
import { CheckpointScheduler } from '../../../shared/audit/checkpoint-due.js';
import type { OutgoingMessage } from '../../../shared/platform/bus/types.js';
import type { FieldCipher } from '../../../shared/platform/crypto/field-cipher.js';

/** A directory that counts how often it is asked (each ask is a store read and a key unwrap in the app). */
class CountingNames implements PersonNames {
  asked = 0;
  async displayName(_tenantId: string, userId: string): Promise<string | null> {
    this.asked += 1;
    return userId === 'gone' ? '[redacted]' : `Name of ${userId}`;
  }
}

function page(n: number): ChainEntry[] {
  const out: ChainEntry[] = [];
  let head = { seq: 0, hash: GENESIS_HASH };
  for (let i = 1; i <= n; i++) {
    const entry = buildEntry(
      { id: `e${i}`, tenantId: 't', occurredAt: new Date().toISOString(), actor: { type: 'user', id: 'ana' }, action: 'user.updated', target: { type: 'user', id: i % 2 ? 'bob' : 'gone' }, outcome: 'success' },
      head,
      new Date(),
    );
    out.push(entry);
    head = entry;
  }
  return out;
}

describe('audit view names', () => {
  it('opens each person once per rendering, however many entries name them', async () => {
    const names = new CountingNames();
    const renderer = new AuditViewRenderer({} as FieldCipher, names);
    const cache = renderer.nameCache();
    const views = [];
    for (const e of page(1000)) views.push(await renderer.render(e, { full: false, network: false }, cache));
    expect(names.asked).toBe(3); // ana, bob, gone
    expect(views[0]).toMatchObject({ actor: { display: 'Name of ana' }, target: { display: 'Name of bob' } });
    expect(views[1]).toMatchObject({ target: { display: '[redacted]' } });
    // A new request asks again: a redaction in between shows at once.
    await renderer.render(page(1)[0] as ChainEntry, { full: false, network: false }, renderer.nameCache());
    expect(names.asked).toBe(5);
  });
});

describe('CheckpointScheduler', () => {
  it('asks once per tenant and window, for the end of the window, with a message id every instance shares', async () => {
    const sent: OutgoingMessage[] = [];
    let now = 120_500;
    const bus = { publish: async (_q: string, m: OutgoingMessage[]) => void sent.push(...m) };
    const due = new CheckpointScheduler(bus, 60_000, () => now);
    for (let i = 0; i < 100; i++) await due.appended('a');
    await due.appended('b');
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatchObject({ sessionId: 'a', body: { type: 'auditCheckpointDue', tenantId: 'a' }, scheduledEnqueueTimeUtc: new Date(180_000) });
    const other = new CheckpointScheduler(bus, 60_000, () => now);
    await other.appended('a');
    expect(sent[2]!.messageId).toBe(sent[0]!.messageId); // the bus's duplicate detection keeps one
    now = 180_000;
    await due.appended('a');
    expect(sent[3]).toMatchObject({ scheduledEnqueueTimeUtc: new Date(240_000) });
    expect(sent[3]!.messageId).not.toBe(sent[0]!.messageId);
  });

  it('asks nothing when prompt checkpoints are off', async () => {
    const sent: OutgoingMessage[] = [];
    const due = new CheckpointScheduler({ publish: async (_q, m) => void sent.push(...m) }, 0);
    await due.appended(randomBytes(4).toString('hex'));
    expect(sent).toEqual([]);
  });
});
