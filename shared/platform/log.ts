import type { InvocationContext } from '@azure/functions';
import { createRequire } from 'node:module';
import { isatty } from 'node:tty';
import type { DestinationStream, Level, Logger, LoggerOptions } from 'pino';
import type * as Pino from 'pino';
import type { PrettyOptions } from 'pino-pretty';

export type LogProps = Record<string, unknown>;

/** Structured logging: a message plus properties, so Application Insights gets queryable fields. */
export interface Log {
  debug(message: string, props?: LogProps): void;
  info(message: string, props?: LogProps): void;
  warn(message: string, props?: LogProps): void;
  error(message: string, props?: LogProps): void;
}

/** Logs through the invocation context: in Azure it reaches Application Insights with the invocation id. */
export function invocationLog(context: InvocationContext, base: LogProps = {}): Log {
  const fmt = (props?: LogProps) => ({ ...base, ...props });
  return {
    debug: (m, p) => context.debug(m, fmt(p)),
    info: (m, p) => context.info(m, fmt(p)),
    warn: (m, p) => context.warn(m, fmt(p)),
    error: (m, p) => context.error(m, fmt(p)),
  };
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogOptions {
  /** File descriptor written to: 2 (stderr, the default) or 1 (stdout). */
  fd?: 1 | 2;
  /** Readable lines instead of JSON; default: when the descriptor is a terminal. */
  pretty?: boolean;
  /** Where the lines go instead of the descriptor (tests). */
  stream?: NodeJS.WritableStream;
}

// pino and pino-pretty load on the first process log, not when the Functions entry point imports
// this module for invocationLog: that import is on every instance's cold-start path.
const requireCjs = createRequire(import.meta.url);

/** Fields every line carries that a person at a terminal doesn't need to read. */
const NOISE = new Set(['time', 'level', 'msg', 'pid', 'hostname', 'app', 'invocationId', 'correlationId', 'function']);

function value(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/**
 * One line per record for a terminal: an HTTP request reads "POST /api/v1/auth/login 200 84 ms",
 * anything else "message key=value ...".
 */
export function readableLine(record: Record<string, unknown>): string {
  if (record.msg === 'http request' && record.status !== undefined) {
    const path = record.path ?? (record.route ? `/api/${String(record.route)}` : '');
    const tenant = record.tenantId ? `  tenant=${String(record.tenantId)}` : '';
    return `${String(record.method)} ${String(path)} ${String(record.status)} ${String(record.durationMs)} ms${tenant}`;
  }
  const extra = Object.entries(record)
    .filter(([k, v]) => !NOISE.has(k) && v !== undefined && !(k === 'path' || k === 'method'))
    .map(([k, v]) => `${k}=${value(v)}`);
  const fn = record.function ? `[${String(record.function)}] ` : '';
  return [`${fn}${String(record.msg ?? '')}`, ...extra].join(' ');
}

function destination(options: LogOptions): DestinationStream | NodeJS.WritableStream {
  const fd = options.fd ?? 2;
  const pretty = options.pretty ?? (options.stream ? false : isatty(fd));
  if (pretty) {
    const build = requireCjs('pino-pretty') as (o: PrettyOptions) => DestinationStream;
    return build({
      colorize: !options.stream,
      translateTime: 'SYS:HH:MM:ss',
      hideObject: true,
      ignore: 'pid,hostname',
      messageFormat: (log) => readableLine(log),
      sync: true,
      ...(options.stream ? { destination: options.stream } : { destination: fd }),
    });
  }
  if (options.stream) return options.stream;
  const pino = requireCjs('pino') as typeof Pino;
  return pino.destination({ fd, sync: true });
}

/** A pino logger: JSON lines (one record a line) unless the output is a terminal, then readable lines. */
export function createLogger(level: LogLevel | 'trace' = 'info', base: LogProps = {}, options: LogOptions = {}): Logger {
  const pino = requireCjs('pino') as typeof Pino;
  const config: LoggerOptions = {
    level,
    base: { ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return pino.pino(config, destination(options) as DestinationStream);
}

/** The Log interface over a pino logger. */
function pinoLog(logger: Logger): Log {
  const at = (level: Level) => (message: string, props?: LogProps) => logger[level](props ?? {}, message);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A process-level log for work outside any invocation (start-up, relays), on stderr. */
export function processLog(minLevel: LogLevel = 'info', base: LogProps = {}, options: LogOptions = {}): Log {
  return pinoLog(createLogger(minLevel, base, options));
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
