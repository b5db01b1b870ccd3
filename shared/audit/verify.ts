import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { entryHash, entryId, GENESIS_HASH, CHAIN_VERSION, type CheckpointClaims } from './chain.js';

/**
 * Chain and checkpoint verification: the one implementation, used by the service (GET
 * /api/v1/audit/verify, the nightly timer) and by the offline tool (`npm run audit:verify`).
 * It depends on nothing but jose and the hash rule in chain.ts, so an export can be checked
 * without any access to the service.
 */

export const CHECKPOINT_JWS_TYPE = 'pmi-audit-checkpoint+jws';

export interface VerifyResult {
  ok: boolean;
  /** First seq examined (0 when the chain is empty). */
  checkedFrom: number;
  /** Last seq examined (0 when the chain is empty). */
  checkedTo: number;
  /** Entries examined. */
  entries: number;
  /**
   * Entries after the last signed checkpoint: hash-linked but not yet signed, so a rewrite of them
   * that recomputes the hashes can't be told apart until the next checkpoint covers them.
   */
  unsignedTail: number;
  firstBrokenSeq?: number;
  reason?: string;
}

/** A checkpoint as stored or exported: the claims plus the compact JWS that signs them. */
export interface CheckpointRecord extends CheckpointClaims {
  jws: string;
}

export interface ChainStart {
  tenantId: string;
  /** The seq the walk starts at (1 for a whole chain). */
  fromSeq?: number;
  /**
   * The hash the first entry must name as prevHash. Defaults to the genesis hash when starting at
   * 1; when starting later without it, the first entry's prevHash is taken as given (a partial
   * export is anchored by the checkpoints it contains).
   */
  prevHash?: string;
}

/**
 * Walks a chain one entry at a time, in seq order (ties by id), and stops at the first broken link.
 *
 * @example
 * const v = new ChainVerifier({ tenantId }, checkpoints);
 * for (const e of entriesSortedBySeq) if (!v.push(e)) break;
 * const result = v.finish();
 */
export class ChainVerifier {
  private expected: number;
  private prevHash: string | undefined;
  private readonly from: number;
  private last = 0;
  private count = 0;
  private broken: { seq: number; reason: string } | undefined;
  private readonly checkpointHashes = new Map<number, string>();
  private readonly maxCheckpointSeq: number;

  constructor(
    private readonly start: ChainStart,
    checkpoints: readonly CheckpointClaims[] = [],
  ) {
    this.from = start.fromSeq ?? 1;
    this.expected = this.from;
    this.prevHash = start.prevHash ?? (this.from === 1 ? GENESIS_HASH : undefined);
    let max = 0;
    for (const cp of checkpoints) {
      if (cp.seq >= this.from) this.checkpointHashes.set(cp.seq, cp.headHash);
      max = Math.max(max, cp.seq);
    }
    this.maxCheckpointSeq = max;
  }

  get failed(): boolean {
    return this.broken !== undefined;
  }

  /** Checks the next entry; returns false once the chain is broken (later entries are not examined). */
  push(raw: Record<string, unknown>): boolean {
    if (this.broken) return false;
    const seq = raw.seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return this.fail(this.expected, 'entry has no valid seq');
    this.count += 1;
    this.last = seq;
    if (seq < this.expected) return this.fail(seq, `more than one entry claims seq ${seq}, or entries are out of order`);
    if (seq > this.expected) return this.fail(this.expected, `entry ${this.expected} is missing`);
    if (raw.id !== undefined && raw.id !== entryId(seq)) return this.fail(seq, `entry id ${String(raw.id)} does not match seq ${seq}`);
    if (raw.type !== 'auditEntry' || raw.v !== CHAIN_VERSION) return this.fail(seq, 'entry type or version is not recognised');
    if (raw.tenantId !== this.start.tenantId) return this.fail(seq, 'entry belongs to another tenant');
    if (this.prevHash !== undefined && raw.prevHash !== this.prevHash) return this.fail(seq, 'prevHash does not match the previous entry');
    const hash = entryHash(raw);
    if (raw.hash !== hash) return this.fail(seq, 'entry content does not match its hash');
    const signed = this.checkpointHashes.get(seq);
    if (signed !== undefined && signed !== hash) return this.fail(seq, 'entry hash does not match the signed checkpoint');
    this.prevHash = hash;
    this.expected = seq + 1;
    return true;
  }

  /** Ends the walk: a chain shorter than its last signed checkpoint has lost its tail. */
  finish(): VerifyResult {
    if (!this.broken && this.maxCheckpointSeq >= this.expected) {
      this.fail(this.expected, `chain ends at seq ${this.expected - 1} but a signed checkpoint covers seq ${this.maxCheckpointSeq}`);
    }
    const result: VerifyResult = {
      ok: !this.broken,
      checkedFrom: this.count > 0 ? this.from : 0,
      checkedTo: this.count > 0 ? this.last : 0,
      entries: this.count,
      unsignedTail: this.count > 0 ? Math.max(0, this.last - Math.max(this.maxCheckpointSeq, this.from - 1)) : 0,
    };
    if (this.broken) {
      result.firstBrokenSeq = this.broken.seq;
      result.reason = this.broken.reason;
    }
    return result;
  }

  /** The hash of the last good entry (to continue an incremental walk). */
  get headHash(): string | undefined {
    return this.prevHash;
  }

  private fail(seq: number, reason: string): false {
    this.broken ??= { seq, reason };
    return false;
  }
}

