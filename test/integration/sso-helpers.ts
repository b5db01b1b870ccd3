import type { TestHost } from '../support/host.js';
import type { FakeEntra } from '../support/fake-entra.js';

export const API_BASE = 'https://api.pmi.test';
export const WEB_ORIGIN = 'https://app.pmi.test';
export const RETURN_TO = `${WEB_ORIGIN}/after-login`;
export const ERROR_PAGE = `${WEB_ORIGIN}/login/error`;

export interface StartResult {
  status: number;
  location: string;
  flowCookie: string | undefined;
  setCookie: string[];
}

/** GET /auth/sso/start without following the redirect. */
export async function startSso(host: TestHost, slug: string, returnTo = RETURN_TO): Promise<StartResult> {
  const res = await fetch(`${host.url}/api/v1/auth/sso/start?tenant=${encodeURIComponent(slug)}&returnTo=${encodeURIComponent(returnTo)}`, { redirect: 'manual' });
  const setCookie = res.headers.getSetCookie();
  const flowCookie = setCookie.find((c) => c.startsWith('pmi_sso='))?.split(';')[0]?.slice('pmi_sso='.length);
  return { status: res.status, location: res.headers.get('location') ?? '', flowCookie, setCookie };
}

/** GET the callback URL the provider redirected to, on the test host, with the flow cookie. */
export async function callback(host: TestHost, callbackUrl: string, flowCookie: string | undefined): Promise<{ status: number; location: string }> {
  const u = new URL(callbackUrl);
  if (u.origin !== API_BASE) throw new Error(`callback to unexpected origin ${u.origin}`);
  const res = await fetch(`${host.url}${u.pathname}${u.search}`, { redirect: 'manual', headers: flowCookie ? { cookie: `pmi_sso=${flowCookie}` } : {} });
  return { status: res.status, location: res.headers.get('location') ?? '' };
}

export function codeFrom(location: string): string | undefined {
  const u = new URL(location);
  return new URLSearchParams(u.hash.slice(1)).get('code') ?? undefined;
}

export function errorFrom(location: string): string | undefined {
  const u = new URL(location);
  return `${u.origin}${u.pathname}` === ERROR_PAGE ? (u.searchParams.get('error') ?? undefined) : undefined;
}

/** The whole browser round trip up to the redirect back to the web client. */
export async function signInThroughEntra(host: TestHost, fake: FakeEntra, slug: string, tid: string, oid: string): Promise<{ location: string; callbackUrl: string; flowCookie: string | undefined }> {
  const start = await startSso(host, slug);
  if (start.status !== 302) throw new Error(`start answered ${start.status}`);
  fake.signInAs(tid, oid);
  const callbackUrl = await fake.browse(start.location);
  const back = await callback(host, callbackUrl, start.flowCookie);
  return { location: back.location, callbackUrl, flowCookie: start.flowCookie };
}
