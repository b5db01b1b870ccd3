import { z } from 'zod';
import { isPermission, type Permission } from '../../access/permissions.js';

const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const timezoneSchema = z.string().refine((tz) => TIME_ZONES.has(tz), 'must be an IANA time zone, e.g. Europe/Vienna');
export const currencySchema = z.string().refine((c) => CURRENCIES.has(c), 'must be an ISO 4217 currency code, e.g. EUR');
export const idSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9_:-]+$/);
export const permissionSchema = z.string().refine(isPermission, 'unknown permission').transform((p) => p as Permission);

export const scopeSchema = z.union([
  z.strictObject({ all: z.literal(true) }),
  z.strictObject({ all: z.literal(false), propertyIds: z.array(idSchema).min(1).max(500) }),
]);

export const assignmentSchema = z.strictObject({ roleId: idSchema, scope: scopeSchema });
/** An assignment as the API shows it: `group` marks one an Entra group mapping granted (it follows the group). */
export const assignmentView = assignmentSchema.extend({
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

export const problemSchema = z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string().optional() });
