import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import type { TestHost } from './host.js';

/** The password every seeded account gets: meets the default policy, on no common-password list. */
export const SEED_PASSWORD = 'Seed-Passw0rd!x7';

export interface SeededUser {
  id: string;
  email: string;
  password: string;
  token: string;
}

export interface SeededTenant {
  tenantId: string;
  slug: string;
  propertyIds: string[];
  /** Department ids per property id. */
  departmentIds: Record<string, string[]>;
  users: { owner: SeededUser; admin: SeededUser; endUser: SeededUser };
}

const OPERATOR_EMAIL = 'operator@platform.example';
const operators = new WeakMap<TestHost, Promise<{ email: string; password: string }>>();

function expectStatus(res: { status: number; text: string }, status: number, what: string): void {
  if (res.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${res.status}: ${res.text}`);
}

/** Logs in through the API and returns the access token. */
export async function loginAs(host: TestHost, tenantSlug: string, email: string, password: string): Promise<string> {
  const res = await host.request('POST', '/api/v1/auth/login', { body: { tenant: tenantSlug, email, password } });
  expectStatus(res, 200, `login ${email}`);
  return res.json.accessToken as string;
}

/** A platform account's authenticator app as these helpers enrolled it. */
export interface PlatformFactor {
  secret: string;
  /** The TOTP time step of the last code used (a code is accepted once). */
  lastStep: number;
  recoveryCodes: string[];
}

const platformFactors = new WeakMap<TestHost, Map<string, PlatformFactor>>();

/** The authenticator app the helpers enrolled for a platform account of this host, if any. */
export function platformFactorOf(host: TestHost, email: string): PlatformFactor | undefined {
  return platformFactors.get(host)?.get(email.toLowerCase());
}

/** Seconds on the MFA module's clock (tests may move it): the time the server checks codes against. */
function mfaEpoch(host: TestHost): number {
  return Math.floor(host.app.identity.secondFactors.clock.now() / 1000);
}

/**
 * Logs a platform account (operator or support agent) in the way the API insists on: the password,
 * then a second factor. The first login enrols an authenticator app (TOTP) through the enrolment
 * challenge; later ones answer the challenge with the current step's code, or with a recovery code
 * when this step's code was already used (the server accepts each TOTP code once). Returns the
 * access token, whose `amr` holds `mfa`.
 */
export async function platformLogin(host: TestHost, email: string, password: string): Promise<string> {
  const login = await host.request('POST', '/api/v1/auth/login', { body: { tenant: '_platform', email, password } });
  expectStatus(login, 200, `login ${email}`);
  let factors = platformFactors.get(host);
  if (!factors) platformFactors.set(host, (factors = new Map()));
  const key = email.toLowerCase();
  if (login.json.mfaEnrollmentRequired === true) {
    const enrollmentToken = login.json.enrollmentToken as string;
    const start = await host.request('POST', '/api/v1/auth/mfa/enroll/totp', { body: { enrollmentToken } });
    expectStatus(start, 200, `start TOTP enrolment of ${email}`);
    const now = mfaEpoch(host);
    const secret = start.json.secret as string;
    const confirmed = await host.request('POST', '/api/v1/auth/mfa/enroll/totp/confirm', { body: { enrollmentToken, code: await generate({ secret, epoch: now }) } });
    expectStatus(confirmed, 200, `confirm TOTP enrolment of ${email}`);
    factors.set(key, { secret, lastStep: Math.floor(now / 30), recoveryCodes: confirmed.json.recoveryCodes as string[] });
    return confirmed.json.accessToken as string;
  }
  if (login.json.mfaRequired !== true) throw new Error(`login ${email}: a platform account got tokens without a second factor`);
  const factor = factors.get(key);
  if (!factor) throw new Error(`login ${email}: a second factor was enrolled outside these helpers`);
  const now = mfaEpoch(host);
  const step = Math.floor(now / 30);
  let answer: { method: 'totp' | 'recovery'; code: string };
  if (step > factor.lastStep) {
    answer = { method: 'totp', code: await generate({ secret: factor.secret, epoch: now }) };
    factor.lastStep = step;
  } else {
    const code = factor.recoveryCodes.shift();
    if (!code) throw new Error(`login ${email}: out of recovery codes for logins within one TOTP step`);
    answer = { method: 'recovery', code };
  }
  const verified = await host.request('POST', '/api/v1/auth/mfa/verify', { body: { mfaToken: login.json.mfaToken, ...answer } });
  expectStatus(verified, 200, `second factor of ${email}`);
  return verified.json.accessToken as string;
}

/** The first platform operator, created once per host through the app's bootstrap function. */
async function operator(host: TestHost): Promise<{ email: string; password: string }> {
  let pending = operators.get(host);
  if (!pending) {
    pending = host.app.identity.bootstrapOperator({ email: OPERATOR_EMAIL, firstName: 'Platform', lastName: 'Operator', password: SEED_PASSWORD }).then(() => ({
      email: OPERATOR_EMAIL,
      password: SEED_PASSWORD,
    }));
    operators.set(host, pending);
  }
  return pending;
}

/** The e-mail and password of the platform operator these helpers bootstrap. */
export async function platformOperator(host: TestHost): Promise<{ email: string; password: string }> {
  return operator(host);
}

/** An access token of a platform operator (tenant `_platform`), signed in with TOTP (enrolled at the first call). */
export async function platformOperatorToken(host: TestHost): Promise<string> {
  const op = await operator(host);
  return platformLogin(host, op.email, op.password);
}

/**
 * A support agent of the platform tenant (role `agent`, password SEED_PASSWORD, no second factor
 * yet: `platformLogin` enrols one at the first login), created through the app's users service.
 */
export async function createSupportAgent(host: TestHost, email: string, name: { firstName: string; lastName: string } = { firstName: 'Sam', lastName: 'Support' }): Promise<{ id: string; email: string; password: string }> {
  const agent = await host.app.identity.users.create(
    '_platform',
    { email, ...name, roles: [{ roleId: 'agent', scope: { all: true } }], password: SEED_PASSWORD },
    undefined,
    { correlationId: 'test-setup' },
  );
  return { id: agent.id, email, password: SEED_PASSWORD };
}

/** Reads the invitation token from the local e-mail outbox. */
export function invitationTokenFor(host: TestHost, email: string): string {
  const message = host.app.identity.localMail?.lastTo(email);
  const token = message?.text.match(/Invitation token: (\S+)/)?.[1];
  if (!token) throw new Error(`no invitation e-mail for ${email}`);
  return token;
}

/**
 * Invites a user with the given roles (as `inviterToken`), accepts the invitation with `password`,
 * logs in and returns the account.
 */
export async function createUser(
  host: TestHost,
  tenantSlug: string,
  inviterToken: string,
  input: { email: string; firstName?: string; lastName?: string; roles: Array<{ roleId: string; scope: { all: true } | { all: false; propertyIds: string[] } }>; password?: string },
): Promise<SeededUser> {
  const password = input.password ?? SEED_PASSWORD;
  const invited = await host.request('POST', '/api/v1/users', {
    token: inviterToken,
    body: { email: input.email, firstName: input.firstName ?? 'Test', lastName: input.lastName ?? 'Person', roles: input.roles },
  });
  expectStatus(invited, 201, `invite ${input.email}`);
  const accepted = await host.request('POST', '/api/v1/auth/invitations/accept', { body: { token: invitationTokenFor(host, input.email), password } });
  expectStatus(accepted, 204, `accept invitation ${input.email}`);
  return { id: invited.json.id as string, email: input.email, password, token: await loginAs(host, tenantSlug, input.email, password) };
}

/**
 * Creates a tenant through the real API: the platform operator creates it and invites its owner,
 * the owner accepts, creates two properties with two departments each, and invites an admin and an
 * end-user. Every account's password is SEED_PASSWORD; tokens are fresh access tokens.
 */
export async function seedTenant(host: TestHost, options: { slug?: string } = {}): Promise<SeededTenant> {
  const slug = options.slug ?? `t-${randomBytes(5).toString('hex')}`;
  const opToken = await platformOperatorToken(host);
  const ownerEmail = `owner@${slug}.example`;
  const created = await host.request('POST', '/api/v1/tenants', {
    token: opToken,
    body: { slug, name: `Tenant ${slug}`, owner: { email: ownerEmail, firstName: 'Olga', lastName: 'Owner' } },
  });
  expectStatus(created, 201, `create tenant ${slug}`);
  const tenantId = created.json.id as string;
  const owner = { id: created.json.ownerId as string };
  const accepted = await host.request('POST', '/api/v1/auth/invitations/accept', { body: { token: invitationTokenFor(host, ownerEmail), password: SEED_PASSWORD } });
  expectStatus(accepted, 204, 'accept owner invitation');
  const ownerToken = await loginAs(host, slug, ownerEmail, SEED_PASSWORD);

  const propertyIds: string[] = [];
  const departmentIds: Record<string, string[]> = {};
  for (const [i, name] of ['North', 'South'].entries()) {
    const p = await host.request('POST', '/api/v1/properties', {
      token: ownerToken,
      body: { name: `${name} Hotel`, timezone: i === 0 ? 'Europe/Vienna' : 'Europe/Berlin', currency: 'EUR', roomsAvailable: 100 + i * 50 },
    });
    expectStatus(p, 201, 'create property');
    const pid = p.json.id as string;
    propertyIds.push(pid);
    departmentIds[pid] = [];
    for (const d of [
      { code: 'ROOMS', name: 'Rooms', usaliDepartment: 'rooms', driver: 'roomsSold', standardHoursPerUnit: 0.5 },
      { code: 'FB', name: 'Food & Beverage', usaliDepartment: 'fnb', driver: 'covers', standardHoursPerUnit: 0.3 },
    ]) {
      const dep = await host.request('POST', `/api/v1/properties/${pid}/departments`, { token: ownerToken, body: d });
      expectStatus(dep, 201, 'create department');
      departmentIds[pid].push(dep.json.id as string);
    }
  }
  const admin = await createUser(host, slug, ownerToken, { email: `admin@${slug}.example`, firstName: 'Arne', lastName: 'Admin', roles: [{ roleId: 'admin', scope: { all: true } }] });
  const endUser = await createUser(host, slug, ownerToken, { email: `user@${slug}.example`, firstName: 'Ulla', lastName: 'Enduser', roles: [{ roleId: 'end-user', scope: { all: true } }] });
  return {
    tenantId,
    slug,
    propertyIds,
    departmentIds,
    users: { owner: { id: owner.id, email: ownerEmail, password: SEED_PASSWORD, token: ownerToken }, admin, endUser },
  };
}
