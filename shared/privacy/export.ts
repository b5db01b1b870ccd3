import type { Platform } from '../platform/platform.js';
import type { Identity } from '../identity/index.js';
import { activeMethods, mfaItemId, type MfaItem } from '../identity/mfa/model.js';
import { sidOf } from '../identity/sessions.js';
import type { SsoLinkItem } from '../identity/sso/model.js';
import type { ChainEntry } from '../audit/chain.js';
import { AuditViewRenderer, type AuditViewEntry } from '../audit/views.js';
import { ProfileDisplayNames } from '../identity/display-names.js';
import type { FactItem } from '../integrations/model.js';
import { notFound } from '../http/problem.js';
import type { Sealed } from '../platform/crypto/field-cipher.js';
import { employeeSubjectId } from '../platform/crypto/employee-subject.js';
import { SEALED_KIND } from '../integrations/formats/employee.js';

export interface TimeRecordExport {
  date: string;
  propertyId: string;
  departmentId: string | null;
  productiveHours: number | null;
  nonProductiveHours: number | null;
  labourCost: number | null;
  employeeNumber: string | null;
  sourceRecordId: string | null;
  updatedAt: string;
}

/** A scheduled shift of the person (the `schedules` format): its day, department and hours. */
export interface ScheduledShiftExport {
  date: string;
  propertyId: string;
  departmentId: string | null;
  scheduledHours: number | null;
  employeeNumber: string | null;
  sourceRecordId: string | null;
  updatedAt: string;
}

/** Everything held about one person, as one JSON document (GDPR articles 15 and 20). */
export interface SubjectExport {
  format: 'pmi.subject-export.v1';
  generatedAt: string;
  tenantId: string;
  userId: string;
  profile: Record<string, unknown>;
  roles: unknown[];
  sessions: unknown[];
  mfa: { methods: string[]; totp: unknown; sms: unknown; recoveryCodesRemaining: number };
  /** Linked Entra ID identities: the directory (tenant) id; the object id is stored only as a keyed hash. */
  ssoLinks: Array<{ entraTenantId: string; createdAt: string }>;
  auditEntries: AuditViewEntry[];
  timeRecords: TimeRecordExport[];
  scheduledShifts: ScheduledShiftExport[];
}

/**
 * Builds a data-subject export: the profile, roles and scopes, session metadata, second-factor
 * methods (never secrets or codes), SSO links, audit entries where the person is actor or target
 * (opened; network details only of entries they made themselves) and time records found by the
 * employee number in their profile.
 */
export class SubjectExporter {
  private readonly renderer: AuditViewRenderer;

  constructor(
    private readonly platform: Platform,
    private readonly identity: Pick<Identity, 'users' | 'sessions'>,
  ) {
    this.renderer = new AuditViewRenderer(platform.cipher, new ProfileDisplayNames(platform, identity.users));
  }

