import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../../shared/platform/config.js';

describe('configuration', () => {
  it('has working defaults for local runs', () => {
    const c = loadConfig({});
    expect(c.APP_ENV).toBe('local');
    expect(c.PORT).toBe(7071);
    expect(c.COSMOS_ENDPOINT).toBeUndefined();
    expect(c.COSMOS_PREFERRED_REGIONS).toEqual(['North Europe', 'West Europe']);
  });

  it('names every bad setting', () => {
    expect(() => loadConfig({ PORT: 'seventy', LOCAL_KEK: 'c2hvcnQ=' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'seventy', LOCAL_KEK: 'c2hvcnQ=', SERVICEBUS_NAMESPACE: 'not-a-namespace' });
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).toMatch(/LOCAL_KEK: must be 32 bytes/);
      expect((err as Error).message).toMatch(/SERVICEBUS_NAMESPACE/);
    }
  });

  it('refuses to run in Azure on embedded defaults', () => {
    expect(() => loadConfig({ WEBSITE_SITE_NAME: 'pmi-prod-func' })).toThrow(/COSMOS_ENDPOINT: required in Azure/);
  });
});

describe('configuration in Azure', () => {
  const azure = {
    WEBSITE_SITE_NAME: 'pmi-prod-func',
    COSMOS_ENDPOINT: 'https://pmi.documents.azure.com:443/',
    SERVICEBUS_NAMESPACE: 'pmi.servicebus.windows.net',
    STORAGE_ACCOUNT_URL: 'https://pmifiles.blob.core.windows.net',
    KEYVAULT_KEY_ID: 'https://pmi.vault.azure.net/keys/data-kek',
    TOKEN_SIGNING_KEY_ID: 'https://pmi.vault.azure.net/keys/token-signing',
    AUDIT_SIGNING_KEY_ID: 'https://pmi.vault.azure.net/keys/audit-signing',
    PASSWORD_PEPPER: Buffer.alloc(32, 7).toString('base64'),
    WEB_APP_URL: 'https://app.pmi.example',
  };

  it('trusts no browser origin it was not given', () => {
    expect(loadConfig(azure).CORS_ORIGINS).toEqual([]);
    expect(loadConfig({ ...azure, CORS_ORIGINS: 'https://app.pmi.example' }).CORS_ORIGINS).toEqual(['https://app.pmi.example']);
  });

  it('never links e-mails to a developer machine: the web client URL, else its first origin, else no start', () => {
    const { WEB_APP_URL: _w, ...noWebApp } = azure;
    expect(loadConfig(azure).WEB_APP_URL).toBe('https://app.pmi.example');
    expect(loadConfig({ ...noWebApp, WEB_CLIENT_ORIGINS: 'https://hotels.example,https://b.example' }).WEB_APP_URL).toBe('https://hotels.example');
    expect(loadConfig({ ...noWebApp, CORS_ORIGINS: 'https://cors.example' }).WEB_APP_URL).toBe('https://cors.example');
    expect(() => loadConfig(noWebApp)).toThrow(/WEB_APP_URL: required in Azure/);
  });

  it('names each missing Azure setting', () => {
    const { AUDIT_SIGNING_KEY_ID: _a, PASSWORD_PEPPER: _p, ...partial } = azure;
    expect(() => loadConfig(partial)).toThrow(/AUDIT_SIGNING_KEY_ID: required in Azure[\s\S]*|PASSWORD_PEPPER: required in Azure/);
  });
});
