import { z } from 'zod';
import { idSchema, permissionSchema } from './http/schemas.js';

/**
 * The tenant's policies as the API reads and writes them: a change (PATCH /tenant/settings) is
 * validated at the edge with `settingsPatch`, and the policies it results in with `settingsSchema`
 * (TenantService.changeSettings).
 */
const passwordPolicySchema = z.strictObject({
  profile: z.enum(['classic', 'nist']),
  minLength: z.number().int().min(8).max(64),
  requireLower: z.boolean(),
  requireUpper: z.boolean(),
  requireDigit: z.boolean(),
  requireSpecial: z.boolean(),
});
const mfaPolicySchema = z.strictObject({
  requiredForRoles: z.array(idSchema).max(50).describe('Role ids whose holders must use a second factor'),
  requiredForPermissions: z
    .array(permissionSchema)
    .max(50)
    .describe('Permissions (GET /api/v1/permissions) whose holders must use a second factor, whatever role grants them; default: every privileged permission'),
});
const planningPolicySchema = z.strictObject({
  selfApproval: z.boolean().describe('Whether the person who submitted a planning version may approve or reject it themselves (default false: four eyes)'),
});
export const settingsSchema = z.strictObject({
  password: passwordPolicySchema,
  mfa: mfaPolicySchema,
  lockout: z.strictObject({
    maxFailures: z.number().int().min(3).max(100),
    windowMinutes: z.number().int().min(1).max(24 * 60),
    lockMinutes: z.number().int().min(1).max(24 * 60),
    maxLockMinutes: z.number().int().min(1).max(7 * 24 * 60),
  }),
  session: z.strictObject({ idleHours: z.number().int().min(1).max(24 * 30), absoluteDays: z.number().int().min(1).max(90) }),
  planning: planningPolicySchema,
});
export const settingsPatch = z.strictObject({
  password: passwordPolicySchema.partial().optional(),
  mfa: mfaPolicySchema.partial().optional(),
  lockout: settingsSchema.shape.lockout.partial().optional(),
  session: settingsSchema.shape.session.partial().optional(),
  planning: planningPolicySchema.partial().optional(),
});

export type SettingsPatch = z.infer<typeof settingsPatch>;
