import type { Platform } from '../platform/platform.js';
import type { Principal } from '../access/principal.js';
import type { Permission } from '../access/permissions.js';
import { authorize } from '../access/authorize.js';
import { actorOf, auditEvent, type RequestMeta } from '../audit/emit.js';
import { checkIfMatch } from '../http/etag.js';
import { badRequest, conflict, forbidden, notFound, preconditionFailed, ProblemError, unsupportedMediaType } from '../http/problem.js';
import { isStoreError } from '../platform/cosmos/errors.js';
import type { FactDraft } from '../integrations/normalise.js';
import type { ApplyResult, DayChanges } from '../integrations/facts.js';
import type { PropertyDirectory } from '../identity/property-directory.js';
import type { DepartmentTargets, PlansPort, PlansUsed, PlanUsed } from '../reporting/plans.js';
import { inForceId, periodOf, PLAN_KINDS, versionId, type PlanInForceItem, type PlanKind, type PlanRow, type PlanVersionItem, type UploadIssue } from './model.js';
import { planFactIdsByMonth, planFacts, type VersionWeights } from './materialise.js';
import type { SpreadMethod } from './spreading.js';
import { templateCsv, templateXlsx, XLSX_TYPE, type TemplateDepartment } from './templates.js';
import { readUpload } from './upload.js';
import { consumptionReadings, type ConsumptionImport } from './consumption-kind.js';
import { refusal, TRANSITIONS, type Action } from './workflow.js';

/** Where approved versions become facts: the import pipeline's FactStore (integrations/facts.ts). */
export interface FactWriter {
  apply(tenantId: string, propertyId: string, upserts: FactDraft[], deletions: string[], importId: string): Promise<Pick<ApplyResult, 'days'>>;
  recompute(tenantId: string, days: DayChanges): Promise<unknown>;
}

/** The tenant's planning policy (identity's tenant settings). */
export type PlanningPolicy = (tenantId: string) => Promise<{ selfApproval: boolean }>;

/** Which months of a property are locked (planning/locks.ts): an approval must not write facts into them. */
export interface LockedMonths {
  lockedMonths(tenantId: string, propertyId: string): Promise<Set<string>>;
}

export interface PlanningDeps {
  directory: PropertyDirectory;
  facts: FactWriter;
  locks: LockedMonths;
  weights: VersionWeights;
  policy: PlanningPolicy;
  /** Where an approved consumption version's readings are imported (GoGreen's manual entry). */
  consumption: ConsumptionImport;
}

export interface UploadInput {
  propertyId: string;
  year: number;
  kind: PlanKind;
  spread: SpreadMethod;
  bytes: Buffer;
  contentType: string | undefined;
  fileName: string | null;
  comment?: string | undefined;
}

export type VersionView = Omit<PlanVersionItem, 'tenantId' | 'type' | '_etag' | '_ts' | 'pendingMessages' | 'pendingSince'> & { inForce: boolean };
export type VersionSummary = Omit<VersionView, 'rows' | 'issues'> & { issueCount: number };

/** What reports used, per property: the version in force of each kind for each year of the range. */
export type PropertyPlans = PlansUsed;
export type PlanRef = PlanUsed;

export interface LineDifference {
  departmentId: string | null;
  line: string;
  /** Per month: b − a (null where neither has a figure). */
  months: Array<{ period: string; a: number | null; b: number | null; difference: number | null }>;
}

const CSV_TYPES = ['text/csv', 'text/plain', 'application/csv'];
/** Attempts at taking the next version number when uploads of the same property, year and kind race. */
const NUMBER_ATTEMPTS = 5;
/**
 * How long an approval's claim on the in-force pointer holds off other approvals. Far longer than
 * writing a year of facts takes; a claim older than this belongs to an approval that was interrupted.
 */
const SWITCH_LEASE_MS = 5 * 60 * 1000;

