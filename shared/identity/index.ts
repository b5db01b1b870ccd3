import type { TokenCredential } from '@azure/identity';
import type { Platform } from '../platform/platform.js';
import type { Authenticator, SecurityEventSink } from '../access/authenticator.js';
import { actorOf, auditEvent } from '../audit/emit.js';
import { pepperMaterial } from './passwords/pepper.js';
import { createTokenSigner } from './tokens/signer.js';
import { PasswordHasher } from './passwords/hasher.js';
import { AccessTokens } from './tokens/access-token.js';
import type { Es256Signer } from '../platform/keys/es256-signer.js';
import { TenantService } from './tenants.js';
import { PropertyAdministration } from './property-admin.js';
import { TenantOnboarding } from './onboarding.js';
import { PropertyGroupService } from './property-groups.js';
import { UserService } from './users.js';
import { SessionService } from './sessions.js';
import { RoleService } from './custom-roles.js';
import { LoginService } from './login.js';
import { SsoService } from './sso/service.js';
import { KeyVaultClientCertificate, LocalClientCertificate } from './sso/client-certificate.js';
import { TokenAuthenticator } from './token-authenticator.js';
import { AcsEmailSender, LocalOutboxEmailSender, type EmailSender } from './mail.js';
import { createPlatformOperator, seedDemo, type OperatorInput } from './seed.js';
import { createSecondFactors, type SecondFactors } from './mfa/index.js';
import { join } from 'node:path';

export interface Identity {
  authenticator: Authenticator;
  securityEvents: SecurityEventSink;
  tenants: TenantService;
  /** A new customer tenant with its invited owner. */
  onboarding: TenantOnboarding;
  /** Tenant-defined groups of properties (brand, region, ownership) that portfolio reports run over. */
  propertyGroups: PropertyGroupService;
  /** Properties and departments on behalf of a principal (permission checks, then TenantService). */
  properties: PropertyAdministration;
  users: UserService;
  roles: RoleService;
  sessions: SessionService;
  login: LoginService;
  /** Enterprise single sign-on with Microsoft Entra ID. */
  sso: SsoService;
  tokens: AccessTokens;
  signer: Es256Signer;
  hasher: PasswordHasher;
  mail: EmailSender;
  /** The local outbox, when e-mail is not sent through Azure Communication Services. */
  localMail: LocalOutboxEmailSender | undefined;
  /** MFA (TOTP, SMS, recovery codes), re-authentication, password reset and support grants. */
  secondFactors: SecondFactors;
  /** Creates a platform operator (npm run bootstrap, tests). */
  bootstrapOperator(input: OperatorInput): Promise<string>;
  /** Seeds the demo tenant on a local first start; returns a login hint, or undefined if already seeded. */
  seedDemo(): Promise<string | undefined>;
  close(): Promise<void>;
}

/** Builds identity; Key Vault token signing and Azure Communication Services sign in with the app's credential. */
export async function createIdentity(platform: Platform, deps: { credential: () => TokenCredential }): Promise<Identity> {
  const { config, log } = platform;
  const pepper = await pepperMaterial(config.PASSWORD_PEPPER, config.LOCAL_STATE_DIR, log);
  const hasher = new PasswordHasher(pepper, config.PASSWORD_BCRYPT_COST, config.PASSWORD_HASH_THREADS);
  const signer = await createTokenSigner(config, log, deps.credential);
  const tokens = new AccessTokens(signer, config.PUBLIC_BASE_URL, config.TOKEN_AUDIENCE, config.ACCESS_TOKEN_TTL_SECONDS);

  let localMail: LocalOutboxEmailSender | undefined;
  let mail: EmailSender;
  if (config.ACS_EMAIL_ENDPOINT && config.ACS_EMAIL_SENDER) {
    mail = new AcsEmailSender(config.ACS_EMAIL_ENDPOINT, config.ACS_EMAIL_SENDER, deps.credential);
  } else {
    // The log line carries each message's link (a single-use token) only while the web client runs on
    // this machine: a deployment that forgot ACS still keeps tokens out of its logs.
    const webAppIsLocal = ['localhost', '127.0.0.1', '[::1]'].includes(new URL(config.WEB_APP_URL).hostname);
    localMail = new LocalOutboxEmailSender(join(config.LOCAL_STATE_DIR, 'mail'), log, webAppIsLocal);
    mail = localMail;
  }

  // Users and roles need each other (delegation reads the role catalogue, a role's change reaches its
  // holders): the catalogue is read through a closure, as the authenticator does.
  const authenticator = new TokenAuthenticator(platform, tokens, (tenantId) => roles.definitions(tenantId));
  const changed = () => authenticator.invalidate();
  const tenants = new TenantService(platform);
  const propertyGroups = new PropertyGroupService(platform, tenants.directory);
  const sessions = new SessionService(platform, changed);
  const users = new UserService(platform, hasher, tenants, mail, changed, (tenantId) => roles.definitions(tenantId), {
    endSessions: (tenantId, userId, reason) => sessions.revokeAll(tenantId, userId, reason),
    // The second factors are built on users: their challenges (and clock) are reached through a closure.
    assertRecentAuthentication: (principal) => secondFactors.challenges.assertRecent(principal),
  });
  const roles: RoleService = new RoleService(platform, users);
  const login = new LoginService(platform, tenants, users, sessions, hasher, tokens);
  // Locally (embedded store) a self-signed certificate in the state directory; in Azure only the Key
  // Vault one: an instance's file system is neither shared nor durable.
  const clientCertificate = config.SSO_CLIENT_CERTIFICATE_ID
    ? new KeyVaultClientCertificate(config.SSO_CLIENT_CERTIFICATE_ID, deps.credential)
    : config.COSMOS_ENDPOINT
      ? undefined
      : new LocalClientCertificate(config.LOCAL_STATE_DIR, log);
  const sso = new SsoService(platform, { tenants, users, roles, login, hasher, clientCertificate });
  const secondFactors = createSecondFactors(platform, { users, tenants, sessions, hasher, tokens, login, mail, authenticator, roles, credential: deps.credential, pepper });

  const securityEvents: SecurityEventSink = {
    async denied(info) {
      if (!info.principal) {
        log.info('unauthenticated request denied', { status: info.status, path: info.path, correlationId: info.correlationId });
        return;
      }
      const event = await auditEvent(platform.cipher, {
        tenantId: info.principal.tenantId,
        actor: actorOf(info.principal),
        action: 'auth.access_denied',
        outcome: 'denied',
        correlationId: info.correlationId,
        details: { method: info.method, path: info.path, status: info.status },
      });
      await platform.outbox.emit(info.principal.tenantId, [event]);
    },
  };

  return {
    authenticator,
    securityEvents,
    tenants,
    onboarding: new TenantOnboarding(tenants, users),
    propertyGroups,
    properties: new PropertyAdministration(tenants),
    users,
    roles,
    sessions,
    login,
    sso,
    tokens,
    signer,
    hasher,
    mail,
    localMail,
    secondFactors,
    bootstrapOperator: (input) => createPlatformOperator(users, input),
    seedDemo: () => seedDemo(platform, tenants, users),
    close: () => hasher.close(),
  };
}
