import type { InvocationContext } from '@azure/functions';

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

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;

/** A process-level log for work outside any invocation (start-up, relays), as JSON lines on stderr. */
export function processLog(minLevel: keyof typeof levels = 'info', base: LogProps = {}): Log {
  const write = (level: keyof typeof levels) => (message: string, props?: LogProps) => {
    if (levels[level] < levels[minLevel]) return;
    process.stderr.write(JSON.stringify({ at: new Date().toISOString(), level, message, ...base, ...props }) + '\n');
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