  async forUser(tenantId: string, userId: string): Promise<SubjectExport> {
    const user = await this.identity.users.get(tenantId, userId);
    if (!user) throw notFound('user');
    const view = await this.identity.users.view(user);
    const { roles, ...profile } = view;
    const identityCol = this.platform.store.collection('identity', tenantId);

    const sessions = [];
    for (const s of await this.identity.sessions.listForUser(tenantId, userId)) {
      const client = await this.identity.sessions.describe(s);
      sessions.push({
        id: sidOf(s),
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
        idleExpiresAt: s.idleExpiresAt,
        absoluteExpiresAt: s.absoluteExpiresAt,
        revokedAt: s.revokedAt ?? null,
        revokedReason: s.revokedReason ?? null,
        authenticationMethods: s.amr,
        ...client,
      });
    }

    const mfa = await identityCol.read<MfaItem>(mfaItemId(userId));
    const open = (field: string, sealed: Sealed | undefined) => this.platform.cipher.openOr({ tenantId, subjectId: userId, field }, sealed, '');
    const phone = mfa?.type === 'mfa' ? await open('mfa.phone', mfa.enc?.phone) : '';
    const mfaOut = {
      methods: mfa?.type === 'mfa' ? activeMethods(mfa) : [],
      totp: mfa?.totp ? { confirmed: mfa.totp.confirmed, createdAt: mfa.totp.createdAt, confirmedAt: mfa.totp.confirmedAt ?? null } : null,
      sms: mfa?.sms ? { confirmed: mfa.sms.confirmed, phone: phone || null, createdAt: mfa.sms.createdAt, confirmedAt: mfa.sms.confirmedAt ?? null } : null,
      recoveryCodesRemaining: mfa?.recovery?.hashes.length ?? 0,
    };

    const links = await identityCol.all<SsoLinkItem>("SELECT * FROM c WHERE c.type = 'ssoLink' AND c.userId = @userId", { userId });

    const entries = await this.platform.store
      .collection('audit', tenantId)
      .all<ChainEntry>("SELECT * FROM c WHERE c.type = 'auditEntry' AND (c.actorId = @userId OR c.targetId = @userId) ORDER BY c.seq", { userId });
    const auditEntries: AuditViewEntry[] = [];
    const names = this.renderer.nameCache();
    for (const e of entries) auditEntries.push(await this.renderer.render(e, { full: false, network: e.actorId === userId }, names));

    const employeeFacts = view.employeeNumber ? await this.employeeFacts(tenantId, view.employeeNumber) : { timeRecords: [], scheduledShifts: [] };

    return {
      format: 'pmi.subject-export.v1',
      generatedAt: new Date().toISOString(),
      tenantId,
      userId,
      profile,
      roles,
      sessions,
      mfa: mfaOut,
      ssoLinks: links.map((l) => ({ entraTenantId: l.entraTenantId, createdAt: l.createdAt })),
      auditEntries,
      ...employeeFacts,
    };
  }

  /** The facts sealed under the employee's key: time records and scheduled shifts, each opened under its format's field names. */
  private async employeeFacts(tenantId: string, employeeNumber: string): Promise<{ timeRecords: TimeRecordExport[]; scheduledShifts: ScheduledShiftExport[] }> {
    const ix = await this.platform.blindIndex.compute(tenantId, 'employeeNumber', employeeNumber);
    const subjectId = employeeSubjectId(ix);
    const facts = await this.platform.store
      .collection<FactItem>('facts', tenantId)
      .all<FactItem>("SELECT * FROM c WHERE c.type = 'fact' AND c.employeeIndex = @ix ORDER BY c.date", { ix });
    const out: TimeRecordExport[] = [];
    const shifts: ScheduledShiftExport[] = [];
    for (const f of facts) {
      if (f.deleted) continue;
      const kind = f.sourceType === 'schedules' ? SEALED_KIND.schedules : SEALED_KIND.tms;
      const open = async (field: string, sealed: Sealed | undefined) => {
        if (!sealed) return null;
        const o = await this.platform.cipher.open({ tenantId, subjectId, field: `${kind}.${field}`, recordId: f.id }, sealed);
        return o.redacted ? null : o.value;
      };
      const c = f.contributions[0];
      if (f.sourceType === 'schedules') {
        shifts.push({
          date: f.date,
          propertyId: f.propertyId,
          departmentId: c?.departmentId ?? null,
          scheduledHours: c?.measures.scheduledHours ?? null,
          employeeNumber: await open('employeeNumber', f.enc?.employeeNumber),
          sourceRecordId: await open('sourceRecordId', f.enc?.sourceRecordId),
          updatedAt: f.updatedAt,
        });
        continue;
      }
      const cost = await open('labourCost', f.enc?.labourCost);
      out.push({
        date: f.date,
        propertyId: f.propertyId,
        departmentId: c?.departmentId ?? null,
        productiveHours: c?.measures.productiveHours ?? null,
        nonProductiveHours: c?.measures.nonProductiveHours ?? null,
        labourCost: cost === null ? null : Number(cost),
        employeeNumber: await open('employeeNumber', f.enc?.employeeNumber),
        sourceRecordId: await open('sourceRecordId', f.enc?.sourceRecordId),
        updatedAt: f.updatedAt,
      });
    }
    return { timeRecords: out, scheduledShifts: shifts };
  }
}
