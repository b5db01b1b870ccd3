import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import { isSealed } from '../../platform/crypto/field-cipher.js';
import { PLATFORM_TENANT } from '../../platform/topology.js';
import { SsoError } from './errors.js';

export const FLOW_COOKIE = 'pmi_sso';
export const FLOW_COOKIE_PATH = '/api/v1/auth/sso';

/** What the browser carries between start and callback: nothing of it is readable or forgeable by the browser. */
export interface FlowState {
  tenantId: string;
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
  expiresAt: number;
}

const CTX = { tenantId: PLATFORM_TENANT, subjectId: 'sso-flow', field: 'sso.flow' } as const;

/**
 * Seals the flow state with AES-256-GCM under a platform key from the key ring (authenticated
 * encryption: the cookie can be neither read nor altered), base64url for the cookie value.
 */
export async function sealFlow(cipher: FieldCipher, flow: FlowState): Promise<string> {
  const sealed = await cipher.seal(CTX, JSON.stringify(flow));
  return Buffer.from(JSON.stringify(sealed)).toString('base64url');
}

export async function openFlow(cipher: FieldCipher, value: string | undefined, now = Date.now()): Promise<FlowState> {
  if (!value) throw new SsoError('state_missing');
  let flow: FlowState;
  try {
    const sealed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!isSealed(sealed)) throw new Error('not sealed');
    const opened = await cipher.open(CTX, sealed);
    if (opened.redacted) throw new Error('key gone');
    flow = JSON.parse(opened.value) as FlowState;
  } catch {
    throw new SsoError('state_mismatch', 'flow cookie could not be opened');
  }
  if (flow.expiresAt <= now) throw new SsoError('state_expired');
  return flow;
}
