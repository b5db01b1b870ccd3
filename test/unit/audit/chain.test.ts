import { describe, expect, it } from '@jest/globals';
import { CompactSign, exportJWK, generateKeyPair, calculateJwkThumbprint, type JSONWebKeySet } from 'jose';
import { buildEntry, entryHash, entryId, GENESIS_HASH, hashInput, type ChainEntry } from '../../../shared/audit/chain.js';
import { ChainVerifier, verifyCheckpoints, verifyExport, CHECKPOINT_JWS_TYPE, bySeq } from '../../../shared/audit/verify.js';
import type { AuditEvent } from '../../../shared/audit/event.js';

const tenantId = 't-unit';

function event(i: number): AuditEvent {
  return {
    id: `evt-${i}`,
    tenantId,
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    actor: { type: 'user', id: `u${i % 3}` },
    action: 'user.invited',
    target: { type: 'user', id: `target-${i}` },
    outcome: 'success',
    details: { n: i },
  };
}

function chain(n: number): ChainEntry[] {
  const out: ChainEntry[] = [];
  let prev = { seq: 0, hash: GENESIS_HASH };
  for (let i = 1; i <= n; i++) {
    const e = buildEntry(event(i), prev, new Date(Date.UTC(2026, 0, 1, 1, 0, i)));
    out.push(e);
    prev = e;
  }
  return out;
}

function verify(entries: Record<string, unknown>[], checkpoints: { tenantId: string; seq: number; headHash: string; at: string }[] = []) {
  const v = new ChainVerifier({ tenantId }, checkpoints);
  for (const e of [...entries].sort(bySeq)) if (!v.push(e)) break;
  return v.finish();
}

const clone = (entries: ChainEntry[]): Record<string, unknown>[] => JSON.parse(JSON.stringify(entries));

describe('hash rule', () => {
  it('hashes the JCS form of every field but id and hash, prevHash included', () => {
    const [first] = chain(1);
    expect(first!.prevHash).toBe(GENESIS_HASH);
    expect(first!.id).toBe(entryId(1));
    expect(first!.id).toBe('entry:000000000001');
    const input = hashInput(first as unknown as Record<string, unknown>);
    expect(input).not.toContain('"hash"');
    expect(input).not.toContain('entry:000000000001');
    expect(input).toContain(`"prevHash":"${GENESIS_HASH}"`);
    // JCS: keys sorted, no whitespace.
    expect(input.startsWith('{"action":"user.invited","actorId":"u1","actorType":"user","eventId":"evt-1"')).toBe(true);
    expect(first!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHash({ ...first, _etag: 'x', _ts: 1 } as Record<string, unknown>)).toBe(first!.hash);
  });

  it('never lets recordedAt go backwards', () => {
    const [a] = chain(1);
    const b = buildEntry(event(2), a!, new Date(Date.UTC(2020, 0, 1)));
    expect(b.recordedAt).toBe(a!.recordedAt);
  });
});

