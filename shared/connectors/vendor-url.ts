import { z } from 'zod';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A vendor API's base URL as a connector setting: HTTPS, or plain HTTP towards this machine only
 * (the fake vendor servers of the tests). A tenant-chosen URL is where we send the vendor's
 * credentials, so nothing else is accepted.
 */
export function vendorUrl() {
  return z.url().refine((u) => {
    const url = new URL(u);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  }, 'must be an https URL');
}

/**
 * `path` under a vendor base URL as the tenant typed it: with or without a trailing slash, and with
 * any path prefix it carries (a gateway's) kept.
 */
export function vendorEndpoint(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
