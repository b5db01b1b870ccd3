import { z } from 'zod';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { CONNECTORS, catalogueEntryOf, connectorById, connectorCatalogue } from '../../../shared/connectors/registry.js';
import type { Connector } from '../../../shared/connectors/connector.js';

/** Every key of a JSON Schema document, at any depth. */
function keysOf(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(keysOf);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) => [k, ...keysOf(v)]);
}

// Both are CommonJS: under ESM their default exports may arrive wrapped.
type Ajv2020Class = typeof Ajv2020Module.default;
const Ajv2020: Ajv2020Class = (Ajv2020Module as unknown as { default?: Ajv2020Class }).default ?? (Ajv2020Module as unknown as Ajv2020Class);
const ajv = new Ajv2020({ strict: false });
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (a: InstanceType<Ajv2020Class>) => void;
addFormats(ajv);

/** A connector whose credentials schema has a default, an example and a literal: none of them may reach the catalogue. */
const sampleSettings = z.strictObject({ baseUrl: z.url().default('https://api.sample.example'), hotelId: z.string().min(1) });
const sampleCredentials = z.strictObject({
  clientId: z.string().min(1).default('default-client-id-value'),
  clientSecret: z.string().min(1).meta({ examples: ['example-secret-value'] }),
  grant: z.literal('client_credentials'),
});

const sample: Connector<typeof sampleSettings, typeof sampleCredentials> = {
  manifest: {
    id: 'sample-vendor',
    name: 'Sample',
    vendor: 'Sample Ltd',
    sourceTypes: ['pms'],
    auth: 'oauth-client-credentials',
    settings: sampleSettings,
    credentials: sampleCredentials,
    capabilities: { pull: true, push: false, maxWindowDays: 31, defaultSchedule: '0 0 * * * *' },
  },
  pull: async () => ({ batches: [], objectsRead: 0 }),
  backfill: async () => ({ batches: [], objectsRead: 0 }),
  tokenRequest: (_settings, credentials) => ({ url: 'https://id.sample.example/token', clientId: credentials.clientId, clientSecret: credentials.clientSecret }),
};

test('a catalogue entry: the manifest with settings and credentials as JSON Schema; the credentials schema carries names and types, no value', () => {
  const entry = catalogueEntryOf(sample);
  expect(entry).toMatchObject({ id: 'sample-vendor', name: 'Sample', vendor: 'Sample Ltd', sourceTypes: ['pms'], auth: 'oauth-client-credentials', capabilities: { pull: true, push: false } });
  // Settings keep their defaults: a client shows them as such.
  expect(entry.settings).toMatchObject({ type: 'object', properties: { baseUrl: { default: 'https://api.sample.example' } }, required: ['hotelId'], additionalProperties: false });
  expect(entry.credentials).toMatchObject({ type: 'object', properties: { clientId: { type: 'string' }, clientSecret: { type: 'string' } } });
  const text = JSON.stringify(entry.credentials);
  for (const value of ['default-client-id-value', 'example-secret-value', 'client_credentials']) expect(text).not.toContain(value);
  expect(keysOf(entry.credentials)).not.toEqual(expect.arrayContaining(['default']));
  // The JSON Schema says what the zod schema says: the same objects pass and fail.
  const settings = ajv.compile(entry.settings);
  expect(settings({ hotelId: 'H1' })).toBe(true);
  expect(settings({ hotelId: 'H1', extra: 1 })).toBe(false);
  expect(settings({})).toBe(false);
});

test('every registered connector: a unique id, and settings and credentials schemas that compile and show no credential value', () => {
  const entries = connectorCatalogue();
  expect(entries.map((e) => e.id)).toEqual(CONNECTORS.map((c) => c.manifest.id));
  expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
  for (const entry of entries) {
    expect(connectorById(entry.id)?.manifest.id).toBe(entry.id);
    expect(() => ajv.compile(entry.settings)).not.toThrow();
    expect(() => ajv.compile(entry.credentials)).not.toThrow();
    expect([entry.id, keysOf(entry.credentials).filter((k) => ['default', 'examples', 'example', 'const'].includes(k))]).toEqual([entry.id, []]);
  }
  expect(connectorById('no-such-vendor')).toBeUndefined();
});
