import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { createUser, platformOperatorToken, seedTenant, SEED_PASSWORD, type SeededTenant, type SeededUser } from '../support/identity.js';
import { createIntegration, sendAndWait, type CreatedIntegration } from './integrations-helpers.js';
import { containers, type ContainerName } from '../../shared/platform/topology.js';
import { isSealed, type Sealed } from '../../shared/platform/crypto/field-cipher.js';
import type { ImportItem } from '../../shared/integrations/model.js';
import type { RedactionJobItem } from '../../shared/privacy/model.js';

/*
 * "Nothing survives": Zelda (an account with an employee number, MFA phone, sessions, audit history,
 * time records and raw import bodies) and employee EMP-88999 (known only from time records) are
 * redacted; then every item of every container, opened where possible, and the audit export are
 * searched for anything that identifies them.
 */

const host = useTestHost();
let a: SeededTenant;
let b: SeededTenant;
let owner: string;
let zelda: SeededUser;
let tms: CreatedIntegration;
let p0: string;

const UA = 'ZeldaBrowser/9.9 (privacy-test)';
const PHONE = '+358401119876';
const ZELDA = { firstName: 'Zelda', lastName: 'Quixote-Marlowe', jobTitle: 'Night auditor of the west wing', employeeNumber: 'EMP-77123' };
const ZELDA_PAY = '1234.56';
const ONLY_EMPLOYEE = 'EMP-88999';
const ONLY_EMPLOYEE_PAY = '987.65';
const RANGE = 'from=2026-03-14&to=2026-03-15';

const lastSmsCode = (phone: string): string => {
  const text = host.app.identity.secondFactors.localSms?.lastTo(phone)?.text ?? '';
  const code = /^(\d{6}) /.exec(text)?.[1];
  if (!code) throw new Error(`no SMS to ${phone}`);
  return code;
};

async function jobOf(jobId: string, token = owner): Promise<Record<string, unknown>> {
  const res = await host.request('GET', `/api/v1/redaction-jobs/${jobId}`, { token });
  expect(res.status).toBe(200);
  return res.json;
}

/** Every item of the tenants involved in every container, as stored. */
async function allItems(): Promise<Array<{ container: ContainerName; item: Record<string, unknown> }>> {
  const out: Array<{ container: ContainerName; item: Record<string, unknown> }> = [];
  for (const container of Object.keys(containers) as ContainerName[]) {
    for (const tenantId of [a.tenantId, b.tenantId, '_platform']) {
      for (const item of await host.app.store.collection(container, tenantId).all<Record<string, unknown>>('SELECT * FROM c')) out.push({ container, item });
    }
  }
  return out;
}

function sealedValues(value: unknown, out: Sealed[] = []): Sealed[] {
  if (isSealed(value)) out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => sealedValues(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => sealedValues(v, out));
  return out;
}

