import { describe, expect, it } from '@jest/globals';
import { configSchema, loadConfig } from '../../../shared/platform/config.js';
import { ENTRA_ID_SETTINGS, entraSignIns } from '../../../shared/platform/entra-credential.js';

const COSMOS_WITH_KEY = { COSMOS_ENDPOINT: 'https://pmi.documents.azure.com:443/', COSMOS_KEY: 'a2V5' };

describe('settings that sign in with Entra ID', () => {
  it('none on the local defaults', () => {
    expect(entraSignIns(loadConfig({}))).toEqual([]);
  });

  it('an SSO client certificate alone (with a keyed Cosmos DB) needs the credential', () => {
    const config = loadConfig({ ...COSMOS_WITH_KEY, SSO_CLIENT_CERTIFICATE_ID: 'https://pmi-kv.vault.azure.net/certificates/sso-client' });
    expect(entraSignIns(config)).toEqual(['SSO_CLIENT_CERTIFICATE_ID']);
  });

  it('Cosmos DB only without a key, ACS only with both halves set', () => {
    expect(entraSignIns(loadConfig(COSMOS_WITH_KEY))).toEqual([]);
    expect(entraSignIns(loadConfig({ COSMOS_ENDPOINT: COSMOS_WITH_KEY.COSMOS_ENDPOINT }))).toEqual(['COSMOS_ENDPOINT']);
    expect(entraSignIns(loadConfig({ ACS_EMAIL_ENDPOINT: 'https://pmi.communication.azure.com' }))).toEqual([]);
    expect(entraSignIns(loadConfig({ ACS_EMAIL_ENDPOINT: 'https://pmi.communication.azure.com', ACS_EMAIL_SENDER: 'noreply@pmi.example' }))).toEqual(['ACS_EMAIL_ENDPOINT']);
    expect(entraSignIns(loadConfig({ ACS_SMS_ENDPOINT: 'https://pmi.communication.azure.com', ACS_SMS_FROM: '+358401234567' }))).toEqual(['ACS_SMS_ENDPOINT']);
  });

  it('lists every setting that names an Azure resource reached with a credential (key and certificate ids, namespaces, endpoints)', () => {
    const azureResources = Object.keys(configSchema.shape).filter((k) => /(_KEY_ID|_CERTIFICATE_ID|_NAMESPACE|_ENDPOINT)$/.test(k));
    expect(azureResources.length).toBeGreaterThan(0);
    expect(azureResources.filter((k) => !ENTRA_ID_SETTINGS.some((s) => s.setting === k))).toEqual([]);
  });
});
