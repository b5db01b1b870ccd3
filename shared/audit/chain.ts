import { createHash } from 'node:crypto';
import type { AuditEvent } from './event.js';

/** Version of the entry format and hash rule; bumped only with a documented migration. */
export const CHAIN_VERSION = 1;

/** prevHash of entry 1: 64 zeros (no predecessor). */
export const GENESIS_HASH = '0'.repeat(64);

const SEQ_DIGITS = 12;

/**
 * One link of a tenant's chain, as stored in the `audit` container. The id derives from `seq`, so
 * a second writer creating the same seq gets a 409 instead of forking the chain. The top-level
 * copies of action, actor and target exist for indexed queries; they are inside the hash like every
 * other field, so changing them breaks the chain just as changing the payload does.
 */
export interface ChainEntry {
  id: string;
  tenantId: string;
  type: 'auditEntry';
  v: number;
  seq: number;
  eventId: string;
  /** When the entry was appended; never earlier than its predecessor's, so it orders like seq. */
  recordedAt: string;
  occurredAt: string;
  action: string;
  actorType: string;
  actorId: string;
  targetType?: string;
  targetId?: string;
  /** The event as delivered (personal values inside are sealed). Not indexed. */
  payload: AuditEvent;
  prevHash: string;
  hash: string;
}

/** A signed statement that the chain had `seq` entries ending in `headHash` at time `at`. */
export interface CheckpointClaims {
  tenantId: string;
  seq: number;
  headHash: string;
  at: string;
}

export interface StoredCheckpoint extends CheckpointClaims {
  id: string;
  type: 'auditCheckpoint';
  /** The container's unique key (/eventId) counts a missing value as null, allowed once: the id fills it. */
  eventId: string;
  /** Compact JWS (ES256) whose payload is the claims above. */
  jws: string;
  kid: string;
}

const padSeq = (seq: number): string => String(seq).padStart(SEQ_DIGITS, '0');
export const entryId = (seq: number): string => `entry:${padSeq(seq)}`;
export const checkpointId = (seq: number): string => `checkpoint:${padSeq(seq)}`;

/**
 * RFC 8785 (JCS) serialisation: object keys sorted by UTF-16 code units, no whitespace, strings
 * and numbers as ECMAScript JSON.stringify writes them; NaN, Infinity and lone surrogates are
 * refused. Output is identical to the `canonicalize` package (the unit tests hold it to that), but
 * it checks strings with the native isWellFormed instead of a JavaScript loop per character, which
 * roughly doubles offline verification speed.
 */
export function jcs(value: unknown): string {
  switch (typeof value) {
    case 'string':
      if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) throw new Error('Lone surrogate is not allowed');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error('NaN and Infinity are not allowed');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      const o = value as Record<string, unknown> & { toJSON?: () => unknown };
      if (typeof o.toJSON === 'function') return jcs(o.toJSON());
      if (Array.isArray(o)) {
        let out = '[';
        for (let i = 0; i < o.length; i++) {
          const v: unknown = o[i];
          out += (i === 0 ? '' : ',') + (v === undefined || typeof v === 'symbol' ? 'null' : jcs(v));
        }
        return out + ']';
      }
      let out = '{';
      let first = true;
      for (const key of Object.keys(o).sort()) {
        const v = o[key];
        if (v === undefined || typeof v === 'symbol' || typeof v === 'function') continue;
        out += (first ? '' : ',') + jcs(key) + ':' + jcs(v);
        first = false;
      }
      return out + '}';
    }
    default:
      throw new Error(`${typeof value} is not JSON`);
  }
}

/**
 * The bytes that are hashed: every field of the entry except `id` (derived from seq), `hash` itself
 * and store-managed fields (names starting with `_`), serialised with RFC 8785 (JCS).
 */
export function hashInput(entry: Record<string, unknown>): string {
  // The top level is written here rather than copied into a new object for jcs(): same output, and
  // verification of long exports spends its time in this function.
  let out = '{';
  let first = true;
  for (const key of Object.keys(entry).sort()) {
    if (key === 'id' || key === 'hash' || key.startsWith('_')) continue;
    const v = entry[key];
    if (v === undefined || typeof v === 'symbol' || typeof v === 'function') continue;
    out += (first ? '' : ',') + jcs(key) + ':' + jcs(v);
    first = false;
  }
  return out + '}';
}

/** SHA-256 (lowercase hex) of the entry's canonical form, prevHash included. */
export function entryHash(entry: Record<string, unknown>): string {
  return createHash('sha256').update(hashInput(entry), 'utf8').digest('hex');
}

/** Builds the next link after (prevSeq, prevHash). */
export function buildEntry(event: AuditEvent, prev: { seq: number; hash: string; recordedAt?: string }, now: Date): ChainEntry {
  const seq = prev.seq + 1;
  // recordedAt never goes backwards along the chain, so time-range exports are contiguous seq ranges.
  const nowIso = now.toISOString();
  const recordedAt = prev.recordedAt && prev.recordedAt > nowIso ? prev.recordedAt : nowIso;
  const entry: Omit<ChainEntry, 'hash'> & { hash?: string } = {
    id: entryId(seq),
    tenantId: event.tenantId,
    type: 'auditEntry',
    v: CHAIN_VERSION,
    seq,
    eventId: event.id,
    recordedAt,
    occurredAt: event.occurredAt,
    action: event.action,
    actorType: event.actor.type,
    actorId: event.actor.id,
    ...(event.target ? { targetType: event.target.type, targetId: event.target.id } : {}),
    payload: event,
    prevHash: prev.hash,
  };
  return { ...(entry as Omit<ChainEntry, 'hash'>), hash: entryHash(entry) };
}
