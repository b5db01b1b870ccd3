import { beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JWK, type JWTVerifyGetKey } from 'jose';
import { validateIdToken } from '../../../../shared/identity/sso/id-token.js';
import { SsoError } from '../../../../shared/identity/sso/errors.js';

const TID = '11111111-2222-4333-8444-555555555555';
const OTHER_TID = '99999999-2222-4333-8444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const OID = '12345678-1234-4234-8234-123456789012';
const ISSUER = `https://login.microsoftonline.com/${TID}/v2.0`;

let privateJwk: JWK;
let keys: JWTVerifyGetKey;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  privateJwk = { ...(await exportJWK(privateKey)), kid: 'k1' };
  keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig' }] });
});

const now = () => Math.floor(Date.now() / 1000);
const base = () => ({ iss: ISSUER, aud: CLIENT, tid: TID, oid: OID, sub: 'pairwise-sub', nonce: 'n-1', iat: now(), nbf: now() - 10, exp: now() + 3600, name: 'Ana', email: 'ana@x.example', amr: ['pwd', 'mfa'] });

async function sign(claims: Record<string, unknown>, alg = 'RS256'): Promise<string> {
  const key = alg === 'HS256' ? new TextEncoder().encode('a-shared-secret-of-sufficient-length!') : await importJWK({ ...privateJwk, alg }, alg);
  return new SignJWT(claims).setProtectedHeader({ alg, kid: 'k1' }).sign(key);
}

async function reason(token: string, over: Partial<Parameters<typeof validateIdToken>[1]> = {}): Promise<string> {
  try {
    await validateIdToken(token, { issuer: ISSUER, entraTenantId: TID, clientId: CLIENT, nonce: 'n-1', keys, ...over });
    return 'ok';
  } catch (err) {
    if (err instanceof SsoError) return err.code;
    throw err;
  }
}

describe('validateIdToken', () => {
  it('returns tid:oid, amr and profile claims of a valid token', async () => {
    const who = await validateIdToken(await sign(base()), { issuer: ISSUER, entraTenantId: TID, clientId: CLIENT, nonce: 'n-1', keys });
    expect(who).toMatchObject({ tid: TID, oid: OID, amr: ['pwd', 'mfa'], email: 'ana@x.example', name: 'Ana' });
  });

  it('tells a token that lists the groups from one that could not (group overage)', async () => {
    const expect_ = { issuer: ISSUER, entraTenantId: TID, clientId: CLIENT, nonce: 'n-1', keys };
    const G = 'aaaaaaaa-0000-4000-8000-000000000001';
    expect(await validateIdToken(await sign({ ...base(), groups: [G, 7] }), expect_)).toMatchObject({ groups: [G], groupsOverage: false });
    expect(await validateIdToken(await sign(base()), expect_)).toMatchObject({ groups: [], groupsOverage: false });
    const overage = { ...base(), _claim_names: { groups: 'src1' }, _claim_sources: { src1: { endpoint: 'https://graph.microsoft.com/v1.0/users/x/getMemberObjects' } } };
    expect(await validateIdToken(await sign(overage), expect_)).toMatchObject({ groups: [], groupsOverage: true });
    expect(await validateIdToken(await sign({ ...base(), hasgroups: true }), expect_)).toMatchObject({ groupsOverage: true });
  });

  it('pins the tenant: issuer and tid must both be the configured tenant', async () => {
    expect(await reason(await sign({ ...base(), iss: `https://login.microsoftonline.com/${OTHER_TID}/v2.0`, tid: OTHER_TID }))).toBe('issuer_mismatch');
    expect(await reason(await sign({ ...base(), tid: OTHER_TID }))).toBe('tenant_mismatch');
    expect(await reason(await sign({ ...base(), iss: 'https://login.microsoftonline.com/{tenantid}/v2.0' }))).toBe('issuer_mismatch');
    expect(await reason(await sign({ ...base(), tid: undefined }))).toBe('tenant_mismatch');
  });

  it('checks audience, nonce, expiry and not-before', async () => {
    expect(await reason(await sign({ ...base(), aud: 'someone-else' }))).toBe('audience_mismatch');
    expect(await reason(await sign({ ...base(), aud: [CLIENT, 'someone-else'] }))).toBe('audience_mismatch');
    expect(await reason(await sign({ ...base(), nonce: 'n-2' }))).toBe('nonce_mismatch');
    expect(await reason(await sign({ ...base(), nonce: undefined }))).toBe('nonce_mismatch');
    expect(await reason(await sign({ ...base(), exp: now() - 3600 }))).toBe('token_expired');
    expect(await reason(await sign({ ...base(), nbf: now() + 3600 }))).toBe('id_token_invalid');
    expect(await reason(await sign({ ...base(), exp: undefined }))).toBe('id_token_invalid');
  });

  it('accepts RS256 only', async () => {
    expect(await reason(await sign(base(), 'PS256'))).toBe('algorithm_not_allowed');
    expect(await reason(await sign(base(), 'RS512'))).toBe('algorithm_not_allowed');
    expect(await reason(await sign(base(), 'HS256'))).toBe('algorithm_not_allowed');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify(base())).toString('base64url')}.`;
    expect(await reason(none)).toBe('algorithm_not_allowed');
  });

  it('refuses a token signed by a key the authority does not publish', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(base()).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
    expect(await reason(forged)).toBe('signature_invalid');
  });

  it('requires an oid GUID: the identity is tid:oid, never e-mail or UPN', async () => {
    expect(await reason(await sign({ ...base(), oid: undefined, preferred_username: 'ana@x.example' }))).toBe('id_token_invalid');
    expect(await reason(await sign({ ...base(), oid: 'ana@x.example' }))).toBe('id_token_invalid');
  });
});
