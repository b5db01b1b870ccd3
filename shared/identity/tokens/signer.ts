import type { TokenCredential } from '@azure/identity';
import type { Config } from '../../platform/config.js';
import type { Log } from '../../platform/log.js';
import type { Es256Signer } from '../../platform/keys/es256-signer.js';
import type { KeyVaultSignerPolicy } from '../../platform/keys/keyvault-signer.js';
import { openLocalTokenSigner } from './local-signer.js';

/** How long the Key Vault version list (JWKS and signing version) is kept before Key Vault is asked again. */
const REFRESH_MS = 10 * 60_000;

/**
 * Access tokens name the Key Vault version that signed them (`kid` = its URL). Verification asks the
 * signer on every request, so the list is cached; a version signs only once every instance's JWKS
 * cache (plus clock skew) lists it; a failed refresh keeps the last list for a Key Vault outage of up
 * to six hours.
 */
export const TOKEN_KEY_POLICY: KeyVaultSignerPolicy = {
  kid: 'version-url',
  refreshMs: REFRESH_MS,
  publishBeforeUseMs: REFRESH_MS + 60_000,
  staleLimitMs: 6 * 60 * 60_000,
};

/**
 * The access-token signer: the Key Vault key TOKEN_SIGNING_KEY_ID in Azure, rotating local keys in
 * LOCAL_STATE_DIR otherwise. The Key Vault signer is loaded only when configured (cold start).
 */
export async function createTokenSigner(config: Config, log: Log, credential: () => TokenCredential): Promise<Es256Signer> {
  if (!config.TOKEN_SIGNING_KEY_ID) return openLocalTokenSigner(config.LOCAL_STATE_DIR, config.TOKEN_KEY_ROTATION_DAYS, log);
  const { KeyVaultSigner } = await import('../../platform/keys/keyvault-signer.js');
  return new KeyVaultSigner({ keyId: config.TOKEN_SIGNING_KEY_ID, setting: 'TOKEN_SIGNING_KEY_ID', policy: TOKEN_KEY_POLICY, credential });
}
