import type { Config } from './config.js';

/**
 * The settings that make a dependency sign in with the app's Entra ID credential, each with the
 * condition under which it does (Cosmos DB only without a key; ACS only once both halves are set).
 * The composition root loads @azure/identity only when one of them holds, so a setting missing here
 * makes the credential throw at its first use: a consumer of the credential adds its setting here.
 */
export const ENTRA_ID_SETTINGS: ReadonlyArray<{ setting: keyof Config; signsIn: (config: Config) => boolean }> = [
  { setting: 'COSMOS_ENDPOINT', signsIn: (c) => Boolean(c.COSMOS_ENDPOINT && !c.COSMOS_KEY) },
  { setting: 'SERVICEBUS_NAMESPACE', signsIn: (c) => Boolean(c.SERVICEBUS_NAMESPACE) },
  { setting: 'STORAGE_ACCOUNT_URL', signsIn: (c) => Boolean(c.STORAGE_ACCOUNT_URL) },
  { setting: 'KEYVAULT_KEY_ID', signsIn: (c) => Boolean(c.KEYVAULT_KEY_ID) },
  { setting: 'TOKEN_SIGNING_KEY_ID', signsIn: (c) => Boolean(c.TOKEN_SIGNING_KEY_ID) },
  { setting: 'AUDIT_SIGNING_KEY_ID', signsIn: (c) => Boolean(c.AUDIT_SIGNING_KEY_ID) },
  { setting: 'ACS_EMAIL_ENDPOINT', signsIn: (c) => Boolean(c.ACS_EMAIL_ENDPOINT && c.ACS_EMAIL_SENDER) },
  { setting: 'ACS_SMS_ENDPOINT', signsIn: (c) => Boolean(c.ACS_SMS_ENDPOINT && c.ACS_SMS_FROM) },
  { setting: 'SSO_CLIENT_CERTIFICATE_ID', signsIn: (c) => Boolean(c.SSO_CLIENT_CERTIFICATE_ID) },
];

/** The settings of `config` that sign in with Entra ID (empty: no Azure credential is needed). */
export function entraSignIns(config: Config): Array<keyof Config> {
  return ENTRA_ID_SETTINGS.filter((s) => s.signsIn(config)).map((s) => s.setting);
}
