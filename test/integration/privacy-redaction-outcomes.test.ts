import { beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTestHost } from '../support/host.js';
import { seedTenant, type SeededTenant } from '../support/identity.js';

/**
 * Issue #14 items 10 and 21: redacting someone already redacted answers with the job that did it
 * (no second job), and a redaction purges the local e-mail and SMS outboxes of the person.
 */
const host = useTestHost({ LOGIN_IP_FAILURES_PER_MINUTE: '1000' });
let a: SeededTenant;

beforeAll(async () => {
  a = await seedTenant(host);
});

const outbox = (channel: 'mail' | 'sms'): string => {
  const file = join(process.env.LOCAL_STATE_DIR as string, channel, 'outbox.txt');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
};

const redact = (userId: string) =>
  host.request('POST', `/api/v1/users/${userId}/redaction`, { token: a.users.owner.token, body: { reason: 'erasure request', requestedBy: 'ticket 4711' } });

async function profile(userId: string): Promise<{ name: string; email: string }> {
  const res = await host.request('GET', `/api/v1/users/${userId}`, { token: a.users.owner.token });
  return { name: `${res.json.firstName} ${res.json.lastName}`, email: res.json.email };
}

describe('redaction', () => {
  it("purges the person's messages from the local e-mail and SMS outboxes, and only theirs", async () => {
    const person = await profile(a.users.endUser.id);
    const other = await profile(a.users.admin.id);
    const phone = '+358401112233';
    expect((await host.request('POST', '/api/v1/me/mfa/sms', { token: a.users.endUser.token, body: { phone } })).status).toBe(202);
    expect(outbox('mail')).toContain(person.email);
    expect(outbox('sms')).toContain(phone);

    const res = await redact(a.users.endUser.id);
    expect(res.status).toBe(202);
    await host.app.broker!.idle();
    const job = await host.request('GET', `/api/v1/redaction-jobs/${res.json.jobId}`, { token: a.users.owner.token });
    expect(job.json).toMatchObject({ status: 'completed', counts: expect.objectContaining({ sentMessagesPurged: 2 }) });

    for (const text of [outbox('mail'), outbox('sms')]) {
      expect(text.toLowerCase()).not.toContain(person.email.toLowerCase());
      expect(text).not.toContain(person.name);
      expect(text).not.toContain(phone);
    }
    expect(host.app.identity.localMail?.lastTo(person.email)).toBeUndefined();
    expect(host.app.identity.secondFactors.localSms?.lastTo(phone)).toBeUndefined();
    // Other people's messages stay.
    expect(outbox('mail')).toContain(other.email);
  });

  it('answers a second request for a redacted person with the job that redacted them, starting none', async () => {
    const first = await redact(a.users.admin.id);
    expect(first.status).toBe(202);
    await host.app.broker!.idle();

    const again = await redact(a.users.admin.id);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ jobId: first.json.jobId, status: 'completed' });
    expect(again.headers.get('location')).toBe(`/api/v1/redaction-jobs/${first.json.jobId}`);
    await host.app.broker!.idle();
    const jobs = await host.app.store
      .collection('privacy', a.tenantId)
      .all<{ id: string }>("SELECT c.id FROM c WHERE c.type = 'redactionJob' AND c.subjectKey = @key", { key: `user:${a.users.admin.id}` });
    expect(jobs).toHaveLength(1);
  });
});
