/**
 * Checks where the browser may be sent back after SSO: an absolute http(s) URL whose origin is one
 * of the configured web-client origins, compared exactly (scheme, host and port). Everything that
 * browsers and URL parsers disagree about is refused outright rather than normalised: backslashes,
 * control characters and whitespace, user-info (`https://app@evil`), scheme-relative (`//evil`) and
 * relative URLs. Returns the normalised URL, or undefined when it is not allowed.
 *
 * @example
 * safeReturnTo('https://app.example.com/home', ['https://app.example.com']); // 'https://app.example.com/home'
 * safeReturnTo('https://app.example.com@evil.test/', ['https://app.example.com']); // undefined
 */
export function safeReturnTo(raw: string, allowedOrigins: readonly string[]): string | undefined {
  if (raw.length === 0 || raw.length > 2048) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\\\s\u0000-\u001f\u007f]/.test(raw)) return undefined;
  if (!/^https?:\/\/[^/]/i.test(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.username || url.password) return undefined;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const allowed = new Set(allowedOrigins.map(originOf).filter((o): o is string => o !== undefined));
  if (!allowed.has(url.origin)) return undefined;
  // The one-time code travels in the fragment we add; a fragment of the caller's would be replaced.
  url.hash = '';
  return url.toString();
}

function originOf(value: string): string | undefined {
  try {
    const u = new URL(value);
    return u.origin === 'null' ? undefined : u.origin;
  } catch {
    return undefined;
  }
}
