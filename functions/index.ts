// The entry point the Azure Functions host loads (package.json "main"): registers every function.
import { catalog } from './catalog.js';
import type { FunctionDefinition } from './triggers.js';
import { functionsApp } from '../shared/platform/azure-functions.js';
import { resolveSchedule, SERVICE_BUS_CONNECTION } from '../shared/platform/functions.js';
import { queues } from '../shared/platform/topology.js';

/** Registers every definition with the Azure Functions host (the compiled entry point calls this). */
function registerWithFunctionsHost(definitions: readonly FunctionDefinition[]): void {
  // Streamed replies (the audit export) reach the client chunk by chunk instead of being buffered
  // whole by the worker; needs Functions host 4.28+.
  functionsApp.setup({ enableHttpStream: true });
  for (const def of definitions) {
    switch (def.kind) {
      case 'http':
        functionsApp.http(def.name, { methods: [def.method], route: def.route, authLevel: 'anonymous', handler: def.handler });
        break;
      case 'serviceBus':
        functionsApp.serviceBusQueue(def.name, {
          connection: SERVICE_BUS_CONNECTION,
          queueName: queues[def.queue].name,
          isSessionsEnabled: queues[def.queue].sessions,
          handler: def.handler,
        });
        break;
      case 'timer':
        functionsApp.timer(def.name, {
          schedule: resolveSchedule(def.schedule),
          runOnStartup: def.runOnStartup,
          useMonitor: true,
          handler: def.handler,
        });
        break;
    }
  }
}

registerWithFunctionsHost(catalog);
