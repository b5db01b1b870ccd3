/** Headers every API response carries. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Resource-Policy': 'same-site',
};

const EXPOSED_HEADERS = 'ETag, Location, Retry-After, x-correlation-id, x-store-reads';

/**
 * CORS for an allow-listed origin. Returns no headers for other origins, so the browser blocks the
 * read; the server never reflects an arbitrary Origin.
 */
export function corsHeaders(origin: string | null, allowed: readonly string[]): Record<string, string> {
  if (!origin || !allowed.includes(origin)) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Expose-Headers': EXPOSED_HEADERS,
    Vary: 'Origin',
  };
}

/** Answer to a CORS preflight from an allow-listed origin (the local host; in Azure the platform's CORS does this). */
export function preflightHeaders(origin: string | null, allowed: readonly string[], methods: string[]): Record<string, string> | undefined {
  const base = corsHeaders(origin, allowed);
  if (!base['Access-Control-Allow-Origin']) return undefined;
  return {
    ...base,
    'Access-Control-Allow-Methods': methods.join(', '),
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, If-Match, If-None-Match, x-correlation-id, x-requested-with',
    'Access-Control-Max-Age': '600',
  };
}
