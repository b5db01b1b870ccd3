import { z } from 'zod';
import { isPermission, type Permission } from '../../access/permissions.js';
import { idParam } from '../../http/identifiers.js';

const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const timezoneSchema = z.string().refine((tz) => TIME_ZONES.has(tz), 'must be an IANA time zone, e.g. Europe/Vienna');
export const currencySchema = z.string().refine((c) => CURRENCIES.has(c), 'must be an ISO 4217 currency code, e.g. EUR');
/** The one id schema of the HTTP edge (shared/http/identifiers.ts). */
export const idSchema = idParam;
export const permissionSchema = z.string().refine(isPermission, 'unknown permission').transform((p) => p as Permission);

export const scopeSchema = z.union([
  z.strictObject({ all: z.literal(true) }),
  z.strictObject({ all: z.literal(false), propertyIds: z.array(idSchema).min(1).max(500) }),
]);

export const assignmentSchema = z.strictObject({ roleId: idSchema, scope: scopeSchema });
/** An assignment as the API shows it: `group` marks one an Entra group mapping granted (it follows the group). */
const assignmentView = assignmentSchema.extend({
  group: z.string().optional().describe('The Entra group whose mapping granted this assignment: it goes when the user leaves the group (checked at each SSO sign-in)'),
});

/** A name or similar short text: trimmed, no control characters. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

export const emailSchema = z.string().trim().max(254).pipe(z.email());
export const passwordSchema = z.string().min(1).max(1024);


/** A user as the API shows it: personal fields opened (null once redacted or never given). */
export const userView = z.object({
  id: z.string(),
  status: z.enum(['invited', 'active', 'disabled', 'redacted']),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  email: z.string().nullable(),
  jobTitle: z.string().nullable(),
  employeeNumber: z.string().nullable(),
  roles: z.array(assignmentView),
  locked: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastLoginAt: z.string().nullable(),
});

/** What a login, refresh or completed second factor answers (the refresh token also goes in an HttpOnly cookie). */
export const tokenPair = z.object({ accessToken: z.string(), refreshToken: z.string(), expiresIn: z.number(), tokenType: z.literal('Bearer') });

/** A password login that still owes a second factor: no session yet, only a short-lived challenge token. */
export const secondFactorChallenge = z.union([
  z.object({ mfaRequired: z.literal(true), mfaToken: z.string(), methods: z.array(z.string()), expiresIn: z.number().describe('Seconds') }),
  z.object({ mfaEnrollmentRequired: z.literal(true), enrollmentToken: z.string(), methods: z.array(z.string()), expiresIn: z.number().describe('Seconds') }),
]);

/** An access token without a refresh token (re-authentication, support sessions). */
export const accessTokenOnly = z.object({ accessToken: z.string(), expiresIn: z.number().describe('Seconds'), tokenType: z.literal('Bearer') });

/** A JSON Web Key Set of public keys (RFC 7517). */
export const jwksSchema = z.object({
  keys: z.array(z.object({ kty: z.string(), crv: z.string().optional(), x: z.string().optional(), y: z.string().optional(), kid: z.string().optional(), alg: z.string().optional(), use: z.string().optional() })),
});