class CheckpointSignatureError extends Error {
  override readonly name = 'CheckpointSignatureError';
  constructor(
    readonly seq: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Verifies a checkpoint's JWS against the published keys (ES256 only) and that the signed claims
 * are the ones the record states. Throws CheckpointSignatureError otherwise.
 */
async function verifyCheckpoint(
  record: CheckpointRecord,
  keys: ReturnType<typeof createLocalJWKSet>,
  tenantId: string,
): Promise<CheckpointClaims> {
  let claims: CheckpointClaims;
  try {
    const { payload, protectedHeader } = await compactVerify(record.jws, keys, { algorithms: ['ES256'] });
    if (protectedHeader.typ !== CHECKPOINT_JWS_TYPE) throw new Error('unexpected typ');
    claims = JSON.parse(new TextDecoder().decode(payload)) as CheckpointClaims;
  } catch (err) {
    throw new CheckpointSignatureError(record.seq, `checkpoint ${record.seq}: signature is not valid (${(err as Error).message})`);
  }
  if (claims.tenantId !== tenantId || claims.seq !== record.seq || claims.headHash !== record.headHash || claims.at !== record.at) {
    throw new CheckpointSignatureError(record.seq, `checkpoint ${record.seq}: stated values differ from the signed ones`);
  }
  return claims;
}

/** Verifies every checkpoint; returns the signed claims, or the first bad one as a VerifyResult break. */
export async function verifyCheckpoints(
  records: readonly CheckpointRecord[],
  jwks: JSONWebKeySet,
  tenantId: string,
): Promise<{ claims: CheckpointClaims[]; broken?: { seq: number; reason: string } }> {
  const keys = createLocalJWKSet(jwks);
  const claims: CheckpointClaims[] = [];
  for (const r of [...records].sort((a, b) => a.seq - b.seq)) {
    try {
      claims.push(await verifyCheckpoint(r, keys, tenantId));
    } catch (err) {
      if (err instanceof CheckpointSignatureError) return { claims, broken: { seq: err.seq, reason: err.message } };
      throw err;
    }
  }
  return { claims };
}

/** Orders entries for a walk: by seq, then by id, so ties (forged duplicates) are deterministic. */
export function bySeq(a: { seq?: unknown; id?: unknown }, b: { seq?: unknown; id?: unknown }): number {
  const d = Number(a.seq) - Number(b.seq);
  return d !== 0 ? d : String(a.id).localeCompare(String(b.id));
}

export interface ExportMeta {
  type: 'auditExportMeta';
  format: 1;
  tenantId: string;
  exportedAt: string;
  from?: string;
  to?: string;
  firstSeq: number;
  lastSeq: number;
  /** hash of entry firstSeq-1 (genesis for a whole chain), anchoring a partial export. */
  prevHash: string;
  keysUrl: string;
}

/**
 * Verifies an NDJSON export (first line metadata, then checkpoints, then entries in seq order)
 * against a JWKS. Reports the first problem; a line that is not JSON is a break at the seq of the
 * entry it would have been.
 */
export async function verifyExport(text: string, jwks: JSONWebKeySet): Promise<VerifyResult & { tenantId?: string; checkpoints: number }> {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let meta: ExportMeta;
  try {
    meta = JSON.parse(lines[0] ?? '') as ExportMeta;
    if (meta.type !== 'auditExportMeta' || meta.format !== 1 || typeof meta.tenantId !== 'string') throw new Error('not an audit export');
  } catch {
    return { ok: false, checkedFrom: 0, checkedTo: 0, entries: 0, unsignedTail: 0, firstBrokenSeq: 0, reason: 'first line is not audit export metadata', checkpoints: 0 };
  }
  const records: CheckpointRecord[] = [];
  const entries: Record<string, unknown>[] = [];
  let unreadable: number | undefined;
  for (let i = 1; i < lines.length; i++) {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(lines[i] as string) as Record<string, unknown>;
    } catch {
      unreadable ??= meta.firstSeq + entries.length;
      break;
    }
    if (obj.type === 'auditCheckpoint') records.push(obj as unknown as CheckpointRecord);
    else entries.push(obj);
  }
  const { claims, broken } = await verifyCheckpoints(records, jwks, meta.tenantId);
  const start: ChainStart = { tenantId: meta.tenantId, fromSeq: meta.firstSeq, prevHash: meta.prevHash };
  // Checkpoints beyond the exported range can't be checked against it.
  const verifier = new ChainVerifier(start, claims.filter((c) => c.seq <= meta.lastSeq));
  for (const e of entries) if (!verifier.push(e)) break;
  const result = verifier.finish();
  const out = { ...result, tenantId: meta.tenantId, checkpoints: claims.length };
  const breaks = [
    result.firstBrokenSeq !== undefined ? { seq: result.firstBrokenSeq, reason: result.reason ?? '' } : undefined,
    broken,
    unreadable !== undefined ? { seq: unreadable, reason: `line after entry ${unreadable - 1} is not valid JSON` } : undefined,
    !result.firstBrokenSeq && result.checkedTo !== meta.lastSeq && entries.length > 0
      ? { seq: result.checkedTo + 1, reason: `export ends at seq ${result.checkedTo} but its metadata says ${meta.lastSeq}` }
      : undefined,
  ].filter((b): b is { seq: number; reason: string } => b !== undefined);
  if (breaks.length === 0) return out;
  const first = breaks.reduce((a, b) => (b.seq < a.seq ? b : a));
  return { ...out, ok: false, firstBrokenSeq: first.seq, reason: first.reason };
}
