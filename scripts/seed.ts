// `npm run seed`: sends a year of demo source-system data for the demo tenant's properties through
// the running backend's real, signed webhook endpoint (start it first with `npm start`).
// Authentication, never from the command line (argv is visible to other local users):
//   SEED_ACCESS_TOKEN  an access token of a demo-tenant admin (after login and MFA), or
//   DEMO_PASSWORD      the demo admin's password (works while the admin needs no second factor), or
//   standard input     that password.
import { createInterface } from 'node:readline';
import { loadConfig, ConfigError } from '../shared/platform/config.js';
import { DEMO_SLUG } from '../shared/identity/seed.js';
import { apiDirectory, apiOutcome, seedDemoData } from '../shared/integrations/demo-seed.js';

const ADMIN_EMAIL = `admin@${DEMO_SLUG}.example`;

async function readPassword(fromConfig: string | undefined): Promise<string> {
  if (fromConfig) return fromConfig;
  if (process.stdin.isTTY) process.stderr.write(`Password of ${ADMIN_EMAIL}: `);
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  throw new Error('no password given (set DEMO_PASSWORD or SEED_ACCESS_TOKEN, or pipe the password on standard input)');
}

async function accessToken(baseUrl: string, demoPassword: string | undefined): Promise<string> {
  const given = process.env.SEED_ACCESS_TOKEN;
  if (given) return given;
  const password = await readPassword(demoPassword);
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: DEMO_SLUG, email: ADMIN_EMAIL, password }),
  });
  if (!login.ok) throw new Error(`login as ${ADMIN_EMAIL} at ${baseUrl} failed: HTTP ${login.status} (is \`npm start\` running, and is the password right?)`);
  const body = (await login.json()) as { accessToken?: string };
  if (!body.accessToken) {
    throw new Error('the login asks for a second factor: log in as a demo admin yourself and pass the access token in SEED_ACCESS_TOKEN');
  }
  return body.accessToken;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const urlArg = process.argv.find((a) => a.startsWith('--url='))?.slice(6);
  const daysArg = process.argv.find((a) => a.startsWith('--days='))?.slice(7);
  const baseUrl = (urlArg ?? config.PUBLIC_BASE_URL).replace(/\/$/, '');
  const token = await accessToken(baseUrl, config.DEMO_PASSWORD);
  const started = Date.now();
  const summary = await seedDemoData({
    baseUrl,
    directory: apiDirectory(baseUrl, token),
    outcome: apiOutcome(baseUrl, token),
    ...(daysArg ? { historyDays: Number(daysArg) } : {}),
    log: (l) => console.log(l),
  });
  console.log(`Sent ${summary.batches} signed batches (${summary.records} records) in ${((Date.now() - started) / 1000).toFixed(1)} s; imports: ${JSON.stringify(summary.imports)}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `seed failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
