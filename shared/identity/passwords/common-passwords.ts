/**
 * The offline list of common passwords: the 49,000-entry "passwords-common" dictionary shipped by
 * @zxcvbn-ts/language-common (lower-case entries from public breach corpora). Loaded on first use
 * and kept for the process's lifetime.
 */
let loaded: Promise<Set<string>> | undefined;

export function commonPasswords(): Promise<Set<string>> {
  loaded ??= import('@zxcvbn-ts/language-common').then((m) => new Set(m.dictionary['passwords-common'].map((p) => p.toLowerCase())));
  return loaded;
}

/** Whether a password is on the list, compared case-insensitively ("Password" counts as "password"). */
export async function isCommonPassword(password: string): Promise<boolean> {
  const list = await commonPasswords();
  return list.has(password.toLowerCase());
}