/** What approving a version writes: its facts, the superseded version's facts it does not occupy, and the months either touches. */
interface FactPlan {
  upserts: FactDraft[];
  deletions: string[];
  months: string[];
}

/** An upload that did not validate: the recorded version's report, as a 422 problem naming each row and column. */
export function invalidUpload(version: PlanVersionItem): ProblemError {
  return new ProblemError({
    status: 422,
    title: 'Invalid planning upload',
    detail: `The file did not validate: ${version.issues.length} problem(s). It was recorded as version ${version.number} (status invalid, ${version.id}); fix the file and upload it again.`,
    errors: version.issues.map((i) => ({ field: i.row === 0 ? 'body' : `body.row.${i.row}${i.column ? `.${i.column}` : ''}`, message: i.message })),
    headers: { Location: `/api/v1/planning/versions/${version.id}` },
  });
}

/**
 * Planning versions: templates, uploads validated into versions, their workflow, and what an
 * approval makes reports use. Every version is kept; every state change is audited with it (outbox).
 */
export class PlanVersions implements PlansPort {
  constructor(
    private readonly platform: Pick<Platform, 'store' | 'outbox' | 'cipher'>,
    private readonly deps: PlanningDeps,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private versions(tenantId: string) {
    return this.platform.store.collection<PlanVersionItem>('planning', tenantId);
  }

  private pointers(tenantId: string) {
    return this.platform.store.collection<PlanInForceItem>('planning', tenantId);
  }

  /** The property (404 when not the caller's tenant's) and its departments, after the permission check on it. */
  private async property(principal: Principal, permission: Permission, propertyId: string): Promise<TemplateDepartment[]> {
    const { properties, departments } = await this.deps.directory.withDepartments(principal.tenantId, propertyId);
    if (!properties.some((p) => p.id === propertyId)) throw notFound('property');
    authorize(principal, permission, { tenantId: principal.tenantId, propertyId, kind: 'property' });
    return departments.map((d) => ({ id: d.id, code: d.code, name: d.name }));
  }

  /** A version of the caller's tenant whose property the permission covers (404 otherwise, 403 outside the scope). */
  private async version(principal: Principal, permission: Permission, id: string): Promise<PlanVersionItem> {
    const item = await this.versions(principal.tenantId).read(id);
    if (!item || item.type !== 'planVersion') throw notFound('planning version');
    authorize(principal, permission, { tenantId: item.tenantId, propertyId: item.propertyId, kind: 'planning version' });
    return item;
  }

  private async inForce(tenantId: string, v: Pick<PlanVersionItem, 'propertyId' | 'year' | 'kind'>): Promise<PlanInForceItem | undefined> {
    const item = await this.pointers(tenantId).read(inForceId(v.propertyId, v.year, v.kind));
    return item?.type === 'planInForce' ? item : undefined;
  }

  private view(v: PlanVersionItem, pointer: PlanInForceItem | undefined): VersionView {
    const { tenantId: _t, type: _y, _etag, _ts, pendingMessages: _p, pendingSince: _s, ...rest } = v;
    for (const unused of [_t, _y, _etag, _ts, _p, _s]) void unused;
    return { ...rest, inForce: pointer?.versionId === v.id };
  }

  /** A template pre-filled with the property's departments, lines and months. */
  async template(principal: Principal, kind: PlanKind, propertyId: string, year: number, format: 'csv' | 'xlsx'): Promise<{ body: string | Buffer; contentType: string; fileName: string }> {
    const departments = await this.property(principal, 'planning.read', propertyId);
    const fileName = `${kind}-${propertyId}-${year}.${format}`;
    if (format === 'csv') return { body: templateCsv(kind, year, departments), contentType: 'text/csv; charset=utf-8', fileName };
    return { body: await templateXlsx(kind, year, departments), contentType: XLSX_TYPE, fileName };
  }

  /**
   * An uploaded template, validated into a new version: a draft when it holds no problem, else a
   * version with status `invalid` and its report (recorded all the same, so what was sent is never
   * lost, then answered 422 by the route). Audited either way.
   */
  async upload(principal: Principal, input: UploadInput, meta: RequestMeta = {}): Promise<PlanVersionItem> {
    const departments = await this.property(principal, 'planning.submit', input.propertyId);
    const format = formatOf(input.bytes, input.contentType);
    const read = await readUpload(input.bytes, format, input.kind, input.year, departments);
    const now = this.now().toISOString();
    const status = read.issues.length > 0 ? 'invalid' : 'draft';
    const collection = this.versions(principal.tenantId);
    for (let attempt = 1; ; attempt++) {
      const numbers = await collection.all<{ number: number }>(
        "SELECT c.number FROM c WHERE c.type = 'planVersion' AND c.propertyId = @propertyId AND c.year = @year AND c.kind = @kind",
        { propertyId: input.propertyId, year: input.year, kind: input.kind },
      );
      const number = Math.max(0, ...numbers.map((n) => n.number)) + 1;
      const item: PlanVersionItem = {
        id: versionId(input.propertyId, input.year, input.kind, number),
        tenantId: principal.tenantId,
        type: 'planVersion',
        propertyId: input.propertyId,
        year: input.year,
        kind: input.kind,
        number,
        status,
        spread: input.spread,
        rows: read.rows,
        issues: read.issues,
        file: { name: input.fileName, format, bytes: input.bytes.length },
        author: principal.userId,
        ...(input.comment ? { comment: input.comment } : {}),
        createdAt: now,
        updatedAt: now,
        history: [{ status, at: now, by: principal.userId, ...(input.comment ? { comment: input.comment } : {}) }],
      };
      const event = await auditEvent(this.platform.cipher, {
        ...meta,
        tenantId: principal.tenantId,
        actor: actorOf(principal),
        action: status === 'draft' ? 'planning.version_uploaded' : 'planning.version_upload_rejected',
        ...(status === 'invalid' ? { outcome: 'failure' as const } : {}),
        target: { type: 'planningVersion', id: item.id },
        details: { propertyId: item.propertyId, year: item.year, kind: item.kind, number, spread: item.spread, rows: item.rows.length, issues: item.issues.length, fileName: input.fileName },
      });
      try {
        return await this.platform.outbox.commit('planning', 'create', item, [event]);
      } catch (err) {
        // Another upload took the number meanwhile: take the next one.
        if (isStoreError(err, 'conflict') && attempt < NUMBER_ATTEMPTS) continue;
        throw err;
      }
    }
  }

  /** The versions of a property (optionally of one year and kind), newest first, without their figures. */
  async list(principal: Principal, q: { propertyId: string; year?: number | undefined; kind?: PlanKind | undefined }): Promise<VersionSummary[]> {
    await this.property(principal, 'planning.read', q.propertyId);
    const params: Record<string, string | number> = { propertyId: q.propertyId };
    let where = "c.type = 'planVersion' AND c.propertyId = @propertyId";
    if (q.year !== undefined) {
      where += ' AND c.year = @year';
      params.year = q.year;
    }
    if (q.kind) {
      where += ' AND c.kind = @kind';
      params.kind = q.kind;
    }
    const items = await this.versions(principal.tenantId).all<PlanVersionItem>(`SELECT * FROM c WHERE ${where}`, params);
    const pointers = await this.pointers(principal.tenantId).all<PlanInForceItem>("SELECT * FROM c WHERE c.type = 'planInForce' AND c.propertyId = @propertyId", { propertyId: q.propertyId });
    const inForce = new Set(pointers.map((p) => p.versionId));
    return items
      .sort((a, b) => b.year - a.year || a.kind.localeCompare(b.kind) || b.number - a.number)
      .map((v) => {
        const { rows: _r, issues, ...view } = this.view(v, undefined);
        void _r;
        return { ...view, inForce: inForce.has(v.id), issueCount: issues.length };
      });
  }

  async get(principal: Principal, id: string): Promise<{ view: VersionView; item: PlanVersionItem }> {
    const item = await this.version(principal, 'planning.read', id);
    return { view: this.view(item, await this.inForce(principal.tenantId, item)), item };
  }

  /** Two versions of one property side by side: per line and month, each figure and b − a. */
  async compare(principal: Principal, a: string, b: string): Promise<{ a: VersionSummary; b: VersionSummary; lines: LineDifference[] }> {
    const [va, vb] = [await this.version(principal, 'planning.read', a), await this.version(principal, 'planning.read', b)];
    if (va.propertyId !== vb.propertyId) throw badRequest('Versions of different properties are not compared.', [{ field: 'query.b', message: 'not a version of the property of a' }]);
    const byKey = (rows: PlanRow[]) => new Map(rows.map((r) => [`${r.departmentId ?? ''}|${r.line}`, r]));
    const ra = byKey(va.rows);
    const rb = byKey(vb.rows);
    const keys = [...new Set([...ra.keys(), ...rb.keys()])];
    const lines = keys.map((k) => {
      const x = ra.get(k);
      const y = rb.get(k);
      const row = (x ?? y) as PlanRow;
      return {
        departmentId: row.departmentId,
        line: row.line,
        months: Array.from({ length: 12 }, (_, m) => {
          const av = x?.months[m] ?? null;
          const bv = y?.months[m] ?? null;
          // Months of different years compare by position (January with January).
          return { period: `${vb.year}-${String(m + 1).padStart(2, '0')}`, a: av, b: bv, difference: av === null && bv === null ? null : Math.round(((bv ?? 0) - (av ?? 0)) * 100) / 100 };
        }),
      };
    });
    const summary = (v: PlanVersionItem): VersionSummary => {
      const { rows: _r, issues, ...view } = this.view(v, undefined);
      void _r;
      return { ...view, issueCount: issues.length };
    };
    const pa = await this.inForce(principal.tenantId, va);
    const pb = await this.inForce(principal.tenantId, vb);
    return { a: { ...summary(va), inForce: pa?.versionId === va.id }, b: { ...summary(vb), inForce: pb?.versionId === vb.id }, lines };
  }

  /**
   * One workflow step (workflow.ts), If-Match on the version, audited with it. Approving makes the
   * version the one in force, serialised per property, year and kind by a claim on the in-force
   * pointer taken before anything is written (a concurrent approval gets 409 and writes nothing);
   * then the status change, the version's facts (and the removal of the superseded version's others),
   * and last the pointer, so reports never see half of a switch as in force. An approval whose facts
   * would land in a locked month is refused (409) before anything is written. An approval interrupted
   * after its state change (a crash) is completed by approving again, even once locked meanwhile.
   */
  async transition(principal: Principal, id: string, action: Action, comment: string | undefined, ifMatch: string | undefined, meta: RequestMeta = {}): Promise<PlanVersionItem> {
    const t = TRANSITIONS[action];
    const current = await this.version(principal, t.permission, id);
    const etag = checkIfMatch(ifMatch, current);
    const pointer = await this.inForce(principal.tenantId, current);
    if (action === 'approve' && (current.status === 'approved' || current.status === 'locked') && pointer?.versionId !== current.id && (!pointer?.versionId || pointer.approvedAt <= (current.approvedAt ?? ''))) {
      const plan = await this.factPlan(current, pointer);
      await this.refuseLocked(current, plan);
      await this.putInForce(current, plan, await this.claim(current, principal.userId, pointer), principal, meta);
      return current;
    }
    const refused = refusal(action, current, principal, await this.deps.policy(principal.tenantId), comment);
    if (refused?.status === 403) throw forbidden(refused.message);
    if (refused?.status === 400) throw badRequest(refused.message, [{ field: refused.field ?? 'body', message: refused.message }]);
    if (refused) throw new ProblemError({ status: 409, title: 'Conflict', detail: refused.message });
    const now = this.now().toISOString();
    const next: PlanVersionItem = {
      ...current,
      status: t.to,
      updatedAt: now,
      ...(action === 'submit' ? { submittedBy: principal.userId, submittedAt: now } : {}),
      ...(action === 'approve' ? { approvedBy: principal.userId, approvedAt: now } : {}),
      history: [...current.history, { status: t.to, at: now, by: principal.userId, ...(comment ? { comment } : {}) }],
    };
    const plan = action === 'approve' ? await this.factPlan(next, pointer) : undefined;
    if (plan) await this.refuseLocked(current, plan);
    const claimed = action === 'approve' ? await this.claim(next, principal.userId, pointer) : undefined;
    const event = await auditEvent(this.platform.cipher, {
      ...meta,
      tenantId: principal.tenantId,
      actor: actorOf(principal),
      action: t.audit,
      target: { type: 'planningVersion', id },
      details: {
        propertyId: current.propertyId,
        year: current.year,
        kind: current.kind,
        number: current.number,
        comment: comment ?? null,
        ...(action === 'approve' ? { supersedes: pointer?.versionId && pointer.versionId !== id ? pointer.versionId : null } : {}),
      },
      changes: { status: { before: current.status, after: t.to } },
    });
    let written: PlanVersionItem;
    try {
      written = await this.platform.outbox.commit('planning', 'replace', next, [event], etag ?? current._etag);
    } catch (err) {
      // The version changed since it was read: give the claim back so the next approval need not wait for the lease.
      if (claimed) await this.release(claimed, pointer);
      if (isStoreError(err, 'precondition_failed')) throw preconditionFailed();
      throw err;
    }
    if (plan && claimed) await this.putInForce(written, plan, claimed, principal, meta);
    return written;
  }

  /** The facts approving `v` writes and removes, given the version in force now. */
  private async factPlan(v: PlanVersionItem, pointer: PlanInForceItem | undefined): Promise<FactPlan> {
    const upserts = await planFacts(v, this.deps.weights, v.approvedAt ?? this.now().toISOString());
    const keep = new Set(upserts.map((f) => f.id));
    const months = new Set(upserts.map((f) => f.date.slice(0, 7)));
    const deletions: string[] = [];
    if (pointer?.versionId && pointer.versionId !== v.id) {
      const previous = await this.versions(v.tenantId).read(pointer.versionId);
      if (previous?.type === 'planVersion') {
        for (const [month, ids] of planFactIdsByMonth(previous)) {
          const gone = [...ids].filter((fid) => !keep.has(fid));
          if (gone.length > 0) months.add(month);
          deletions.push(...gone);
        }
      }
    }
    return { upserts, deletions, months: [...months].sort() };
  }

  /**
   * 409 when the approval would change facts in a locked month of the property. Every day a new
   * version writes is a change (its facts name the version), as is every day of the superseded
   * version it takes out. Not routed through pending adjustments: those hold what a source system
   * sends; approving a version is already a deliberate act of a planning.approve holder, who may
   * unlock the month (itself audited) and approve again.
   */
  private async refuseLocked(v: PlanVersionItem, plan: FactPlan): Promise<void> {
    if (plan.months.length === 0) return;
    const locked = await this.deps.locks.lockedMonths(v.tenantId, v.propertyId);
    const hit = plan.months.filter((m) => locked.has(m));
    if (hit.length === 0) return;
    throw new ProblemError({
      status: 409,
      title: 'Period locked',
      detail: `Approving ${v.id} would change facts in the locked month(s) ${hit.join(', ')} of its property: unlock first (POST /api/v1/planning/periods/${v.propertyId}/{yyyy-mm}/unlock), then approve again.`,
      errors: hit.map((m) => ({ field: `period.${m}`, message: 'locked' })),
    });
  }

  /**
   * Takes the in-force pointer for `v`'s approval under the pointer's ETag as it was read (creating it
   * when none exists). 409 when another approval holds a live claim or moved the pointer meanwhile.
   */
  private async claim(v: PlanVersionItem, by: string, pointer: PlanInForceItem | undefined): Promise<PlanInForceItem> {
    const busy = () => conflict(`Another approval of ${v.kind} ${v.year} for this property is under way: reload the versions and try again.`);
    const since = this.now();
    const held = pointer?.switching;
    if (held && held.versionId !== v.id && since.getTime() - Date.parse(held.since) < SWITCH_LEASE_MS) throw busy();
    const switching = { versionId: v.id, by, since: since.toISOString() };
    const item: PlanInForceItem = pointer
      ? { ...pointer, switching }
      : { id: inForceId(v.propertyId, v.year, v.kind), tenantId: v.tenantId, type: 'planInForce', propertyId: v.propertyId, year: v.year, kind: v.kind, versionId: null, number: 0, approvedAt: '', approvedBy: '', switching };
    try {
      return pointer ? await this.pointers(v.tenantId).replace(item, pointer._etag) : await this.pointers(v.tenantId).create(item);
    } catch (err) {
      if (isStoreError(err, 'precondition_failed') || isStoreError(err, 'conflict')) throw busy();
      throw err;
    }
  }

  /** Gives a claim back unchanged otherwise; one that changed meanwhile is someone else's now. */
  private async release(claimed: PlanInForceItem, before: PlanInForceItem | undefined): Promise<void> {
    const { switching: _s, ...rest } = claimed;
    void _s;
    try {
      if (before) await this.pointers(claimed.tenantId).replace(rest, claimed._etag);
      else await this.pointers(claimed.tenantId).delete(claimed.id, claimed._etag);
    } catch (err) {
      if (!isStoreError(err, 'precondition_failed') && !isStoreError(err, 'not_found')) throw err;
    }
  }

  /** Writes the version's facts (removing the superseded version's others), then moves the claimed pointer to it. */
  private async putInForce(v: PlanVersionItem, plan: FactPlan, claimed: PlanInForceItem, principal: Principal, meta: RequestMeta): Promise<void> {
    // Readings are data like a source's, not a plan: imported (ids per month and path, so they correct
    // the previous version's), and a locked month holds them as a pending adjustment (the import
    // pipeline's gate) rather than refusing the approval.
    if (v.kind === 'consumption') {
      // The claim still names the version in force until the pointer moves: its readings are the ones superseded.
      const previous = claimed.versionId && claimed.versionId !== v.id ? await this.versions(v.tenantId).read(claimed.versionId) : undefined;
      const withdrawn = previous?.type === 'planVersion' ? consumptionReadings(previous) : [];
      await this.deps.consumption.importReadings(principal, v.propertyId, consumptionReadings(v), { ...meta, versionId: v.id }, withdrawn);
    }
    if (plan.upserts.length > 0 || plan.deletions.length > 0) {
      const applied = await this.deps.facts.apply(v.tenantId, v.propertyId, plan.upserts, plan.deletions, v.id);
      await this.deps.facts.recompute(v.tenantId, applied.days);
    }
    const { switching: _s, ...rest } = claimed;
    void _s;
    try {
      await this.pointers(v.tenantId).replace({ ...rest, versionId: v.id, number: v.number, approvedAt: v.approvedAt ?? this.now().toISOString(), approvedBy: v.approvedBy ?? '' }, claimed._etag);
    } catch (err) {
      // Our lease ran out and another approval took the pointer over: it decides what is in force.
      if (isStoreError(err, 'precondition_failed')) throw conflict(`Another approval of ${v.kind} ${v.year} for this property took over: approve ${v.id} again to complete it.`);
      throw err;
    }
  }

  /** System port for reports: the versions in force of these properties for the years `fromYear`–`toYear`. */
  async plansInForce(tenantId: string, propertyIds: readonly string[], fromYear: number, toYear: number): Promise<Record<string, PropertyPlans>> {
    return plansOf(propertyIds, await this.pointersOf(tenantId, propertyIds, fromYear, toYear));
  }

  /** The in-force pointers of these properties and years: one query. */
  private async pointersOf(tenantId: string, propertyIds: readonly string[], fromYear: number, toYear: number): Promise<PlanInForceItem[]> {
    if (propertyIds.length === 0) return [];
    return this.pointers(tenantId).all<PlanInForceItem>(
      "SELECT * FROM c WHERE c.type = 'planInForce' AND ARRAY_CONTAINS(@propertyIds, c.propertyId) AND c.year >= @fromYear AND c.year <= @toYear",
      { propertyIds: [...propertyIds], fromYear, toYear },
    );
  }

  /** System port for reports (PlansPort): the versions in force and the approved targets, in one query and (with targets) one bulk read. */
  async versionsInForce(tenantId: string, propertyIds: readonly string[], fromYear: number, toYear: number): Promise<{ plans: Record<string, PropertyPlans>; targets: Record<string, DepartmentTargets>; reads: number }> {
    const pointers = await this.pointersOf(tenantId, propertyIds, fromYear, toYear);
    const targeted = pointers.filter((p) => p.kind === 'targets' && p.versionId);
    return { plans: plansOf(propertyIds, pointers), targets: await this.targetsOf(tenantId, targeted), reads: targeted.length > 0 ? 2 : 1 };
  }

  /** The approved targets of these pointers' versions, per property, department, KPI and month. */
  private async targetsOf(tenantId: string, pointers: readonly PlanInForceItem[]): Promise<Record<string, DepartmentTargets>> {
    const out: Record<string, DepartmentTargets> = {};
    const versions = pointers.length > 0 ? await this.versions(tenantId).bulk(pointers.map((p) => ({ kind: 'read' as const, id: p.versionId as string }))) : [];
    for (const r of versions) {
      const v = r.ok ? r.item : undefined;
      if (v?.type !== 'planVersion') continue;
      const property = (out[v.propertyId] ??= {});
      for (const row of v.rows) {
        if (!row.departmentId) continue;
        const kpis = (property[row.departmentId] ??= {});
        const months = (kpis[row.line] ??= {});
        row.months.forEach((value, m) => {
          if (value !== null && value !== undefined) months[periodOf(v.year, m)] = value;
        });
      }
    }
    return out;
  }
}

/** The kinds reports use as plans; a consumption version's figures reach reports as readings instead. */
function isPlan(kind: PlanKind): kind is Exclude<PlanKind, 'consumption'> {
  return kind !== 'consumption';
}

function plansOf(propertyIds: readonly string[], pointers: readonly PlanInForceItem[]): Record<string, PropertyPlans> {
  const out: Record<string, PropertyPlans> = Object.fromEntries(propertyIds.map((id) => [id, emptyPlans()]));
  for (const p of [...pointers].sort((a, b) => a.year - b.year)) if (p.versionId && isPlan(p.kind)) out[p.propertyId]?.[p.kind].push({ versionId: p.versionId, number: p.number, year: p.year, approvedAt: p.approvedAt });
  return out;
}

export function emptyPlans(): PropertyPlans {
  return Object.fromEntries(PLAN_KINDS.filter(isPlan).map((k) => [k, []])) as unknown as PropertyPlans;
}

/** CSV or XLSX, from the media type (an XLSX is a zip: `application/octet-stream` is told apart by its first bytes). */
function formatOf(bytes: Buffer, contentType: string | undefined): 'csv' | 'xlsx' {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === XLSX_TYPE) return 'xlsx';
  if (CSV_TYPES.includes(type)) return 'csv';
  if (type === '' || type === 'application/octet-stream') return bytes.subarray(0, 2).toString('latin1') === 'PK' ? 'xlsx' : 'csv';
  throw unsupportedMediaType(`text/csv, ${XLSX_TYPE} or application/octet-stream`);
}

export type { UploadIssue };
