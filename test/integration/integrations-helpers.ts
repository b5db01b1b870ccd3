import { randomUUID } from 'node:crypto';
import type { TestHost, TestResponse } from '../support/host.js';
import { signWebhook } from '../../shared/integrations/signature.js';
import type { Item } from '../../shared/platform/cosmos/store.js';
import type { ContainerName } from '../../shared/platform/topology.js';

export interface CreatedIntegration {
  id: string;
  secret: string;
  json: Record<string, unknown>;
}

export async function createIntegration(host: TestHost, token: string, body: Record<string, unknown>): Promise<CreatedIntegration> {
  const res = await host.request('POST', '/api/v1/integrations', { token, body: { name: 'Test feed', ...body } });
  if (res.status !== 201) throw new Error(`create integration: ${res.status} ${res.text}`);
  return { id: res.json.id, secret: res.json.secret, json: res.json };
}

export interface SendOptions {
  webhookId?: string;
  at?: Date;
  secrets?: string[];
  contentType?: string;
}

/** Sends a signed delivery to an integration's webhook. */
export async function send(host: TestHost, integration: { id: string; secret: string }, body: string | Buffer | object, options: SendOptions = {}): Promise<TestResponse> {
  const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const headers = signWebhook(options.secrets ?? [integration.secret], options.webhookId ?? `msg_${randomUUID()}`, options.at ?? new Date(), raw);
  return host.request('POST', `/api/v1/integrations/${integration.id}/webhook`, {
    rawBody: raw,
    headers: { ...headers, 'content-type': options.contentType ?? (typeof body === 'object' && !Buffer.isBuffer(body) ? 'application/json' : 'text/csv') },
  });
}

/** Sends and waits until the import is processed; returns the import record as the API shows it. */
export async function sendAndWait(host: TestHost, token: string, integration: { id: string; secret: string }, body: string | Buffer | object, options: SendOptions = {}) {
  const res = await send(host, integration, body, options);
  if (res.status !== 202) throw new Error(`webhook: ${res.status} ${res.text}`);
  await host.app.broker?.idle();
  const imp = await host.request('GET', `/api/v1/integrations/${integration.id}/imports/${res.json.importId}`, { token });
  return imp.json;
}

/** Every item of a tenant in a container, raw as stored. */
export async function itemsOf<T = Item & Record<string, unknown>>(host: TestHost, container: ContainerName, tenantId: string, type?: string): Promise<T[]> {
  const col = host.app.store.collection(container, tenantId);
  return type ? col.all<T>('SELECT * FROM c WHERE c.type = @type', { type }) : col.all<T>('SELECT * FROM c');
}
