import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { loginAs, seedTenant, type SeededTenant } from '../support/identity.js';

// Issue 14 item 19: invitation and reset links lead to the web client (WEB_APP_URL), not to the API,
// and the local outbox shows them.

const WEB_APP = 'http://localhost:5199/pmi';
const host = useTestHost({ WEB_APP_URL: WEB_APP, LOGIN_IP_FAILURES_PER_MINUTE: '1000' });
let a: SeededTenant;

beforeAll(async () => {
  a = await seedTenant(host);
});

const outboxFile = () => readFileSync(join(host.app.config.LOCAL_STATE_DIR, 'mail', 'outbox.txt'), 'utf8');
const tokenOf = (link: string) => decodeURIComponent(new URL(link).hash.replace(/^#token=/, ''));

describe('links in e-mails', () => {
  it('an invitation links to the web client, the outbox file shows the link, and its token works', async () => {
    const email = `links-invite@${a.slug}.example`;
    expect((await host.request('POST', '/api/v1/users', { token: a.users.owner.token, body: { email, firstName: 'Lina', lastName: 'Link', roles: [] } })).status).toBe(201);
    const message = host.app.identity.localMail?.lastTo(email);
    const link = message?.link ?? '';
    expect(link).toMatch(new RegExp(`^${WEB_APP}/accept-invitation#token=`));
    expect(link.startsWith(host.app.config.PUBLIC_BASE_URL)).toBe(false);
    expect(message?.text).toContain(link);
    expect(outboxFile()).toContain(`To: ${email}\nSubject: You are invited to Tenant ${a.slug}\nLink: ${link}\n`);
    const accepted = await host.request('POST', '/api/v1/auth/invitations/accept', { body: { token: tokenOf(link), password: 'Kestrel-Harbour-2026!' } });
    expect(accepted.status).toBe(204);
  });

  it('a password reset links to the web client, the outbox file shows the link, and its token works', async () => {
    expect((await host.request('POST', '/api/v1/auth/password/forgot', { body: { tenant: a.slug, email: a.users.endUser.email } })).status).toBe(202);
    const message = host.app.identity.localMail?.lastTo(a.users.endUser.email);
    const link = message?.link ?? '';
    expect(link).toMatch(new RegExp(`^${WEB_APP}/reset-password#token=`));
    expect(outboxFile()).toContain(`Link: ${link}\n`);
    const reset = await host.request('POST', '/api/v1/auth/password/reset', { body: { token: tokenOf(link), password: 'Ochre-Fjord-47-Lantern' } });
    expect(reset.status).toBe(204);
    expect(await loginAs(host, a.slug, a.users.endUser.email, 'Ochre-Fjord-47-Lantern')).toEqual(expect.any(String));
  });
});
