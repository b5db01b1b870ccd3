import type { Config } from '../shared/platform/config.js';
import type { HttpFunction } from '../shared/http/route.js';
import { buildOpenApiDocument } from '../shared/http/openapi.js';
import health from './health.js';
import platform from './platform.js';
import audit from './audit.js';
import auth from './auth.js';
import tenants from './tenants.js';
import users from './users.js';
import roles from './roles.js';
import sso from './sso.js';
import integrations from './integrations.js';
import connectors from './connectors.js';
import files from './files.js';
import fileMappings from './file-mappings.js';
import reports from './reports.js';
import mfa from './mfa.js';
import passwordReset from './password-reset.js';
import supportGrants from './support-grants.js';
import privacy from './privacy.js';
import propertyGroups from './property-groups.js';
import planningScenarios from './planning-scenarios.js';
import planningLabour from './planning-labour.js';
import planningPeriods from './planning-periods.js';
import planning from './planning.js';
import sustainabilityInputs from './sustainability-inputs.js';
import sustainability from './sustainability.js';
import type { FunctionDefinition } from './triggers.js';

/**
 * Every function of the app, declared once. The Azure entry point (index.ts) registers them with
 * the Functions host; the local host serves the same list.
 */
export const catalog: readonly FunctionDefinition[] = [...health(openApiDocument), ...platform, ...audit, ...auth, ...tenants, ...propertyGroups, ...users, ...roles, ...sso, ...integrations, ...connectors, ...files, ...fileMappings, ...reports, ...mfa, ...passwordReset, ...supportGrants, ...privacy, ...planning, ...planningPeriods, ...planningLabour, ...planningScenarios, ...sustainabilityInputs, ...sustainability];

export const httpFunctions = catalog.filter((f): f is HttpFunction => f.kind === 'http');

export function openApiDocument(config: Config): object {
  return buildOpenApiDocument(httpFunctions, { version: config.APP_VERSION, serverUrl: config.PUBLIC_BASE_URL });
}
