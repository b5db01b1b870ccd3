import type { Clock } from './clock.js';

export interface CircuitPolicy {
  /** Consecutive failed requests that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses before it lets a trial request through. */
  coolDownMs: number;
}

export const DEFAULT_CIRCUIT: CircuitPolicy = { failureThreshold: 5, coolDownMs: 60_000 };

interface State {
  failures: number;
  openUntil?: number;
}

/**
 * Circuits by key (an integration id), in this process's memory: after `failureThreshold`
 * consecutive failed requests the key is refused for `coolDownMs`; then one failure re-opens it at
 * once (half-open) and one success closes it. Whoever runs the integration records the failing mark
 * on the integration itself; this only stops one process from hammering a vendor that is down.
 */
export class Circuits {
  private readonly states = new Map<string, State>();

  constructor(
    readonly policy: CircuitPolicy = DEFAULT_CIRCUIT,
    private readonly clock: Pick<Clock, 'now'> = { now: () => Date.now() },
  ) {}

  /** Milliseconds until `key` may be tried again; 0 when it may be tried now. */
  refusedFor(key: string): number {
    const s = this.states.get(key);
    if (s?.openUntil === undefined) return 0;
    return Math.max(0, s.openUntil - this.clock.now());
  }

  isOpen(key: string): boolean {
    return this.refusedFor(key) > 0;
  }

  succeeded(key: string): void {
    this.states.delete(key);
  }

  failed(key: string): void {
    const s = this.states.get(key) ?? { failures: 0 };
    s.failures += 1;
    // Half-open (cool-down over, still failing) re-opens on the first failure.
    if (s.failures >= this.policy.failureThreshold || s.openUntil !== undefined) s.openUntil = this.clock.now() + this.policy.coolDownMs;
    this.states.set(key, s);
  }
}

/** The process's circuits: every vendor client of this process shares them. */
export const processCircuits = new Circuits();
