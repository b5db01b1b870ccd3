import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isValidNcrontab } from '../../shared/platform/ncrontab.js';
import { queues } from '../../shared/platform/topology.js';
import { compileRoute } from '../../shared/platform/local/route-template.js';

interface Binding {
  type: string;
  direction: 'in' | 'out';
  [key: string]: unknown;
}
interface Registered {
  metadata: { name: string; bindings: Record<string, Binding> };
  hasCallback: boolean;
}

/**
 * Loads the compiled entry point (package.json "main") the way the Functions worker does, with a
 * stand-in for the host's core module, and checks what it registers: our proof that the host will
 * accept the app without Core Tools on this machine.
 */
function loadEntry(): { model: { name: string }; functions: Registered[] } {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { main: string };
  if (!existsSync(pkg.main)) throw new Error(`${pkg.main} is missing: run npm run build first`);
  const out = execFileSync(process.execPath, ['--require', './test/support/functions-core-stub.cjs', pkg.main], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'error' },
  });
  const line = out.split('\n').find((l) => l.startsWith('@@REGISTERED@@'));
  if (!line) throw new Error('the entry point registered nothing');
  return JSON.parse(line.slice('@@REGISTERED@@'.length));
}

describe('registration with the Functions host', () => {
  const { model, functions } = loadEntry();

  it('sets the v4 programming model and registers every function of the catalog', async () => {
    expect(model.name).toBe('@azure/functions');
    const { catalog } = await import('../../functions/catalog.js');
    expect(functions.map((f) => f.metadata.name).sort()).toEqual(catalog.map((d) => d.name).sort());
    expect(functions.every((f) => f.hasCallback)).toBe(true);
    const names = functions.map((f) => f.metadata.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[A-Za-z][A-Za-z0-9_-]{0,127}$/);
  });

  it('gives every function exactly one valid trigger binding', () => {
    const seenRoutes = new Set<string>();
    for (const { metadata } of functions) {
      const bindings = Object.values(metadata.bindings);
      const triggers = bindings.filter((b) => /Trigger$/.test(b.type));
      expect(triggers).toHaveLength(1);
      const trigger = triggers[0] as Binding;
      expect(trigger.direction).toBe('in');
      switch (trigger.type) {
        case 'httpTrigger': {
          expect(trigger.authLevel).toBe('anonymous');
          const methods = trigger.methods as string[];
          expect(methods).toHaveLength(1);
          expect(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).toContain(methods[0]);
          const route = trigger.route as string;
          expect(route).toMatch(/^v1\//);
          expect(() => compileRoute(route)).not.toThrow();
          const key = `${methods[0]} ${route.replace(/\{[^}]+\}/g, '{}').toLowerCase()}`;
          expect(seenRoutes.has(key)).toBe(false);
          seenRoutes.add(key);
          expect(bindings.some((b) => b.type === 'http' && b.direction === 'out')).toBe(true);
          break;
        }
        case 'serviceBusTrigger': {
          const queue = Object.values(queues).find((q) => q.name === trigger.queueName);
          expect(queue).toBeDefined();
          expect(trigger.connection).toBe('ServiceBusConnection');
          expect(Boolean(trigger.isSessionsEnabled)).toBe(queue?.sessions);
          break;
        }
        case 'timerTrigger':
          expect(isValidNcrontab(trigger.schedule as string)).toBe(true);
          break;
        default:
          throw new Error(`unexpected trigger type ${trigger.type} on ${metadata.name}`);
      }
    }
  });

  it('consumes every queue of the topology', () => {
    const consumed = functions
      .flatMap((f) => Object.values(f.metadata.bindings))
      .filter((b) => b.type === 'serviceBusTrigger')
      .map((b) => b.queueName);
    expect(consumed).toContain('audit');
  });
});
