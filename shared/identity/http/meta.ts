import type { HttpRequest } from '@azure/functions';
import type { RequestMeta } from '../audit.js';
import { actorOf, type EventActor } from '../audit.js';
import type { Principal } from '../../access/principal.js';

export function metaOf(call: { ip: string; userAgent: string; correlationId: string }): RequestMeta & { ip: string } {
  return { ip: call.ip, userAgent: call.userAgent, correlationId: call.correlationId };
}

export function actor(principal: Principal): EventActor {
  return actorOf(principal);
}

export function cookie(req: HttpRequest, name: string): string | undefined {
  const header = req.headers.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}