const report = async () => {
  const res = await host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${p0}&${RANGE}&granularity=day`, { token: owner });
  expect(res.status).toBe(200);
  return res.json.properties;
};

beforeAll(async () => {
  a = await seedTenant(host);
  b = await seedTenant(host);
  owner = a.users.owner.token;
  p0 = a.propertyIds[0] as string;
  zelda = await createUser(host, a.slug, owner, { email: `zelda.quixote@${a.slug}.example`, firstName: ZELDA.firstName, lastName: ZELDA.lastName, roles: [{ roleId: 'end-user', scope: { all: true } }] });
  // Settings changes: her manager records her job title and employee number; she logs in again from her browser.
  const patched = await host.request('PATCH', `/api/v1/users/${zelda.id}`, { token: owner, body: { jobTitle: ZELDA.jobTitle, employeeNumber: ZELDA.employeeNumber } });
  expect(patched.status).toBe(200);
  const login = await host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: zelda.email, password: SEED_PASSWORD }, headers: { 'user-agent': UA } });
  expect(login.status).toBe(200);
  zelda.token = login.json.accessToken;
  expect((await host.request('PATCH', '/api/v1/me', { token: zelda.token, body: { firstName: ZELDA.firstName }, headers: { 'user-agent': UA } })).status).toBe(200);
  expect((await host.request('POST', '/api/v1/me/mfa/sms', { token: zelda.token, body: { phone: PHONE }, headers: { 'user-agent': UA } })).status).toBe(202);
  const confirmed = await host.request('POST', '/api/v1/me/mfa/sms/confirm', { token: zelda.token, body: { code: lastSmsCode(PHONE) }, headers: { 'user-agent': UA } });
  expect(confirmed.status).toBe(200);

  tms = await createIntegration(host, a.users.admin.token, { propertyId: p0, sourceType: 'tms' });
  await sendAndWait(host, a.users.admin.token, tms, {
    records: [
      { id: 'T-1', employeeNumber: ZELDA.employeeNumber, department: 'ROOMS', date: '2026-03-14', productiveHours: 7.5, labourCost: Number(ZELDA_PAY) },
      { id: 'T-2', employeeNumber: 'EMP-00001', department: 'ROOMS', date: '2026-03-14', productiveHours: 8, labourCost: 400 },
      { id: 'T-3', employeeNumber: ONLY_EMPLOYEE, department: 'FB', date: '2026-03-15', productiveHours: 6, labourCost: Number(ONLY_EMPLOYEE_PAY) },
      { id: 'T-4', employeeNumber: 'EMP-00002', department: 'FB', date: '2026-03-15', productiveHours: 5, labourCost: 300 },
    ],
  });
  // A CSV re-send naming her (a rejected row still names her), and a body that doesn't.
  await sendAndWait(host, a.users.admin.token, tms, `id,employeeNumber,department,date,productiveHours,labourCost\nT-5,${ZELDA.employeeNumber},ROOMS,2026-03-14,x,12\n`, { contentType: 'text/csv' });
  await sendAndWait(host, a.users.admin.token, tms, { records: [{ id: 'T-6', employeeNumber: 'EMP-00003', department: 'ROOMS', date: '2026-03-15', productiveHours: 4, labourCost: 100 }] });
  // A published shift of hers: sealed under her key like a time record, in a body of its own.
  const rota = await createIntegration(host, a.users.admin.token, { propertyId: p0, sourceType: 'schedules' });
  await sendAndWait(host, a.users.admin.token, rota, { records: [{ id: 'S-1', employeeNumber: ZELDA.employeeNumber, department: 'ROOMS', start: '2026-03-16T07:00', end: '2026-03-16T15:00', unpaidBreakMinutes: 30 }] });
  await host.app.broker?.idle();
});

describe('data-subject export', () => {
  it('gives the person everything held about them, never secrets, and is audited', async () => {
    const res = await host.request('GET', '/api/v1/me/export', { token: zelda.token });
    expect(res.status).toBe(200);
    const doc = res.json;
    expect(doc.profile).toMatchObject({ firstName: ZELDA.firstName, lastName: ZELDA.lastName, email: zelda.email, employeeNumber: ZELDA.employeeNumber, jobTitle: ZELDA.jobTitle });
    expect(doc.roles).toEqual([{ roleId: 'end-user', scope: { all: true } }]);
    expect(doc.sessions.length).toBeGreaterThanOrEqual(2);
    expect(doc.sessions.some((s: { userAgent: string }) => s.userAgent === UA)).toBe(true);
    expect(doc.mfa).toMatchObject({ methods: ['sms', 'recovery'], sms: { confirmed: true, phone: PHONE }, recoveryCodesRemaining: 10 });
    expect(doc.timeRecords).toEqual([expect.objectContaining({ date: '2026-03-14', productiveHours: 7.5, labourCost: Number(ZELDA_PAY), employeeNumber: ZELDA.employeeNumber })]);
    expect(doc.scheduledShifts).toEqual([expect.objectContaining({ date: '2026-03-16', scheduledHours: 7.5, employeeNumber: ZELDA.employeeNumber, sourceRecordId: 'S-1' })]);
    const actions = doc.auditEntries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.invited', 'user.updated', 'auth.login_succeeded']));
    expect(doc.auditEntries.find((e: { action: string; userAgent?: string }) => e.action === 'auth.login_succeeded' && e.userAgent === UA)).toBeDefined();
    expect(res.text).not.toMatch(/totpSecret|passwordHash|"hashes"|pendingCode/);

    expect((await host.request('GET', `/api/v1/users/${zelda.id}/export`, { token: a.users.admin.token })).status).toBe(403);
    const byOwner = await host.request('GET', `/api/v1/users/${zelda.id}/export`, { token: owner });
    expect(byOwner.status).toBe(200);
    expect(byOwner.json.profile.email).toBe(zelda.email);
    expect((await host.request('GET', `/api/v1/users/${zelda.id}/export`, { token: b.users.owner.token })).status).toBe(404);
    await host.app.broker?.idle();
    const log = await host.request('GET', `/api/v1/audit?action=privacy.export_generated`, { token: owner });
    expect(log.json.items.length).toBe(2);
  });
});

describe('redaction', () => {
  const needles = (): string[] => [ZELDA.firstName, ZELDA.lastName, ZELDA.jobTitle, ZELDA.employeeNumber, zelda.email, PHONE, UA, ZELDA_PAY, ONLY_EMPLOYEE, ONLY_EMPLOYEE_PAY];

  it("refuses another tenant's user and job (404) and anyone without privacy.manage (403)", async () => {
    const body = { reason: 'Art. 17 request', requestedBy: 'DPO ticket 4711' };
    expect((await host.request('POST', `/api/v1/users/${zelda.id}/redaction`, { token: b.users.owner.token, body })).status).toBe(404);
    expect((await host.request('POST', `/api/v1/users/${zelda.id}/redaction`, { token: a.users.admin.token, body })).status).toBe(403);
    expect((await host.request('POST', `/api/v1/users/${b.users.endUser.id}/redaction`, { token: owner, body })).status).toBe(404);
    expect((await host.request('GET', `/api/v1/redaction-jobs/00000000-0000-0000-0000-000000000000`, { token: owner })).status).toBe(404);
    expect((await host.request('POST', `/api/v1/users/${zelda.id}/redaction`, { token: owner, body: { ...body, extra: 1 } })).status).toBe(400);
  });

  it('returns the open job to a second request for the same person', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    host.app.privacy.runner.fault = async (step, _job, _delivery, phase) => {
      if (step === 'shred-keys' && phase === 'after') await gate;
    };
    const body = { employeeNumber: ONLY_EMPLOYEE, reason: 'Art. 17 request', requestedBy: 'HR ticket 99' };
    const first = await host.request('POST', '/api/v1/data-subjects/redaction', { token: owner, body });
    expect(first.status).toBe(202);
    const second = await host.request('POST', '/api/v1/data-subjects/redaction', { token: owner, body: { ...body, employeeNumber: ` ${ONLY_EMPLOYEE.toLowerCase()} ` } });
    expect(second.json.jobId).toBe(first.json.jobId);
    release();
    await host.app.broker?.idle();
    host.app.privacy.runner.fault = undefined;
    const job = await jobOf(first.json.jobId);
    expect(job).toMatchObject({ status: 'completed', subjectKind: 'employee', userId: null, counts: { keysShredded: 1, timeRecordsUnlinked: 1, rawBodiesPurged: 1 } });
    expect(job.pseudonym).toMatch(/^Redacted employee [0-9a-f]{4}$/);
  });

  it('finishes a job that crashed mid-way on its redelivery', async () => {
    const before = await report();
    const crashes: string[] = [];
    host.app.privacy.runner.fault = (step, _job, deliveryCount, phase) => {
      if (step === 'shred-keys' && phase === 'after' && deliveryCount === 1) {
        crashes.push(step);
        throw new Error('injected crash after shred-keys');
      }
    };
    const res = await host.request('POST', `/api/v1/users/${zelda.id}/redaction`, { token: owner, body: { reason: 'Art. 17 request', requestedBy: 'DPO ticket 4711' } });
    expect(res.status).toBe(202);
    // Locked out at once, before the job runs.
    expect((await host.request('GET', '/api/v1/me', { token: zelda.token })).status).toBe(401);
    await host.app.broker?.idle();
    host.app.privacy.runner.fault = undefined;
    expect(crashes).toEqual(['shred-keys']);
    const job = await jobOf(res.json.jobId);
    expect(job).toMatchObject({ status: 'completed', attempts: 2, userId: zelda.id, stepsDone: job.steps });
    // The JSON body also named EMP-88999 and went with that redaction; the CSV re-send and the schedules body go now; her time record and shift are unlinked.
    expect(job.counts).toMatchObject({ keysShredded: 2, timeRecordsUnlinked: 2, rawBodiesPurged: 2 });
    // Reports read aggregates, which redaction leaves alone.
    expect(await report()).toEqual(before);
    // Running it again is harmless.
    expect((await host.app.privacy.runJob(a.tenantId, res.json.jobId, { deliveryCount: 1, maxDeliveryCount: 10 }))?.status).toBe('completed');
  });

  it('leaves nothing that identifies the people, in clear or decryptable, and the audit chain verifies', async () => {
    await host.app.broker?.idle();
    const jobs = await host.app.store.collection<RedactionJobItem>('privacy', a.tenantId).all<RedactionJobItem>("SELECT * FROM c WHERE c.type = 'redactionJob'");
    const redactedSubjects = new Set(jobs.flatMap((j) => j.subjectIds));
    expect(redactedSubjects.size).toBe(3);

    const items = await allItems();
    const aliveSubjects = new Set<string>();
    for (const { container, item } of items) {
      const text = JSON.stringify(item);
      for (const needle of needles()) expect({ container, id: item.id, found: text.includes(needle) ? needle : null }).toEqual({ container, id: item.id, found: null });
      for (const sealed of sealedValues(item)) {
        if (redactedSubjects.has(sealed.s)) {
          expect(await host.app.keys.find(item.tenantId as string, sealed.s)).toBeUndefined();
          expect(await host.app.cipher.open({ tenantId: item.tenantId as string, field: 'any' }, sealed)).toEqual({ redacted: true });
        } else aliveSubjects.add(sealed.s);
      }
    }
    // Values under keys that still exist: the tenant's (raw bodies) and the request log's. Open them all.
    for (const { item } of items.filter((i) => i.item.type === 'import' && i.item.tenantId === a.tenantId)) {
      const imp = item as unknown as ImportItem;
      if (imp.raw.purgedAt) continue;
      const body = (await host.app.integrations.raw.get(imp)).toString('utf8');
      for (const needle of needles()) expect(body.includes(needle) ? `${imp.id}: ${needle}` : null).toBeNull();
    }
    for (const job of jobs) {
      for (const [field, sealed] of Object.entries(job.enc)) {
        const opened = await host.app.cipher.open({ tenantId: a.tenantId, field: `redaction.${field}`, recordId: job.id }, sealed as Sealed);
        expect(opened.redacted).toBe(false);
        for (const needle of needles()) expect(JSON.stringify(opened).includes(needle)).toBe(false);
      }
    }
    expect([...aliveSubjects].some((s) => redactedSubjects.has(s))).toBe(false);

    const exported = await host.request('GET', '/api/v1/audit/export', { token: owner });
    expect(exported.status).toBe(200);
    for (const needle of needles()) expect(exported.text.includes(needle)).toBe(false);
    const verify = await host.request('GET', '/api/v1/audit/verify', { token: owner });
    expect(verify.json).toMatchObject({ ok: true });
    const completed = exported.text.split('\n').filter((l) => l.includes('privacy.redaction_completed'));
    expect(completed).toHaveLength(2);
  });

  it('pseudonymises the account: it cannot sign in, its e-mail is free, the view shows no personal data', async () => {
    const view = await host.request('GET', `/api/v1/users/${zelda.id}`, { token: owner });
    expect(view.json).toMatchObject({ status: 'redacted', firstName: null, lastName: null, email: null, employeeNumber: null, roles: [] });
    expect((await host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: zelda.email, password: SEED_PASSWORD } })).status).toBe(401);
    const stored = await host.app.store.collection('identity', a.tenantId).read<{ id: string; tenantId: string; type: string; pseudonym?: string }>(zelda.id);
    expect(stored?.pseudonym).toMatch(/^Redacted user [0-9a-f]{4}$/);
    const leftovers = await host.app.store.collection('identity', a.tenantId).all("SELECT c.id FROM c WHERE c.userId = @id", { id: zelda.id });
    expect(leftovers).toEqual([]);
    const again = await host.request('POST', '/api/v1/users', { token: owner, body: { email: zelda.email, firstName: 'Someone', lastName: 'Else', roles: [] } });
    expect(again.status).toBe(201);
    // The replay of a purged body is refused like one purged by retention.
    const purged = (await host.app.store.collection<ImportItem>('imports', a.tenantId).all<ImportItem>("SELECT * FROM c WHERE c.type = 'import' AND c.raw.purgedBy = 'redaction' AND c.sourceType = 'tms'"));
    expect(purged).toHaveLength(2);
    expect((await host.request('POST', `/api/v1/integrations/${tms.id}/imports/${purged[0]?.id}/replay`, { token: owner })).status).toBe(409);
  });
});

describe('imports after a redaction', () => {
  it("refuses a re-sent record of a redacted employee without failing the others", async () => {
    const imp = await sendAndWait(host, a.users.admin.token, tms, {
      records: [
        { id: 'T-1', employeeNumber: ZELDA.employeeNumber, department: 'ROOMS', date: '2026-03-14', productiveHours: 7.5, labourCost: 1 },
        { id: 'T-7', employeeNumber: 'EMP-00004', department: 'ROOMS', date: '2026-03-16', productiveHours: 3, labourCost: 50 },
      ],
    });
    expect(imp.status).toBe('partial');
    expect(imp.errors).toEqual([expect.objectContaining({ field: 'employeeNumber', message: expect.stringMatching(/redacted/) })]);
    expect(JSON.stringify(imp)).not.toContain(ZELDA.employeeNumber);
    // Her stored (unlinked) time record and shift are untouched by the refused re-send.
    const facts = await host.app.store.collection('facts', a.tenantId).all<{ id: string; subjectId?: string }>("SELECT c.id, c.subjectId FROM c WHERE STARTSWITH(c.subjectId, 'redacted:')");
    expect(facts).toHaveLength(3);
  });
});

describe('platform operators and failures', () => {
  it('lets a platform operator redact for a verified tenant contact, recorded as such', async () => {
    const person = await createUser(host, a.slug, owner, { email: `contact-case@${a.slug}.example`, roles: [] });
    const op = await platformOperatorToken(host);
    const body = { reason: 'Art. 17 request relayed by support', requestedBy: 'Support ticket 8812' };
    const withoutTenant = await host.request('POST', `/api/v1/users/${person.id}/redaction`, { token: op, body: { ...body, contactVerification: 'call-back to the DPO number on file' } });
    expect(withoutTenant.status).toBe(400);
    const unverified = await host.request('POST', `/api/v1/users/${person.id}/redaction?tenantId=${a.tenantId}`, { token: op, body });
    expect(unverified.status).toBe(400);
    const res = await host.request('POST', `/api/v1/users/${person.id}/redaction?tenantId=${a.tenantId}`, { token: op, body: { ...body, contactVerification: 'call-back to the DPO number on file' } });
    expect(res.status).toBe(202);
    await host.app.broker?.idle();
    const job = await host.request('GET', `/api/v1/redaction-jobs/${res.json.jobId}?tenantId=${a.tenantId}`, { token: op });
    expect(job.json).toMatchObject({ status: 'completed', requestedVia: 'platform-operator' });
    const stored = await host.app.privacy.job(a.tenantId, res.json.jobId);
    expect(stored?.requester.actorId).not.toBe(a.users.owner.id);
    const verification = await host.app.cipher.open({ tenantId: a.tenantId, field: 'redaction.contactVerification', recordId: res.json.jobId }, stored?.enc.contactVerification as Sealed);
    expect(verification).toEqual({ redacted: false, value: 'call-back to the DPO number on file' });
    const requested = await host.request('GET', `/api/v1/audit?action=privacy.redaction_requested&targetId=${res.json.jobId}`, { token: owner });
    expect(requested.json.items).toEqual([expect.objectContaining({ actor: expect.objectContaining({ type: 'platform-support' }), details: expect.objectContaining({ requestedVia: 'platform-operator' }) })]);
  });

  it('marks a job failed after its last delivery and lets a new request start over', async () => {
    host.app.privacy.runner.fault = (step, _job, _delivery, phase) => {
      if (step === 'disable-login' && phase === 'before') throw new Error('injected persistent failure');
    };
    const body = { employeeNumber: 'EMP-FAIL-1', reason: 'Art. 17 request', requestedBy: 'HR ticket 100' };
    const first = await host.request('POST', '/api/v1/data-subjects/redaction', { token: owner, body });
    // Redeliveries wait out the retry delay: follow the job until it settles.
    for (let i = 0; i < 500; i++) {
      await host.app.broker?.idle();
      const job = await host.app.privacy.job(a.tenantId, first.json.jobId);
      if (job?.status === 'failed' || job?.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    host.app.privacy.runner.fault = undefined;
    const failed = await jobOf(first.json.jobId);
    expect(failed).toMatchObject({ status: 'failed', failure: expect.stringContaining('injected persistent failure'), attempts: host.app.config.BUS_MAX_DELIVERY_COUNT });
    const again = await host.request('POST', '/api/v1/data-subjects/redaction', { token: owner, body });
    expect(again.json.jobId).not.toBe(first.json.jobId);
    await host.app.broker?.idle();
    expect(await jobOf(again.json.jobId)).toMatchObject({ status: 'completed' });
  });
});

describe('account removal', () => {
  it('removes an account nothing refers to, and redacts one with history', async () => {
    const invited = await host.request('POST', '/api/v1/users', { token: owner, body: { email: `never@${a.slug}.example`, firstName: 'Never', lastName: 'Came', roles: [] } });
    const removed = await host.request('DELETE', `/api/v1/users/${invited.json.id}`, { token: owner });
    expect(removed.status).toBe(200);
    expect(removed.json).toEqual({ outcome: 'removed' });
    expect((await host.request('GET', `/api/v1/users/${invited.json.id}`, { token: owner })).status).toBe(404);

    const active = await createUser(host, a.slug, owner, { email: `leaver@${a.slug}.example`, firstName: 'Lea', lastName: 'Ver', roles: [] });
    const redacted = await host.request('DELETE', `/api/v1/users/${active.id}`, { token: owner });
    expect(redacted.status).toBe(202);
    expect(redacted.json).toEqual({ outcome: 'redacted', jobId: expect.any(String) });
    expect((await host.request('GET', '/api/v1/me', { token: active.token })).status).toBe(401);
    await host.app.broker?.idle();
    expect(await jobOf(redacted.json.jobId)).toMatchObject({ status: 'completed' });
    expect((await host.request('GET', `/api/v1/users/${active.id}`, { token: owner })).json).toMatchObject({ status: 'redacted', email: null });
    expect(await host.app.keys.find(a.tenantId, active.id)).toBeUndefined();
  });
});

describe('restore runbook and retention', () => {
  it('re-applies completed redactions after a restore brought a key and an account back', async () => {
    type Raw = { id: string; tenantId: string; type: string; [k: string]: unknown };
    const keys = host.app.store.collection<Raw>('keys', a.tenantId);
    const identity = host.app.store.collection<Raw>('identity', a.tenantId);
    expect((await keys.read(`dek:${zelda.id}`))?.shreddedAt).toEqual(expect.any(String));
    // Simulate a point-in-time restore from before the redaction: a wrapped key and the account as they were.
    const someKey = (await keys.read(`dek:${a.users.endUser.id}`)) as Raw;
    const { _etag: _e1, _ts: _t1, ...wrapped } = someKey;
    await keys.upsert({ ...wrapped, id: `dek:${zelda.id}`, subjectId: zelda.id });
    const account = (await identity.read(zelda.id)) as Raw;
    const { _etag: _e2, _ts: _t2, ...user } = account;
    await identity.upsert({ ...user, status: 'active', passwordHash: 'restored', roles: [{ roleId: 'end-user', scope: { all: true } }] });
    await identity.upsert({ id: 'email:restored-index', tenantId: a.tenantId, type: 'emailIndex', userId: zelda.id });

    const op = await platformOperatorToken(host);
    expect((await host.request('POST', '/api/v1/platform/privacy/reapply-redactions', { token: owner, body: {} })).status).toBe(403);
    const res = await host.request('POST', '/api/v1/platform/privacy/reapply-redactions', { token: op, body: { subjects: [{ tenantId: a.tenantId, subjectId: 'emp:from-the-log' }] } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ jobs: 5, subjects: 1 });

    const key = await keys.read(`dek:${zelda.id}`);
    expect(key?.shreddedAt).toEqual(expect.any(String));
    expect(key?.wrapped).toBeUndefined();
    expect(await identity.read(zelda.id)).toMatchObject({ status: 'redacted', roles: [], enc: {} });
    expect((await identity.read(zelda.id))?.passwordHash).toBeUndefined();
    expect(await identity.read('email:restored-index')).toBeUndefined();
    expect((await keys.read('dek:emp:from-the-log'))?.shreddedAt).toEqual(expect.any(String));
    await host.app.broker?.idle();
    const audited = await host.request('GET', '/api/v1/audit?action=privacy.redactions_reapplied', { token: owner });
    expect(audited.json.items).toEqual([expect.objectContaining({ details: { jobs: 5, subjects: 1 } })]);
  });

  it('purges expired sessions and tokens on its timer', async () => {
    const col = host.app.store.collection('identity', a.tenantId);
    const past = new Date(Date.now() - 86_400_000).toISOString();
    await col.create({ id: 'refresh:expired-test', tenantId: a.tenantId, type: 'refreshToken', sessionId: 'session:x', userId: 'u', createdAt: past, expiresAt: past });
    await col.create({ id: 'invitation:expired-test', tenantId: a.tenantId, type: 'invitation', userId: 'u', createdAt: past, expiresAt: past });
    await col.create({ id: 'session:expired-test', tenantId: a.tenantId, type: 'session', userId: 'u', amr: ['pwd'], authTime: 0, createdAt: past, lastSeenAt: past, idleExpiresAt: past, absoluteExpiresAt: past });
    const live = new Date(Date.now() + 86_400_000).toISOString();
    await col.create({ id: 'refresh:live-test', tenantId: a.tenantId, type: 'refreshToken', sessionId: 'session:y', userId: 'u', createdAt: past, expiresAt: live });
    // A throttle's failure window of some address, past its two windows (platform partition).
    const platform = host.app.store.collection('identity', '_platform');
    await platform.create({ id: 'failures:login:hash:0', tenantId: '_platform', type: 'failureWindow', count: 3, expiresAt: past, ttl: 180 });
    await host.scheduler.trigger('privacyRetention');
    expect(await platform.read('failures:login:hash:0')).toBeUndefined();
    expect(await col.read('refresh:expired-test')).toBeUndefined();
    expect(await col.read('invitation:expired-test')).toBeUndefined();
    expect(await col.read('session:expired-test')).toBeUndefined();
    expect(await col.read('refresh:live-test')).toBeDefined();
    // Completed redaction jobs stay as evidence.
    expect((await host.app.store.collection('privacy', a.tenantId).all("SELECT c.id FROM c WHERE c.type = 'redactionJob' AND c.status = 'completed'")).length).toBe(5);
  });
});
