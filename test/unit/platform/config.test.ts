import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../../shared/config.js';

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
