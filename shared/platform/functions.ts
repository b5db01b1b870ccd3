import type { InvocationContext, Timer } from '@azure/functions';
import type { z } from 'zod';
import { configSchema, loadConfig, type Config } from './config.js';
import type { QueueName } from './topology.js';
import type { DeliveryMetadata } from './bus/types.js';
import { invocationLog, errorMessage, type Log } from './log.js';

export interface QueueCall<M, S> {
  app: S;
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

export interface TimerCall<S> {
  app: S;
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

/** A message failed validation: retrying can't help, so it goes to the dead-letter queue with this reason. */
class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError';
}

/**
 * A text property of the trigger metadata. The Node.js worker JSON-parses every string value it gets
 * from the host (@azure/functions fromRpcTypedData → tryJsonParse), so an id such as "42" or "true"
 * arrives as a number or boolean.
 */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * An instant as ISO 8601 UTC. The host's `EnqueuedTimeUtc` is a .NET DateTime taken from a
 * DateTimeOffset (kind Unspecified), which serializes without a zone designator; it is UTC.
 */
function instant(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`;
  const at = new Date(zoned);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

function scalarProperties(value: unknown): DeliveryMetadata['applicationProperties'] {
  const out: DeliveryMetadata['applicationProperties'] = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

/**
 * Maps `context.triggerMetadata` of a Service Bus trigger to DeliveryMetadata. The names are the
 * host's binding data (Service Bus extension 5.x: MessageId, DeliveryCount, EnqueuedTime,
 * EnqueuedTimeUtc, SessionId, CorrelationId, ApplicationProperties and its older alias
 * UserProperties) with the first letter lowered by the Node.js worker, which lowers the first
 * letter of nested keys too (an application property `Kind` arrives as `kind`). The local host
 * passes the in-process broker's metadata under the same names.
 *
 * The host also merges the top-level fields of a JSON body into this data, over same-named entries
 * (Azure/azure-functions-dotnet-worker#991, Azure/azure-functions-nodejs-library#459): a message
 * body must not carry a top-level `messageId`, `deliveryCount`, `sessionId`, ... unless it holds the
 * same value (audit events carry `correlationId`, equal to the message's).
 */
export function deliveryMetadata(triggerMetadata: Record<string, unknown> | undefined): DeliveryMetadata {
  const t = triggerMetadata ?? {};
  const count = Number(t.deliveryCount);
  const meta: DeliveryMetadata = {
    messageId: text(t.messageId) ?? '',
    deliveryCount: Number.isInteger(count) && count >= 1 ? count : 1,
    enqueuedTimeUtc: instant(t.enqueuedTime) ?? instant(t.enqueuedTimeUtc) ?? new Date().toISOString(),
    applicationProperties: scalarProperties(t.applicationProperties ?? t.userProperties),
  };
  const sessionId = text(t.sessionId);
  if (sessionId) meta.sessionId = sessionId;
  const correlationId = text(t.correlationId);
  if (correlationId) meta.correlationId = correlationId;
  return meta;
}

/**
 * The queue and timer declarers of an app: `app` yields the app each invocation runs on (built
 * lazily, once per process), so this adapter never imports the composition root.
 *
 * @example
 * export const { queueFunction, timerFunction } = triggersOn(getApp);
 */
export function triggersOn<S>(app: () => Promise<S>) {
  return {
    queueFunction: <M>(spec: QueueSpec<M, S>) => queueFunction(spec, app),
    timerFunction: (spec: TimerSpec<S>) => timerFunction(spec, app),
  };
}

interface QueueSpec<M, S> {
  name: string;
  queue: QueueName;
  schema: z.ZodType<M>;
  handler: (call: QueueCall<M, S>) => Promise<void>;
}

interface TimerSpec<S> {
  name: string;
  schedule: string;
  runOnStartup?: boolean;
  handler: (call: TimerCall<S>) => Promise<void>;
}

/**
 * Declares a Service Bus–triggered function. The message is validated with `schema`; the handler
 * must be idempotent (every message can arrive more than once). A throw abandons the message, which
 * is redelivered until maxDeliveryCount and then dead-lettered.
 */
function queueFunction<M, S>(spec: QueueSpec<M, S>, getApp: () => Promise<S>): QueueFunction {
  return {
    kind: 'serviceBus',
    name: spec.name,
    queue: spec.queue,
    handler: async (message, ctx) => {
      const metadata = deliveryMetadata(ctx.triggerMetadata);
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
function timerFunction<S>(spec: TimerSpec<S>, getApp: () => Promise<S>): TimerFunction {
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
