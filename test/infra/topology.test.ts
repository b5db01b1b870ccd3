/**
 * Every container and queue the code uses (shared/platform/topology.ts) is declared in Bicep with the
 * same partition key and session setting, and nothing else is declared. Read from the syntax tree:
 * the literal `containers` and `queues` arrays, and the resource loops that consume them.
 */
import { describe, expect, it } from '@jest/globals';
import { containers, partitionKeyPaths, queues, type ContainerDef } from '../../shared/platform/topology.js';
import { findResources, literal, literalAt, loadBicepFiles, loopSource, property, variable } from './bicep.js';

const files = await loadBicepFiles();

interface ContainerDecl {
  name: string;
  partitionKey: string[];
  ttl: boolean;
  appendOnly: boolean;
  uniqueKeys: Array<{ paths: string[] }>;
  excludedPaths: string[];
}
interface QueueDecl {
  name: string;
  requiresSession: boolean;
}

describe('Cosmos containers match shared/platform/topology.ts', () => {
  const resource = findResources(files, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers');
  const [containerResource] = resource;
  const declared = literal(variable(containerResource!.file, 'containers')!) as ContainerDecl[];
  const byName = new Map(declared.map((c) => [c.name, c]));

  it('are declared once, by a loop over the literal containers array', () => {
    expect(resource).toHaveLength(1);
    expect(loopSource(containerResource!.loop!)?.text).toBe('containers');
    expect(property(containerResource!.body, 'name')?.text).toBe('c.name');
    expect(containerResource!.body.text).toMatch(/id: c\.name/);
    expect(containerResource!.body.text).toMatch(/paths: c\.partitionKey\b/);
    expect(containerResource!.body.text).toMatch(/kind: length\(c\.partitionKey\) > 1 \? 'MultiHash' : 'Hash'/);
    expect(containerResource!.body.text).toMatch(/version: 2/);
  });

  it('declares exactly the containers the code uses', () => {
    expect(declared.map((c) => c.name).sort()).toEqual(Object.values(containers).map((c) => c.id).sort());
    expect(new Set(declared.map((c) => c.name)).size).toBe(declared.length);
  });

  it.each(Object.values(containers).map((c: ContainerDef) => [c.id, partitionKeyPaths(c)] as const))('%s has partition key %j', (id, paths) => {
    expect(byName.get(id)?.partitionKey).toEqual(paths);
  });

  it('spreads the containers that pass 10 GB per tenant in 10 years (docs/capacity.md) over hierarchical keys', () => {
    const spread = declared.filter((c) => c.partitionKey.length > 1).map((c) => c.name).sort();
    expect(spread).toEqual(['aggregates2', 'audit2', 'facts2', 'imports2', 'sustainability']);
    for (const c of declared) expect(c.partitionKey[0]).toBe('/tenantId');
  });

  it.each(Object.values(containers).map((c) => [c.id, c.uniqueKeys] as const))('%s has unique keys %j', (id, keys) => {
    expect(byName.get(id)?.uniqueKeys.map((k) => k.paths.join(','))).toEqual([...keys]);
    expect(containerResource!.body.text).toMatch(/uniqueKeyPolicy: \{\s*uniqueKeys: c\.uniqueKeys\s*\}/);
  });

  it('TTL is on (default -1, per-item ttl) for identity and imports only', () => {
    expect(declared.filter((c) => c.ttl).map((c) => c.name).sort()).toEqual(['identity', 'imports2']);
    expect(containerResource!.body.text).toMatch(/c\.ttl \? \{\s*defaultTtl: -1\s*\} : \{\}/);
  });

  it('keeps ciphertext, raw bodies, outbox and audit payloads out of the index', () => {
    for (const c of declared) {
      expect([c.name, c.excludedPaths]).toEqual([c.name, expect.arrayContaining(['/enc/*', '/pendingMessages/*'])]);
    }
    expect(byName.get('imports2')?.excludedPaths).toContain('/raw/*');
    expect(byName.get('audit2')?.excludedPaths).toContain('/payload/*');
    expect(containerResource!.body.text).toMatch(/excludedPaths: concat\(c\.excludedPaths,/);
    expect(containerResource!.body.text).toMatch(/path: '\/\*'/);
  });

  it('database is named pmi (COSMOS_DATABASE)', () => {
    const main = files.find((f) => f.path === 'infra/main.bicep')!;
    expect(main.source).toMatch(/databaseName: 'pmi'/);
  });
});

describe('Service Bus queues match shared/platform/topology.ts', () => {
  const resource = findResources(files, 'Microsoft.ServiceBus/namespaces/queues');
  const [queueResource] = resource;
  const declared = literal(variable(queueResource!.file, 'queues')!) as QueueDecl[];

  it('are declared once, by a loop over the literal queues array', () => {
    expect(resource).toHaveLength(1);
    expect(loopSource(queueResource!.loop!)?.text).toBe('queues');
    expect(property(queueResource!.body, 'name')?.text).toBe('q.name');
    expect(property(queueResource!.body, 'properties.requiresSession')?.text).toBe('q.requiresSession');
  });

  it('declares exactly the queues the code uses, with the same session setting', () => {
    const expected = Object.values(queues).map((q) => ({ name: q.name, requiresSession: q.sessions }));
    const byName = (a: QueueDecl, b: QueueDecl) => a.name.localeCompare(b.name);
    expect([...declared].sort(byName)).toEqual([...expected].sort(byName));
  });

  it('every queue has duplicate detection, 10 deliveries, and dead-letters expired messages', () => {
    expect(literalAt(queueResource!.body, 'properties.requiresDuplicateDetection')).toBe(true);
    expect(literalAt(queueResource!.body, 'properties.maxDeliveryCount')).toBe(10);
    expect(literalAt(queueResource!.body, 'properties.deadLetteringOnMessageExpiration')).toBe(true);
  });
});