describe('ChainVerifier', () => {
  it('accepts an intact chain', () => {
    expect(verify(clone(chain(6)))).toEqual({ ok: true, checkedFrom: 1, checkedTo: 6, entries: 6, unsignedTail: 6 });
  });

  it('reports how many entries follow the last signed checkpoint', () => {
    const entries = chain(6);
    const cp = { tenantId, seq: 4, headHash: entries[3]!.hash, at: new Date().toISOString() };
    expect(verify(clone(entries), [cp])).toMatchObject({ ok: true, unsignedTail: 2 });
    const head = { ...cp, seq: 6, headHash: entries[5]!.hash };
    expect(verify(clone(entries), [cp, head])).toMatchObject({ ok: true, unsignedTail: 0 });
  });

  it('reports an empty chain as intact with nothing checked', () => {
    expect(verify([])).toEqual({ ok: true, checkedFrom: 0, checkedTo: 0, entries: 0, unsignedTail: 0 });
  });

  it('detects a changed field at its seq', () => {
    const c = clone(chain(6));
    (c[3]!.payload as { outcome: string }).outcome = 'failure';
    expect(verify(c)).toMatchObject({ ok: false, firstBrokenSeq: 4 });
  });

  it('detects a changed field whose hash was recomputed, at the next link', () => {
    const c = clone(chain(6));
    c[3]!.action = 'user.removed';
    c[3]!.hash = entryHash(c[3]!);
    expect(verify(c)).toMatchObject({ ok: false, firstBrokenSeq: 5, reason: 'prevHash does not match the previous entry' });
  });

  it('detects a deleted entry at its seq', () => {
    const c = clone(chain(6));
    c.splice(2, 1);
    expect(verify(c)).toMatchObject({ ok: false, firstBrokenSeq: 3, reason: 'entry 3 is missing' });
  });

  it('detects an inserted entry claiming an existing seq', () => {
    const c = clone(chain(6));
    const forged = buildEntry({ ...event(99), id: 'forged' }, chain(6)[1]!, new Date());
    c.push({ ...forged, id: 'entry:000000000003-forged' } as unknown as Record<string, unknown>);
    expect(verify(c)).toMatchObject({ ok: false, firstBrokenSeq: 3 });
  });

  it('detects two swapped entries at the first of them', () => {
    const c = clone(chain(6));
    const a = c[1]!;
    const b = c[2]!;
    c[1] = { ...b, id: a.id };
    c[2] = { ...a, id: b.id };
    expect(verify(c)).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });

  it('detects a dropped tail against the last checkpoint', () => {
    const full = chain(6);
    const cp = { tenantId, seq: 6, headHash: full[5]!.hash, at: '2026-01-01T02:00:00.000Z' };
    expect(verify(clone(full), [cp]).ok).toBe(true);
    expect(verify(clone(full).slice(0, 4), [cp])).toMatchObject({ ok: false, firstBrokenSeq: 5 });
  });

  it('detects a rewritten chain that disagrees with a signed head', () => {
    const full = chain(6);
    const cp = { tenantId, seq: 4, headHash: full[3]!.hash, at: '2026-01-01T02:00:00.000Z' };
    // Rebuild from 3 on with a different event: internally consistent, but not what was signed.
    const rebuilt: ChainEntry[] = full.slice(0, 2);
    let prev: ChainEntry = full[1]!;
    for (let i = 3; i <= 6; i++) {
      prev = buildEntry({ ...event(i), action: 'role.updated' }, prev, new Date());
      rebuilt.push(prev);
    }
    expect(verify(clone(rebuilt), [cp])).toMatchObject({ ok: false, firstBrokenSeq: 4, reason: 'entry hash does not match the signed checkpoint' });
  });

  it('refuses an entry of another tenant', () => {
    const c = clone(chain(3));
    c[1]!.tenantId = 'other';
    expect(verify(c)).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });
});

async function keyPair() {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  const jwks: JSONWebKeySet = { keys: [{ ...jwk, kid, alg: 'ES256' }] };
  const sign = (claims: object) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg: 'ES256', kid, typ: CHECKPOINT_JWS_TYPE }).sign(privateKey);
  return { jwks, sign };
}

describe('checkpoint signatures', () => {
  it('accepts a checkpoint signed by a published key and refuses altered claims or another key', async () => {
    const { jwks, sign } = await keyPair();
    const other = await keyPair();
    const claims = { tenantId, seq: 3, headHash: 'a'.repeat(64), at: '2026-01-01T00:00:00.000Z' };
    const jws = await sign(claims);
    expect((await verifyCheckpoints([{ ...claims, jws }], jwks, tenantId)).broken).toBeUndefined();
    expect((await verifyCheckpoints([{ ...claims, headHash: 'b'.repeat(64), jws }], jwks, tenantId)).broken).toMatchObject({ seq: 3 });
    expect((await verifyCheckpoints([{ ...claims, jws }], other.jwks, tenantId)).broken).toMatchObject({ seq: 3 });
    expect((await verifyCheckpoints([{ ...claims, jws }], jwks, 'other-tenant')).broken).toMatchObject({ seq: 3 });
  });
});

