import type { Config } from '../shared/config.js';
import type { FunctionDefinition } from '../shared/platform/functions.js';
import type { HttpFunction } from '../shared/http/route.js';
import { buildOpenApiDocument } from '../shared/http/openapi.js';
import health from './health.js';
import platform from './platform.js';
import audit from './audit.js';

/**
 * Every function of the app, declared once. The Azure entry point (index.ts) registers them with
 * the Functions host; the local host serves the same list.
 */
export const catalog: readonly FunctionDefinition[] = [...health, ...platform, ...audit];

export const httpFunctions = catalog.filter((f): f is HttpFunction => f.kind === 'http');

export function openApiDocument(config: Config): object {
  return buildOpenApiDocument(httpFunctions, { version: config.APP_VERSION, serverUrl: config.PUBLIC_BASE_URL });
}
