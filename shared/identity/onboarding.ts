import type { Principal } from '../access/principal.js';
import { actorOf, type RequestMeta } from '../audit/emit.js';
import type { Profile } from './model.js';
import { OWNER_ROLE } from './roles.js';
import type { TenantItem, TenantService } from './tenants.js';
import type { UserService } from './users.js';

/** A new customer tenant with its owner, who is invited by e-mail (platform operators, POST /tenants). */
export class TenantOnboarding {
  constructor(
    private readonly tenants: TenantService,
    private readonly users: UserService,
  ) {}

  async create(
    principal: Principal,
    input: { slug: string; name: string; dataRegion: string; owner: Pick<Profile, 'email' | 'firstName' | 'lastName'> },
    meta: RequestMeta,
  ): Promise<{ tenant: TenantItem; ownerId: string }> {
    const { owner, ...tenantInput } = input;
    const tenant = await this.tenants.create(tenantInput, actorOf(principal), meta);
    const user = await this.users.create(tenant.tenantRef, { ...owner, roles: [{ roleId: OWNER_ROLE, scope: { all: true } }] }, actorOf(principal), meta);
    return { tenant, ownerId: user.id };
  }
}
