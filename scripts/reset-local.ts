// `npm run reset`: deletes the local state folder (LOCAL_STATE_DIR, default .local/): the embedded
// store's snapshot (tenants, accounts, MFA enrolments, integrations, imported data), the demo-import
// marker, the local keys and pepper, and the local e-mail/SMS outboxes. The next `npm start` seeds
// the demo tenant anew, with a new password. Refused while a local host is using the folder.
import { existsSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, parse, relative, resolve } from 'node:path';
import { loadConfig, ConfigError } from '../shared/platform/config.js';
import { stateDirHolder } from '../shared/platform/local/embedded-cosmos.js';

/** A folder this command must never delete whatever LOCAL_STATE_DIR says: the root, home, or the project itself. */
function unsafeToDelete(dir: string, cwd = process.cwd()): boolean {
  const target = resolve(cwd, dir);
  const up = relative(target, cwd);
  const containsCwd = !up.startsWith('..') && !isAbsolute(up);
  return target === parse(target).root || target === homedir() || containsCwd;
}

function main(): number {
  let dir: string;
  try {
    dir = loadConfig().LOCAL_STATE_DIR;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 78;
    }
    throw err;
  }
  if (unsafeToDelete(dir)) {
    console.error(`LOCAL_STATE_DIR=${dir} is not a folder of its own (it is the root, home or holds this project): not deleted.`);
    return 1;
  }
  if (!existsSync(dir)) {
    console.log(`${dir}: no local state to delete.`);
    return 0;
  }
  const holder = stateDirHolder(dir);
  if (holder !== undefined) {
    console.error(`${dir} is in use by process ${holder} (a running npm start?): stop it first.`);
    return 1;
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`Deleted ${dir}: the next npm start begins with an empty store and a new demo password.`);
  return 0;
}

process.exitCode = main();