describe('verifyExport', () => {
  async function exportText(n: number) {
    const { jwks, sign } = await keyPair();
    const entries = chain(n);
    const cps = [];
    for (const seq of [2, n]) {
      const claims = { tenantId, seq, headHash: entries[seq - 1]!.hash, at: '2026-01-01T03:00:00.000Z' };
      cps.push({ type: 'auditCheckpoint', ...claims, jws: await sign(claims) });
    }
    const meta = { type: 'auditExportMeta', format: 1, tenantId, exportedAt: '2026-01-02T00:00:00.000Z', firstSeq: 1, lastSeq: n, prevHash: GENESIS_HASH, keysUrl: 'http://x/keys' };
    const lines = [meta, ...cps, ...entries].map((l) => JSON.stringify(l));
    return { text: lines.join('\n') + '\n', jwks };
  }

  it('verifies an intact export', async () => {
    const { text, jwks } = await exportText(5);
    expect(await verifyExport(text, jwks)).toMatchObject({ ok: true, checkedFrom: 1, checkedTo: 5, entries: 5, checkpoints: 2 });
  });

  it('fails when any one byte of an entry line changes', async () => {
    const { text, jwks } = await exportText(5);
    const at = text.indexOf('"details":{"n":3}');
    const changed = text.slice(0, at) + text.slice(at).replace('"n":3', '"n":4');
    expect(await verifyExport(changed, jwks)).toMatchObject({ ok: false, firstBrokenSeq: 3 });
  });

  it('fails when a signature byte changes', async () => {
    const { text, jwks } = await exportText(5);
    const lines = text.split('\n');
    const cp = JSON.parse(lines[1]!) as { jws: string };
    const sig = cp.jws.slice(-10);
    const flipped = sig[0] === 'A' ? 'B' + sig.slice(1) : 'A' + sig.slice(1);
    lines[1] = JSON.stringify({ ...cp, jws: cp.jws.slice(0, -10) + flipped });
    expect(await verifyExport(lines.join('\n'), jwks)).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });

  it('fails when the tail of the export is cut off', async () => {
    const { text, jwks } = await exportText(5);
    const lines = text.trimEnd().split('\n');
    expect(await verifyExport(lines.slice(0, -1).join('\n'), jwks)).toMatchObject({ ok: false, firstBrokenSeq: 5 });
  });

  it('refuses a file that is not an export', async () => {
    const { jwks } = await keyPair();
    expect(await verifyExport('hello\n', jwks)).toMatchObject({ ok: false });
  });
});

describe('jcs', () => {
  it('writes exactly what the canonicalize package (RFC 8785) writes', async () => {
    const { default: canonicalize } = await import('canonicalize');
    const { jcs } = await import('../../../shared/audit/chain.js');
    const samples: unknown[] = [
      ...chain(3),
      { '€': 1, a: [1, 'x', null, true, { z: 1e21, y: 1e-7, x: -0, w: 0.1 + 0.2 }], '\u0080': 'é\n"\\', 'b\u0001': '\u2028' },
      { numbers: [1e9 / 3, 1e30, 4.5, 2e-3, 0.000001, 1e-7, 2 ** 53 + 2, -5, 1 / 3] },
      [undefined, 'a'],
      { skip: undefined, keep: 1 },
      'plain',
      42,
      null,
    ];
    for (const s of samples) expect(jcs(s)).toBe(canonicalize(s));
  });

  it('refuses what JCS refuses', () => {
    expect(() => hashInput({ x: NaN })).toThrow();
    expect(() => hashInput({ x: Infinity })).toThrow();
    expect(() => hashInput({ x: '\ud800' })).toThrow();
  });
});
