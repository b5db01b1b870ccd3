/**
 * Whether a caller may change sign-in settings now: their last authentication (the token's
 * `auth_time`) is at most `maxAgeSeconds` old, or they typed their password again and it verified.
 *
 * @example
 * if (!(await recentlyAuthenticated(principal.authTime, 900, body.password, verify))) throw reauthenticationRequired();
 */
export async function recentlyAuthenticated(
  authTime: number,
  maxAgeSeconds: number,
  password: string | undefined,
  verifyPassword: (password: string) => Promise<boolean>,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<boolean> {
  if (nowSeconds - authTime <= maxAgeSeconds) return true;
  return password !== undefined && password.length > 0 && (await verifyPassword(password));
}
