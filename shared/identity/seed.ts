import { randomBytes } from 'node:crypto';
import type { Platform } from '../platform/platform.js';
import { PLATFORM_TENANT } from '../platform/topology.js';
import { ProblemError } from '../http/problem.js';
import type { EventActor } from '../audit/emit.js';
import type { DepartmentInput, TenantService } from './tenants.js';
import type { UserService } from './users.js';

const SYSTEM: EventActor = { type: 'system', id: 'seed' };

export interface OperatorInput {
  email: string;
  firstName: string;
  lastName: string;
  password: string;
}

/**
 * Creates a platform operator (a user of the `_platform` tenant); 409 when the e-mail is taken. The
 * account has no second factor yet: its first login answers `mfaEnrollmentRequired`, and no platform
 * action is possible before it enrols one.
 */
export async function createPlatformOperator(users: UserService, input: OperatorInput): Promise<string> {
  const user = await users.create(PLATFORM_TENANT, { ...input, roles: [] }, SYSTEM, { correlationId: 'bootstrap' });
  return user.id;
}

/** A random password that satisfies the default policy (lower, upper, digit, special; 20 characters). */
function generatePassword(): string {
  return `Pm!${randomBytes(12).toString('base64url')}7q`;
}

export const DEMO_SLUG = 'demo-hotels';
const DEMO_OPERATOR = 'operator@demo-hotels.example';

const DEPARTMENTS: DepartmentInput[] = [
  { code: 'ROOMS', name: 'Rooms', usaliDepartment: 'rooms', driver: 'roomsSold', standardHoursPerUnit: 0.5 },
  { code: 'HK', name: 'Housekeeping', usaliDepartment: 'rooms', driver: 'roomsSold', standardHoursPerUnit: 0.45 },
  { code: 'FB', name: 'Food & Beverage', usaliDepartment: 'fnb', driver: 'covers', standardHoursPerUnit: 0.3 },
  { code: 'AG', name: 'Administrative & General', usaliDepartment: 'admin_general', driver: 'none', standardHoursPerUnit: null },
];

/** The demo's ledger carries full monthly rooms revenue (demo-data.ts), so it is the source of record. */
const DEMO_SETTINGS = { roomsRevenueSource: 'ams' as const };

/**
 * Seeds the demo tenant "Demo Hotels" (two properties with departments; an owner, an admin and an
 * end-user) unless it exists. Returns how to log in, or undefined when it was already there.
 */
export async function seedDemo(platform: Platform, tenants: TenantService, users: UserService): Promise<string | undefined> {
  if (await tenants.tenantIdForSlug(DEMO_SLUG)) return undefined;
  const tenant = await tenants.create({ slug: DEMO_SLUG, name: 'Demo Hotels', dataRegion: 'westeurope' }, SYSTEM, { correlationId: 'seed' });
  const tenantId = tenant.tenantRef;
  const meta = { correlationId: 'seed' };
  const properties = [
    await tenants.createProperty(tenantId, { name: 'Demo Grand Hotel Vienna', timezone: 'Europe/Vienna', currency: 'EUR', roomsAvailable: 180, settings: DEMO_SETTINGS }, SYSTEM, meta),
    await tenants.createProperty(tenantId, { name: 'Demo Seaside Resort Lisbon', timezone: 'Europe/Lisbon', currency: 'EUR', roomsAvailable: 120, settings: DEMO_SETTINGS }, SYSTEM, meta),
  ];
  for (const p of properties) for (const d of DEPARTMENTS) await tenants.createDepartment(tenantId, p.id, d, SYSTEM, meta);
  const password = platform.config.DEMO_PASSWORD ?? generatePassword();
  const accounts = [
    { email: 'owner@demo-hotels.example', firstName: 'Olivia', lastName: 'Ostermann', jobTitle: 'General Manager', roleId: 'owner' },
    { email: 'admin@demo-hotels.example', firstName: 'Adam', lastName: 'Albrecht', jobTitle: 'Revenue Manager', roleId: 'admin' },
    { email: 'user@demo-hotels.example', firstName: 'Ursula', lastName: 'Umlauf', jobTitle: 'F&B Manager', roleId: 'end-user' },
  ];
  for (const a of accounts) {
    await users.create(tenantId, { email: a.email, firstName: a.firstName, lastName: a.lastName, jobTitle: a.jobTitle, roles: [{ roleId: a.roleId, scope: { all: true } }], password }, SYSTEM, meta);
  }
  // The embedded store lives in memory, so `npm run bootstrap` can't prepare it ahead of a local start:
  // the demo seed brings a platform operator too.
  await createPlatformOperator(users, { email: DEMO_OPERATOR, firstName: 'Paula', lastName: 'Plattner', password }).catch((err: unknown) => {
    if (!(err instanceof ProblemError && err.status === 409)) throw err;
  });
  return [
    `Demo tenant "Demo Hotels" seeded. Log in with POST /api/v1/auth/login {"tenant": "${DEMO_SLUG}", "email": ..., "password": ...}:`,
    ...accounts.map((a) => `  ${a.roleId.padEnd(9)} ${a.email}`),
    `Platform operator: {"tenant": "_platform", "email": "${DEMO_OPERATOR}"}`,
    `Password of every demo account: ${platform.config.DEMO_PASSWORD ? '(the value of DEMO_PASSWORD)' : password}`,
    'The operator always needs a second factor: its first login answers mfaEnrollmentRequired with an enrollmentToken; enrol an authenticator app with',
    '  POST /api/v1/auth/mfa/enroll/totp {enrollmentToken} (scan otpauthUri), then POST /api/v1/auth/mfa/enroll/totp/confirm {enrollmentToken, code}: tokens and recovery codes.',
    '  Later logins answer mfaRequired: POST /api/v1/auth/mfa/verify {mfaToken, method: "totp", code}.',
    platform.config.MFA_REQUIRE_BY_DEFAULT
      ? 'The owner and the admin enrol the same way at their first login (tenant MFA policy); the end-user logs in with the password alone.'
      : 'The owner, admin and end-user log in with the password alone (MFA_REQUIRE_BY_DEFAULT=false).',
  ].join('\n');
}
