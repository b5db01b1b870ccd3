import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { CheckpointSigner, openLocalCheckpointKey } from '../../../shared/audit/signer.js';
import { verifyCheckpoints } from '../../../shared/audit/verify.js';
import { processLog } from '../../../shared/platform/log.js';

const log = processLog('error');

describe('the local audit checkpoint key', () => {
  it('a key file written by earlier versions keeps its kid and signs checkpoints that verify', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmi-audit-key-'));
    // What the earlier LocalAuditSigner wrote: jose's exported private JWK and a newline.
    const jwk = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
    writeFileSync(join(dir, 'audit-signing-key.json'), JSON.stringify(jwk) + '\n', { mode: 0o600 });
    const expectedKid = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } as JWK);

    const signer = new CheckpointSigner(await openLocalCheckpointKey(dir, log));
    const claims = { tenantId: 't-1', seq: 1, headHash: 'hash-1', at: '2026-01-01T00:00:00.000Z' };
    const { jws, kid } = await signer.sign(claims);
    expect(kid).toBe(expectedKid);
    const jwks = await signer.publicKeys();
    expect(jwks.keys).toEqual([{ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: expectedKid, alg: 'ES256', use: 'sig' }]);
    expect(await verifyCheckpoints([{ ...claims, jws }], jwks, 't-1')).toEqual({ claims: [claims] });
  });
});
