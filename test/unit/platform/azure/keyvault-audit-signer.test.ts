import { describe, expect, it } from '@jest/globals';
import { decodeProtectedHeader } from 'jose';
import { keyVaultCheckpointSigner } from '../../../../shared/audit/signer.js';
import { verifyCheckpoints } from '../../../../shared/audit/verify.js';
import type { CheckpointClaims } from '../../../../shared/audit/chain.js';
import { FakeSigningVault } from '../../../support/fake-signing-vault.js';

const KEY = 'https://kv-test.vault.azure.net/keys/audit-signing';
const noCredential = () => ({ getToken: async () => null });

const claimsAt = (seq: number): CheckpointClaims => ({ tenantId: 't-1', seq, headHash: `hash-${seq}`, at: new Date(Date.UTC(2026, 0, seq)).toISOString() });
const record = (claims: CheckpointClaims, jws: string) => ({ ...claims, jws });

describe('KeyVaultSigner with the checkpoint policy (against a fake Key Vault that signs digests with real P-256 keys)', () => {
  it('signs checkpoints the verifier accepts with the published keys; kid is the thumbprint of the signing version', async () => {
    const vault = new FakeSigningVault(KEY);
    const v1 = vault.addVersion(Date.now() - 86_400_000);
    const signer = keyVaultCheckpointSigner(KEY, noCredential, vault);
    const c1 = claimsAt(100);
    const { jws, kid } = await signer.sign(c1);
    expect(decodeProtectedHeader(jws)).toMatchObject({ alg: 'ES256', kid, typ: expect.any(String) });
    expect(vault.cryptographyFor).toEqual([v1]);
    const jwks = await signer.publicKeys();
    expect(jwks.keys.map((k) => k.kid)).toEqual([kid]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(await verifyCheckpoints([record(c1, jws)], jwks, 't-1')).toEqual({ claims: [c1] });
    // A checkpoint whose stated values differ from the signed ones, or signed for another tenant, fails.
    expect((await verifyCheckpoints([{ ...record(c1, jws), headHash: 'forged' }], jwks, 't-1')).broken?.seq).toBe(100);
    expect((await verifyCheckpoints([record(c1, jws)], jwks, 't-2')).broken?.seq).toBe(100);
  });

  it('across a rotation: old checkpoints verify while their version is enabled, new ones are signed by the new version', async () => {
    const vault = new FakeSigningVault(KEY);
    vault.addVersion(Date.now() - 400 * 86_400_000);
    const signer = keyVaultCheckpointSigner(KEY, noCredential, vault);
    const old = claimsAt(1);
    const signedOld = await signer.sign(old);
    const v2 = vault.addVersion(Date.now());
    const recent = claimsAt(2);
    const signedNew = await signer.sign(recent);
    expect(signedNew.kid).not.toBe(signedOld.kid);
    expect(vault.cryptographyFor.at(-1)).toBe(v2);
    const both = [record(old, signedOld.jws), record(recent, signedNew.jws)];
    expect((await verifyCheckpoints(both, await signer.publicKeys(), 't-1')).claims).toEqual([old, recent]);

    // Disabling the old version unpublishes it: its checkpoints no longer verify (keep it enabled, verify-only).
    vault.versions[0]!.enabled = false;
    const result = await verifyCheckpoints(both, await signer.publicKeys(), 't-1');
    expect(result.broken?.seq).toBe(1);
  });

  it('a key id with a version pins signing to that version', async () => {
    const vault = new FakeSigningVault(KEY);
    const v1 = vault.addVersion(Date.now() - 86_400_000);
    vault.addVersion(Date.now());
    const signer = keyVaultCheckpointSigner(v1, noCredential, vault);
    const c = claimsAt(5);
    const { jws } = await signer.sign(c);
    expect(vault.cryptographyFor).toEqual([v1]);
    expect((await verifyCheckpoints([record(c, jws)], await signer.publicKeys(), 't-1')).claims).toEqual([c]);
  });

  it('refuses a key URL that is not a Key Vault key', () => {
    expect(() => keyVaultCheckpointSigner('https://kv-test.vault.azure.net/secrets/audit', noCredential)).toThrow('AUDIT_SIGNING_KEY_ID');
  });
});
