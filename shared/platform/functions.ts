import type { InvocationContext, Timer } from '@azure/functions';
import type { z } from 'zod';
import type { App } from '../app.js';
import { getApp } from '../app.js';
import { configSchema, loadConfig, type Config } from '../config.js';
import type { HttpFunction } from '../http/route.js';
import { queues, type QueueName } from './topology.js';
import type { DeliveryMetadata } from './bus/types.js';
import { invocationLog, errorMessage, type Log } from './log.js';
import { functionsApp } from './azure-functions.js';

export interface QueueCall<M> {
  app: App;
  message: M;
  metadata: DeliveryMetadata;
  ctx: InvocationContext;
  log: Log;
}

export interface QueueFunction {
  kind: 'serviceBus';
  name: string;
  queue: QueueName;
  handler: (message: unknown, ctx: InvocationContext) => Promise<void>;
}

export interface TimerCall {
  app: App;
  timer: Timer;
  ctx: InvocationContext;
  log: Log;
}

export interface TimerFunction {
  kind: 'timer';
  name: string;
  /** Six-field NCRONTAB (UTC), or `%SETTING%` naming a configuration key that holds one. */
  schedule: string;
  runOnStartup: boolean;
  handler: (timer: Timer, ctx: InvocationContext) => Promise<void>;
}

export type FunctionDefinition = HttpFunction | QueueFunction | TimerFunction;

/** A message failed validation: retrying can't help, so it goes to the dead-letter queue with this reason. */
export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError';
}

function metadataOf(ctx: InvocationContext): DeliveryMetadata {
  const t = (ctx.triggerMetadata ?? {}) as Record<string, unknown>;
  const meta: DeliveryMetadata = {
    messageId: String(t.messageId ?? ''),
    deliveryCount: Number(t.deliveryCount ?? 1),
    enqueuedTimeUtc: String(t.enqueuedTimeUtc ?? new Date().toISOString()),
    applicationProperties: (t.applicationProperties ?? {}) as DeliveryMetadata['applicationProperties'],
  };
  if (typeof t.sessionId === 'string') meta.sessionId = t.sessionId;
  if (typeof t.correlationId === 'string') meta.correlationId = t.correlationId;
  return meta;
}

/**
 * Declares a Service Bus–triggered function. The message is validated with `schema`; the handler
 * must be idempotent (every message can arrive more than once). A throw abandons the message, which
 * is redelivered until maxDeliveryCount and then dead-lettered.
 */
export function queueFunction<M>(spec: {
  name: string;
  queue: QueueName;
  schema: z.ZodType<M>;
  handler: (call: QueueCall<M>) => Promise<void>;
}): QueueFunction {
  return {
    kind: 'serviceBus',
    name: spec.name,
    queue: spec.queue,
    handler: async (message, ctx) => {
      const metadata = metadataOf(ctx);
      const log = invocationLog(ctx, {
        function: spec.name,
        messageId: metadata.messageId,
        deliveryCount: metadata.deliveryCount,
        correlationId: metadata.correlationId,
      });
      const parsed = spec.schema.safeParse(typeof message === 'string' ? JSON.parse(message) : message);
      if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ');
        log.error('invalid message', { detail });
        throw new InvalidMessageError(`invalid message: ${detail}`);
      }
      const app = await getApp();
      try {
        await spec.handler({ app, message: parsed.data, metadata, ctx, log });
      } catch (err) {
        log.warn('message handler failed; the message will be retried', { error: errorMessage(err) });
        throw err;
      }
    },
  };
}

/** Declares a timer-triggered function. Timers may overlap a slow previous run on another instance only in theory: Azure holds a singleton lock. */
export function timerFunction(spec: {
  name: string;
  schedule: string;
  runOnStartup?: boolean;
  handler: (call: TimerCall) => Promise<void>;
}): TimerFunction {
  return {
    kind: 'timer',
    name: spec.name,
    schedule: spec.schedule,
    runOnStartup: spec.runOnStartup ?? false,
    handler: async (timer, ctx) => {
      const log = invocationLog(ctx, { function: spec.name, isPastDue: timer.isPastDue });
      const app = await getApp();
      await spec.handler({ app, timer, ctx, log });
    },
  };
}

/** Resolves `%SETTING%` schedules from configuration (with its defaults), so the host and local runs agree. */
export function resolveSchedule(schedule: string, config: Config = loadConfig()): string {
  const m = /^%([A-Z0-9_]+)%$/.exec(schedule);
  if (!m) return schedule;
  const key = m[1] as keyof Config;
  if (!(key in configSchema.shape)) throw new Error(`schedule names an unknown setting ${key}`);
  const value = config[key];
  if (typeof value !== 'string') throw new Error(`setting ${key} is not a schedule`);
  return value;
}

/** The connection setting prefix of the Service Bus trigger: `ServiceBusConnection__fullyQualifiedNamespace` in Azure. */
export const SERVICE_BUS_CONNECTION = 'ServiceBusConnection';

/** Registers every definition with the Azure Functions host (the compiled entry point calls this). */
export function registerWithFunctionsHost(definitions: readonly FunctionDefinition[]): void {
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
