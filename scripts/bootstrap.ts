// `npm run bootstrap`: creates the first platform operator. The password comes from BOOTSTRAP_PASSWORD
// or standard input, never from the command line (argv is visible to every local user and to shell history).
import { createInterface } from 'node:readline';
import { loadConfig, ConfigError } from '../shared/platform/config.js';
import { buildApp } from '../shared/app.js';
import { ProblemError } from '../shared/http/problem.js';

interface Args {
  email: string;
  firstName: string;
  lastName: string;
}

function parseArgs(argv: string[]): Args {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(email|first-name|last-name)(?:=(.*))?$/.exec(argv[i] ?? '');
    if (!m?.[1]) {
      if (argv[i]?.startsWith('--password')) throw new Error('the password is never taken from the command line: use BOOTSTRAP_PASSWORD or standard input');
      throw new Error(`unknown argument ${argv[i]}`);
    }
    out[m[1]] = m[2] ?? argv[++i] ?? '';
  }
  const email = out.email ?? process.env.BOOTSTRAP_EMAIL;
  if (!email) throw new Error('usage: npm run bootstrap -- --email <address> [--first-name <name>] [--last-name <name>]  (password from BOOTSTRAP_PASSWORD or stdin)');
  return { email, firstName: out['first-name'] ?? 'Platform', lastName: out['last-name'] ?? 'Operator' };
}

async function readPassword(): Promise<string> {
  const fromEnv = process.env.BOOTSTRAP_PASSWORD;
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) process.stderr.write('Password for the platform operator: ');
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  throw new Error('no password given (set BOOTSTRAP_PASSWORD or pipe it on standard input)');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const password = await readPassword();
  const config = loadConfig();
  if (!config.COSMOS_ENDPOINT) {
    console.error('warning: COSMOS_ENDPOINT is not set, so this writes to a throw-away embedded store (locally, `npm start` seeds a demo platform operator instead).');
  }
  const app = await buildApp(config);
  try {
    const id = await app.identity.bootstrapOperator({ ...args, password });
    console.log(
      [
        `Platform operator created (user id ${id}). Log in with tenant "_platform".`,
        'Platform accounts always need a second factor: the first login answers mfaEnrollmentRequired; enrol an authenticator app',
        '(POST /api/v1/auth/mfa/enroll/totp, then .../totp/confirm with a code) to get a session. Nothing is possible with the password alone.',
      ].join('\n'),
    );
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof ProblemError) console.error(`bootstrap refused: ${err.detail ?? err.title}${err.errors ? ' — ' + err.errors.map((e) => e.message).join('; ') : ''}`);
  else if (err instanceof ConfigError) console.error(err.message);
  else console.error('bootstrap failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
